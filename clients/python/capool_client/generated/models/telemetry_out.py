from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TelemetryOut")


@_attrs_define
class TelemetryOut:
    """
    Attributes:
        alert_id (None | UUID):
        alert_opened (bool):
        cycles_checked (int):
        offers_reduced (list[UUID]):
        offers_withdrawn (list[UUID]):
        resource_id (UUID):
        stored (int):
    """

    alert_id: None | UUID
    alert_opened: bool
    cycles_checked: int
    offers_reduced: list[UUID]
    offers_withdrawn: list[UUID]
    resource_id: UUID
    stored: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        alert_id: None | str
        if isinstance(self.alert_id, UUID):
            alert_id = str(self.alert_id)
        else:
            alert_id = self.alert_id

        alert_opened = self.alert_opened

        cycles_checked = self.cycles_checked

        offers_reduced = []
        for offers_reduced_item_data in self.offers_reduced:
            offers_reduced_item = str(offers_reduced_item_data)
            offers_reduced.append(offers_reduced_item)

        offers_withdrawn = []
        for offers_withdrawn_item_data in self.offers_withdrawn:
            offers_withdrawn_item = str(offers_withdrawn_item_data)
            offers_withdrawn.append(offers_withdrawn_item)

        resource_id = str(self.resource_id)

        stored = self.stored

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "alert_id": alert_id,
                "alert_opened": alert_opened,
                "cycles_checked": cycles_checked,
                "offers_reduced": offers_reduced,
                "offers_withdrawn": offers_withdrawn,
                "resource_id": resource_id,
                "stored": stored,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_alert_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                alert_id_type_0 = UUID(data)

                return alert_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        alert_id = _parse_alert_id(d.pop("alert_id"))

        alert_opened = d.pop("alert_opened")

        cycles_checked = d.pop("cycles_checked")

        offers_reduced = []
        _offers_reduced = d.pop("offers_reduced")
        for offers_reduced_item_data in _offers_reduced:
            offers_reduced_item = UUID(offers_reduced_item_data)

            offers_reduced.append(offers_reduced_item)

        offers_withdrawn = []
        _offers_withdrawn = d.pop("offers_withdrawn")
        for offers_withdrawn_item_data in _offers_withdrawn:
            offers_withdrawn_item = UUID(offers_withdrawn_item_data)

            offers_withdrawn.append(offers_withdrawn_item)

        resource_id = UUID(d.pop("resource_id"))

        stored = d.pop("stored")

        telemetry_out = cls(
            alert_id=alert_id,
            alert_opened=alert_opened,
            cycles_checked=cycles_checked,
            offers_reduced=offers_reduced,
            offers_withdrawn=offers_withdrawn,
            resource_id=resource_id,
            stored=stored,
        )

        telemetry_out.additional_properties = d
        return telemetry_out

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
