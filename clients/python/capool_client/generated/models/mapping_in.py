from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MappingIn")


@_attrs_define
class MappingIn:
    """
    Attributes:
        external_code (str):
        kind (str):
        master_ref (str):
        system (str):
    """

    external_code: str
    kind: str
    master_ref: str
    system: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        external_code = self.external_code

        kind = self.kind

        master_ref = self.master_ref

        system = self.system

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "external_code": external_code,
                "kind": kind,
                "master_ref": master_ref,
                "system": system,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        external_code = d.pop("external_code")

        kind = d.pop("kind")

        master_ref = d.pop("master_ref")

        system = d.pop("system")

        mapping_in = cls(
            external_code=external_code,
            kind=kind,
            master_ref=master_ref,
            system=system,
        )

        mapping_in.additional_properties = d
        return mapping_in

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
