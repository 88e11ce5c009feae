from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AqlsIn")


@_attrs_define
class AqlsIn:
    """
    Attributes:
        critical (float | Unset):  Default: 0.0.
        major (float | None | Unset):
        minor (float | Unset):  Default: 4.0.
    """

    critical: float | Unset = 0.0
    major: float | None | Unset = UNSET
    minor: float | Unset = 4.0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        critical = self.critical

        major: float | None | Unset
        if isinstance(self.major, Unset):
            major = UNSET
        else:
            major = self.major

        minor = self.minor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if critical is not UNSET:
            field_dict["critical"] = critical
        if major is not UNSET:
            field_dict["major"] = major
        if minor is not UNSET:
            field_dict["minor"] = minor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        critical = d.pop("critical", UNSET)

        def _parse_major(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        major = _parse_major(d.pop("major", UNSET))

        minor = d.pop("minor", UNSET)

        aqls_in = cls(
            critical=critical,
            major=major,
            minor=minor,
        )

        aqls_in.additional_properties = d
        return aqls_in

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
