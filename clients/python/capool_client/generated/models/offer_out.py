from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OfferOut")


@_attrs_define
class OfferOut:
    """
    Attributes:
        capacity_per_day (int):
        capacity_unit (str):
        created_at (datetime.datetime):
        currency (str):
        id (UUID):
        lead_time_days (int):
        materials (list[str]):
        min_batch (int):
        organisation_id (UUID):
        process (str):
        remaining (int):
        reserved (int):
        resource_id (UUID):
        status (str):
        total_capacity (int):
        unit_price_minor (int):
        units_per_hour (int):
        version (int):
        visibility (str):
        window_end (datetime.date):
        window_start (datetime.date):
    """

    capacity_per_day: int
    capacity_unit: str
    created_at: datetime.datetime
    currency: str
    id: UUID
    lead_time_days: int
    materials: list[str]
    min_batch: int
    organisation_id: UUID
    process: str
    remaining: int
    reserved: int
    resource_id: UUID
    status: str
    total_capacity: int
    unit_price_minor: int
    units_per_hour: int
    version: int
    visibility: str
    window_end: datetime.date
    window_start: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        capacity_per_day = self.capacity_per_day

        capacity_unit = self.capacity_unit

        created_at = self.created_at.isoformat()

        currency = self.currency

        id = str(self.id)

        lead_time_days = self.lead_time_days

        materials = self.materials

        min_batch = self.min_batch

        organisation_id = str(self.organisation_id)

        process = self.process

        remaining = self.remaining

        reserved = self.reserved

        resource_id = str(self.resource_id)

        status = self.status

        total_capacity = self.total_capacity

        unit_price_minor = self.unit_price_minor

        units_per_hour = self.units_per_hour

        version = self.version

        visibility = self.visibility

        window_end = self.window_end.isoformat()

        window_start = self.window_start.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "capacity_per_day": capacity_per_day,
                "capacity_unit": capacity_unit,
                "created_at": created_at,
                "currency": currency,
                "id": id,
                "lead_time_days": lead_time_days,
                "materials": materials,
                "min_batch": min_batch,
                "organisation_id": organisation_id,
                "process": process,
                "remaining": remaining,
                "reserved": reserved,
                "resource_id": resource_id,
                "status": status,
                "total_capacity": total_capacity,
                "unit_price_minor": unit_price_minor,
                "units_per_hour": units_per_hour,
                "version": version,
                "visibility": visibility,
                "window_end": window_end,
                "window_start": window_start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        capacity_per_day = d.pop("capacity_per_day")

        capacity_unit = d.pop("capacity_unit")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        currency = d.pop("currency")

        id = UUID(d.pop("id"))

        lead_time_days = d.pop("lead_time_days")

        materials = cast(list[str], d.pop("materials"))

        min_batch = d.pop("min_batch")

        organisation_id = UUID(d.pop("organisation_id"))

        process = d.pop("process")

        remaining = d.pop("remaining")

        reserved = d.pop("reserved")

        resource_id = UUID(d.pop("resource_id"))

        status = d.pop("status")

        total_capacity = d.pop("total_capacity")

        unit_price_minor = d.pop("unit_price_minor")

        units_per_hour = d.pop("units_per_hour")

        version = d.pop("version")

        visibility = d.pop("visibility")

        window_end = datetime.date.fromisoformat(d.pop("window_end"))

        window_start = datetime.date.fromisoformat(d.pop("window_start"))

        offer_out = cls(
            capacity_per_day=capacity_per_day,
            capacity_unit=capacity_unit,
            created_at=created_at,
            currency=currency,
            id=id,
            lead_time_days=lead_time_days,
            materials=materials,
            min_batch=min_batch,
            organisation_id=organisation_id,
            process=process,
            remaining=remaining,
            reserved=reserved,
            resource_id=resource_id,
            status=status,
            total_capacity=total_capacity,
            unit_price_minor=unit_price_minor,
            units_per_hour=units_per_hour,
            version=version,
            visibility=visibility,
            window_end=window_end,
            window_start=window_start,
        )

        offer_out.additional_properties = d
        return offer_out

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
