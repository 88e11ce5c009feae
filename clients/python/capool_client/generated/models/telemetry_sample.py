from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TelemetrySample")


@_attrs_define
class TelemetrySample:
    """
    Attributes:
        current_a (float):
        cycle (int):
        measured_at (datetime.datetime):
    """

    current_a: float
    cycle: int
    measured_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        current_a = self.current_a

        cycle = self.cycle

        measured_at = self.measured_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "current_a": current_a,
                "cycle": cycle,
                "measured_at": measured_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        current_a = d.pop("current_a")

        cycle = d.pop("cycle")

        measured_at = datetime.datetime.fromisoformat(d.pop("measured_at"))

        telemetry_sample = cls(
            current_a=current_a,
            cycle=cycle,
            measured_at=measured_at,
        )

        telemetry_sample.additional_properties = d
        return telemetry_sample

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
