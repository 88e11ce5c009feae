from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.visibility import Visibility, check_visibility
from ..types import UNSET, Unset

T = TypeVar("T", bound="OfferChange")


@_attrs_define
class OfferChange:
    """
    Attributes:
        capacity_per_day (int | None | Unset):
        lead_time_days (int | None | Unset):
        min_batch (int | None | Unset):
        unit_price_minor (int | None | Unset):
        visibility (None | Unset | Visibility):
        window_end (datetime.date | None | Unset):
    """

    capacity_per_day: int | None | Unset = UNSET
    lead_time_days: int | None | Unset = UNSET
    min_batch: int | None | Unset = UNSET
    unit_price_minor: int | None | Unset = UNSET
    visibility: None | Unset | Visibility = UNSET
    window_end: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        capacity_per_day: int | None | Unset
        if isinstance(self.capacity_per_day, Unset):
            capacity_per_day = UNSET
        else:
            capacity_per_day = self.capacity_per_day

        lead_time_days: int | None | Unset
        if isinstance(self.lead_time_days, Unset):
            lead_time_days = UNSET
        else:
            lead_time_days = self.lead_time_days

        min_batch: int | None | Unset
        if isinstance(self.min_batch, Unset):
            min_batch = UNSET
        else:
            min_batch = self.min_batch

        unit_price_minor: int | None | Unset
        if isinstance(self.unit_price_minor, Unset):
            unit_price_minor = UNSET
        else:
            unit_price_minor = self.unit_price_minor

        visibility: None | str | Unset
        if isinstance(self.visibility, Unset):
            visibility = UNSET
        elif isinstance(self.visibility, str):
            visibility = self.visibility
        else:
            visibility = self.visibility

        window_end: None | str | Unset
        if isinstance(self.window_end, Unset):
            window_end = UNSET
        elif isinstance(self.window_end, datetime.date):
            window_end = self.window_end.isoformat()
        else:
            window_end = self.window_end

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if capacity_per_day is not UNSET:
            field_dict["capacity_per_day"] = capacity_per_day
        if lead_time_days is not UNSET:
            field_dict["lead_time_days"] = lead_time_days
        if min_batch is not UNSET:
            field_dict["min_batch"] = min_batch
        if unit_price_minor is not UNSET:
            field_dict["unit_price_minor"] = unit_price_minor
        if visibility is not UNSET:
            field_dict["visibility"] = visibility
        if window_end is not UNSET:
            field_dict["window_end"] = window_end

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_capacity_per_day(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        capacity_per_day = _parse_capacity_per_day(d.pop("capacity_per_day", UNSET))

        def _parse_lead_time_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        lead_time_days = _parse_lead_time_days(d.pop("lead_time_days", UNSET))

        def _parse_min_batch(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        min_batch = _parse_min_batch(d.pop("min_batch", UNSET))

        def _parse_unit_price_minor(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        unit_price_minor = _parse_unit_price_minor(d.pop("unit_price_minor", UNSET))

        def _parse_visibility(data: object) -> None | Unset | Visibility:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                visibility_type_0 = check_visibility(data)

                return visibility_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | Visibility, data)

        visibility = _parse_visibility(d.pop("visibility", UNSET))

        def _parse_window_end(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                window_end_type_0 = datetime.date.fromisoformat(data)

                return window_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        window_end = _parse_window_end(d.pop("window_end", UNSET))

        offer_change = cls(
            capacity_per_day=capacity_per_day,
            lead_time_days=lead_time_days,
            min_batch=min_batch,
            unit_price_minor=unit_price_minor,
            visibility=visibility,
            window_end=window_end,
        )

        offer_change.additional_properties = d
        return offer_change

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
