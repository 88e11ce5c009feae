from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SiteOut")


@_attrs_define
class SiteOut:
    """
    Attributes:
        address (None | str):
        created_at (datetime.datetime):
        id (UUID):
        name (str):
        organisation_id (UUID):
        region (str):
    """

    address: None | str
    created_at: datetime.datetime
    id: UUID
    name: str
    organisation_id: UUID
    region: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        address: None | str
        address = self.address

        created_at = self.created_at.isoformat()

        id = str(self.id)

        name = self.name

        organisation_id = str(self.organisation_id)

        region = self.region

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "address": address,
                "created_at": created_at,
                "id": id,
                "name": name,
                "organisation_id": organisation_id,
                "region": region,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        address = _parse_address(d.pop("address"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        name = d.pop("name")

        organisation_id = UUID(d.pop("organisation_id"))

        region = d.pop("region")

        site_out = cls(
            address=address,
            created_at=created_at,
            id=id,
            name=name,
            organisation_id=organisation_id,
            region=region,
        )

        site_out.additional_properties = d
        return site_out

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
