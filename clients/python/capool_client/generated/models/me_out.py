from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MeOut")


@_attrs_define
class MeOut:
    """
    Attributes:
        alliance_id (UUID):
        organisation_id (UUID):
        permissions (list[str]):
        role (str):
        user_id (UUID):
    """

    alliance_id: UUID
    organisation_id: UUID
    permissions: list[str]
    role: str
    user_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        alliance_id = str(self.alliance_id)

        organisation_id = str(self.organisation_id)

        permissions = self.permissions

        role = self.role

        user_id = str(self.user_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "alliance_id": alliance_id,
                "organisation_id": organisation_id,
                "permissions": permissions,
                "role": role,
                "user_id": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        alliance_id = UUID(d.pop("alliance_id"))

        organisation_id = UUID(d.pop("organisation_id"))

        permissions = cast(list[str], d.pop("permissions"))

        role = d.pop("role")

        user_id = UUID(d.pop("user_id"))

        me_out = cls(
            alliance_id=alliance_id,
            organisation_id=organisation_id,
            permissions=permissions,
            role=role,
            user_id=user_id,
        )

        me_out.additional_properties = d
        return me_out

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
