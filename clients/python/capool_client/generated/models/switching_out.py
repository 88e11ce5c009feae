from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SwitchingOut")


@_attrs_define
class SwitchingOut:
    """
    Attributes:
        discontinued (bool):
        factory_org_id (UUID):
        product (str):
        recent_normal (list[bool]):
        severity (str):
        switching_score (int):
        tightened_accepted_run (int):
        tightened_rejections (int):
        updated_at (datetime.datetime | None):
    """

    discontinued: bool
    factory_org_id: UUID
    product: str
    recent_normal: list[bool]
    severity: str
    switching_score: int
    tightened_accepted_run: int
    tightened_rejections: int
    updated_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        discontinued = self.discontinued

        factory_org_id = str(self.factory_org_id)

        product = self.product

        recent_normal = self.recent_normal

        severity = self.severity

        switching_score = self.switching_score

        tightened_accepted_run = self.tightened_accepted_run

        tightened_rejections = self.tightened_rejections

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "discontinued": discontinued,
                "factory_org_id": factory_org_id,
                "product": product,
                "recent_normal": recent_normal,
                "severity": severity,
                "switching_score": switching_score,
                "tightened_accepted_run": tightened_accepted_run,
                "tightened_rejections": tightened_rejections,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        discontinued = d.pop("discontinued")

        factory_org_id = UUID(d.pop("factory_org_id"))

        product = d.pop("product")

        recent_normal = cast(list[bool], d.pop("recent_normal"))

        severity = d.pop("severity")

        switching_score = d.pop("switching_score")

        tightened_accepted_run = d.pop("tightened_accepted_run")

        tightened_rejections = d.pop("tightened_rejections")

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        switching_out = cls(
            discontinued=discontinued,
            factory_org_id=factory_org_id,
            product=product,
            recent_normal=recent_normal,
            severity=severity,
            switching_score=switching_score,
            tightened_accepted_run=tightened_accepted_run,
            tightened_rejections=tightened_rejections,
            updated_at=updated_at,
        )

        switching_out.additional_properties = d
        return switching_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
