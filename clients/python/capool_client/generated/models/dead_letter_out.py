from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.consumption_out import ConsumptionOut


T = TypeVar("T", bound="DeadLetterOut")


@_attrs_define
class DeadLetterOut:
    """
    Attributes:
        aggregate_id (UUID):
        aggregate_type (str):
        attempts (int):
        consumers (list[ConsumptionOut]):
        dead_at (datetime.datetime | None):
        id (UUID):
        last_error (None | str):
        occurred_at (datetime.datetime):
        organisation_id (UUID):
        type_ (str):
    """

    aggregate_id: UUID
    aggregate_type: str
    attempts: int
    consumers: list[ConsumptionOut]
    dead_at: datetime.datetime | None
    id: UUID
    last_error: None | str
    occurred_at: datetime.datetime
    organisation_id: UUID
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        aggregate_id = str(self.aggregate_id)

        aggregate_type = self.aggregate_type

        attempts = self.attempts

        consumers = []
        for consumers_item_data in self.consumers:
            consumers_item = consumers_item_data.to_dict()
            consumers.append(consumers_item)

        dead_at: None | str
        if isinstance(self.dead_at, datetime.datetime):
            dead_at = self.dead_at.isoformat()
        else:
            dead_at = self.dead_at

        id = str(self.id)

        last_error: None | str
        last_error = self.last_error

        occurred_at = self.occurred_at.isoformat()

        organisation_id = str(self.organisation_id)

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "aggregate_id": aggregate_id,
                "aggregate_type": aggregate_type,
                "attempts": attempts,
                "consumers": consumers,
                "dead_at": dead_at,
                "id": id,
                "last_error": last_error,
                "occurred_at": occurred_at,
                "organisation_id": organisation_id,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consumption_out import ConsumptionOut  # noqa: PLC0415

        d = dict(src_dict)
        aggregate_id = UUID(d.pop("aggregate_id"))

        aggregate_type = d.pop("aggregate_type")

        attempts = d.pop("attempts")

        consumers = []
        _consumers = d.pop("consumers")
        for consumers_item_data in _consumers:
            consumers_item = ConsumptionOut.from_dict(consumers_item_data)

            consumers.append(consumers_item)

        def _parse_dead_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                dead_at_type_0 = datetime.datetime.fromisoformat(data)

                return dead_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        dead_at = _parse_dead_at(d.pop("dead_at"))

        id = UUID(d.pop("id"))

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        organisation_id = UUID(d.pop("organisation_id"))

        type_ = d.pop("type")

        dead_letter_out = cls(
            aggregate_id=aggregate_id,
            aggregate_type=aggregate_type,
            attempts=attempts,
            consumers=consumers,
            dead_at=dead_at,
            id=id,
            last_error=last_error,
            occurred_at=occurred_at,
            organisation_id=organisation_id,
            type_=type_,
        )

        dead_letter_out.additional_properties = d
        return dead_letter_out

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
