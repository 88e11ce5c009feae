from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WeekComparisonOut")


@_attrs_define
class WeekComparisonOut:
    """
    Attributes:
        actual (float):
        agreed (float | None):
        colour (str):
        demand (float):
        iso_week (str):
        maximum (float):
        previous_demand (float | None):
        status (str):
        volatility (None | str):
        week (datetime.date):
    """

    actual: float
    agreed: float | None
    colour: str
    demand: float
    iso_week: str
    maximum: float
    previous_demand: float | None
    status: str
    volatility: None | str
    week: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actual = self.actual

        agreed: float | None
        agreed = self.agreed

        colour = self.colour

        demand = self.demand

        iso_week = self.iso_week

        maximum = self.maximum

        previous_demand: float | None
        previous_demand = self.previous_demand

        status = self.status

        volatility: None | str
        volatility = self.volatility

        week = self.week.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actual": actual,
                "agreed": agreed,
                "colour": colour,
                "demand": demand,
                "iso_week": iso_week,
                "maximum": maximum,
                "previous_demand": previous_demand,
                "status": status,
                "volatility": volatility,
                "week": week,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        actual = d.pop("actual")

        def _parse_agreed(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        agreed = _parse_agreed(d.pop("agreed"))

        colour = d.pop("colour")

        demand = d.pop("demand")

        iso_week = d.pop("iso_week")

        maximum = d.pop("maximum")

        def _parse_previous_demand(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        previous_demand = _parse_previous_demand(d.pop("previous_demand"))

        status = d.pop("status")

        def _parse_volatility(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        volatility = _parse_volatility(d.pop("volatility"))

        week = datetime.date.fromisoformat(d.pop("week"))

        week_comparison_out = cls(
            actual=actual,
            agreed=agreed,
            colour=colour,
            demand=demand,
            iso_week=iso_week,
            maximum=maximum,
            previous_demand=previous_demand,
            status=status,
            volatility=volatility,
            week=week,
        )

        week_comparison_out.additional_properties = d
        return week_comparison_out

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
