from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.capacity_unit import CapacityUnit, check_capacity_unit
from ..models.visibility import Visibility, check_visibility
from ..types import UNSET, Unset

T = TypeVar("T", bound="OfferIn")


@_attrs_define
class OfferIn:
    """
    Attributes:
        capacity_per_day (int):
        currency (str):
        process (str):
        resource_id (UUID):
        unit_price_minor (int):
        window_end (datetime.date):
        window_start (datetime.date):
        capacity_unit (CapacityUnit | Unset):
        lead_time_days (int | Unset):  Default: 0.
        materials (list[str] | None | Unset):
        min_batch (int | Unset):  Default: 1.
        units_per_hour (int | Unset):  Default: 1.
        visibility (Visibility | Unset):
    """

    capacity_per_day: int
    currency: str
    process: str
    resource_id: UUID
    unit_price_minor: int
    window_end: datetime.date
    window_start: datetime.date
    capacity_unit: CapacityUnit | Unset = UNSET
    lead_time_days: int | Unset = 0
    materials: list[str] | None | Unset = UNSET
    min_batch: int | Unset = 1
    units_per_hour: int | Unset = 1
    visibility: Visibility | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        capacity_per_day = self.capacity_per_day

        currency = self.currency

        process = self.process

        resource_id = str(self.resource_id)

        unit_price_minor = self.unit_price_minor

        window_end = self.window_end.isoformat()

        window_start = self.window_start.isoformat()

        capacity_unit: str | Unset = UNSET
        if not isinstance(self.capacity_unit, Unset):
            capacity_unit = self.capacity_unit

        lead_time_days = self.lead_time_days

        materials: list[str] | None | Unset
        if isinstance(self.materials, Unset):
            materials = UNSET
        elif isinstance(self.materials, list):
            materials = self.materials

        else:
            materials = self.materials

        min_batch = self.min_batch

        units_per_hour = self.units_per_hour

        visibility: str | Unset = UNSET
        if not isinstance(self.visibility, Unset):
            visibility = self.visibility

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "capacity_per_day": capacity_per_day,
                "currency": currency,
                "process": process,
                "resource_id": resource_id,
                "unit_price_minor": unit_price_minor,
                "window_end": window_end,
                "window_start": window_start,
            }
        )
        if capacity_unit is not UNSET:
            field_dict["capacity_unit"] = capacity_unit
        if lead_time_days is not UNSET:
            field_dict["lead_time_days"] = lead_time_days
        if materials is not UNSET:
            field_dict["materials"] = materials
        if min_batch is not UNSET:
            field_dict["min_batch"] = min_batch
        if units_per_hour is not UNSET:
            field_dict["units_per_hour"] = units_per_hour
        if visibility is not UNSET:
            field_dict["visibility"] = visibility

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        capacity_per_day = d.pop("capacity_per_day")

        currency = d.pop("currency")

        process = d.pop("process")

        resource_id = UUID(d.pop("resource_id"))

        unit_price_minor = d.pop("unit_price_minor")

        window_end = datetime.date.fromisoformat(d.pop("window_end"))

        window_start = datetime.date.fromisoformat(d.pop("window_start"))

        _capacity_unit = d.pop("capacity_unit", UNSET)
        capacity_unit: CapacityUnit | Unset
        if isinstance(_capacity_unit, Unset):
            capacity_unit = UNSET
        else:
            capacity_unit = check_capacity_unit(_capacity_unit)

        lead_time_days = d.pop("lead_time_days", UNSET)

        def _parse_materials(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                materials_type_0 = cast(list[str], data)

                return materials_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        materials = _parse_materials(d.pop("materials", UNSET))

        min_batch = d.pop("min_batch", UNSET)

        units_per_hour = d.pop("units_per_hour", UNSET)

        _visibility = d.pop("visibility", UNSET)
        visibility: Visibility | Unset
        if isinstance(_visibility, Unset):
            visibility = UNSET
        else:
            visibility = check_visibility(_visibility)

        offer_in = cls(
            capacity_per_day=capacity_per_day,
            currency=currency,
            process=process,
            resource_id=resource_id,
            unit_price_minor=unit_price_minor,
            window_end=window_end,
            window_start=window_start,
            capacity_unit=capacity_unit,
            lead_time_days=lead_time_days,
            materials=materials,
            min_batch=min_batch,
            units_per_hour=units_per_hour,
            visibility=visibility,
        )

        offer_in.additional_properties = d
        return offer_in

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
