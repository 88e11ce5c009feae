from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MappingOut")


@_attrs_define
class MappingOut:
    """
    Attributes:
        created_at (datetime.datetime):
        external_code (str):
        id (UUID):
        kind (str):
        master_ref (str):
        system (str):
    """

    created_at: datetime.datetime
    external_code: str
    id: UUID
    kind: str
    master_ref: str
    system: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        external_code = self.external_code

        id = str(self.id)

        kind = self.kind

        master_ref = self.master_ref

        system = self.system

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "external_code": external_code,
                "id": id,
                "kind": kind,
                "master_ref": master_ref,
                "system": system,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        external_code = d.pop("external_code")

        id = UUID(d.pop("id"))

        kind = d.pop("kind")

        master_ref = d.pop("master_ref")

        system = d.pop("system")

        mapping_out = cls(
            created_at=created_at,
            external_code=external_code,
            id=id,
            kind=kind,
            master_ref=master_ref,
            system=system,
        )

        mapping_out.additional_properties = d
        return mapping_out

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
