from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OnTimeOut")


@_attrs_define
class OnTimeOut:
    """
    Attributes:
        delivered (int):
        end (datetime.datetime):
        on_time (int):
        rate (float | None):
        start (datetime.datetime):
    """

    delivered: int
    end: datetime.datetime
    on_time: int
    rate: float | None
    start: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        delivered = self.delivered

        end = self.end.isoformat()

        on_time = self.on_time

        rate: float | None
        rate = self.rate

        start = self.start.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "delivered": delivered,
                "end": end,
                "on_time": on_time,
                "rate": rate,
                "start": start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        delivered = d.pop("delivered")

        end = datetime.datetime.fromisoformat(d.pop("end"))

        on_time = d.pop("on_time")

        def _parse_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate = _parse_rate(d.pop("rate"))

        start = datetime.datetime.fromisoformat(d.pop("start"))

        on_time_out = cls(
            delivered=delivered,
            end=end,
            on_time=on_time,
            rate=rate,
            start=start,
        )

        on_time_out.additional_properties = d
        return on_time_out

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
