from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.telemetry_sample import TelemetrySample


T = TypeVar("T", bound="TelemetryIn")


@_attrs_define
class TelemetryIn:
    """
    Attributes:
        readings (list[TelemetrySample]):
        resource_id (UUID):
    """

    readings: list[TelemetrySample]
    resource_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        readings = []
        for readings_item_data in self.readings:
            readings_item = readings_item_data.to_dict()
            readings.append(readings_item)

        resource_id = str(self.resource_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "readings": readings,
                "resource_id": resource_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.telemetry_sample import TelemetrySample  # noqa: PLC0415

        d = dict(src_dict)
        readings = []
        _readings = d.pop("readings")
        for readings_item_data in _readings:
            readings_item = TelemetrySample.from_dict(readings_item_data)

            readings.append(readings_item)

        resource_id = UUID(d.pop("resource_id"))

        telemetry_in = cls(
            readings=readings,
            resource_id=resource_id,
        )

        telemetry_in.additional_properties = d
        return telemetry_in

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
