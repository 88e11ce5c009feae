from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ChartPointOut")


@_attrs_define
class ChartPointOut:
    """
    Attributes:
        index (int):
        lcl (float):
        ucl (float):
        value (float):
        z (float):
    """

    index: int
    lcl: float
    ucl: float
    value: float
    z: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        index = self.index

        lcl = self.lcl

        ucl = self.ucl

        value = self.value

        z = self.z

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "lcl": lcl,
                "ucl": ucl,
                "value": value,
                "z": z,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        index = d.pop("index")

        lcl = d.pop("lcl")

        ucl = d.pop("ucl")

        value = d.pop("value")

        z = d.pop("z")

        chart_point_out = cls(
            index=index,
            lcl=lcl,
            ucl=ucl,
            value=value,
            z=z,
        )

        chart_point_out.additional_properties = d
        return chart_point_out

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
