from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LightOut")


@_attrs_define
class LightOut:
    """
    Attributes:
        colour (str):
        key (str):
        label (str):
        reasons (list[str]):
        scope (str):
    """

    colour: str
    key: str
    label: str
    reasons: list[str]
    scope: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        colour = self.colour

        key = self.key

        label = self.label

        reasons = self.reasons

        scope = self.scope

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "colour": colour,
                "key": key,
                "label": label,
                "reasons": reasons,
                "scope": scope,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        colour = d.pop("colour")

        key = d.pop("key")

        label = d.pop("label")

        reasons = cast(list[str], d.pop("reasons"))

        scope = d.pop("scope")

        light_out = cls(
            colour=colour,
            key=key,
            label=label,
            reasons=reasons,
            scope=scope,
        )

        light_out.additional_properties = d
        return light_out

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
