from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CapacityWeekOut")


@_attrs_define
class CapacityWeekOut:
    """
    Attributes:
        available (int):
        booked (int):
        end (datetime.date):
        floating_spare (int):
        free (int):
        partner_spare (int):
        process (str):
        published (int):
        start (datetime.date):
        week (str):
    """

    available: int
    booked: int
    end: datetime.date
    floating_spare: int
    free: int
    partner_spare: int
    process: str
    published: int
    start: datetime.date
    week: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        available = self.available

        booked = self.booked

        end = self.end.isoformat()

        floating_spare = self.floating_spare

        free = self.free

        partner_spare = self.partner_spare

        process = self.process

        published = self.published

        start = self.start.isoformat()

        week = self.week

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "available": available,
                "booked": booked,
                "end": end,
                "floating_spare": floating_spare,
                "free": free,
                "partner_spare": partner_spare,
                "process": process,
                "published": published,
                "start": start,
                "week": week,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        available = d.pop("available")

        booked = d.pop("booked")

        end = datetime.date.fromisoformat(d.pop("end"))

        floating_spare = d.pop("floating_spare")

        free = d.pop("free")

        partner_spare = d.pop("partner_spare")

        process = d.pop("process")

        published = d.pop("published")

        start = datetime.date.fromisoformat(d.pop("start"))

        week = d.pop("week")

        capacity_week_out = cls(
            available=available,
            booked=booked,
            end=end,
            floating_spare=floating_spare,
            free=free,
            partner_spare=partner_spare,
            process=process,
            published=published,
            start=start,
            week=week,
        )

        capacity_week_out.additional_properties = d
        return capacity_week_out

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
