from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.plan_day import PlanDay
    from ..models.plan_item_explanation_type_0 import PlanItemExplanationType0


T = TypeVar("T", bound="PlanItem")


@_attrs_define
class PlanItem:
    """
    Attributes:
        offer_id (UUID):
        order_id (UUID):
        quantity (int):
        days (list[PlanDay] | None | Unset):
        explanation (None | PlanItemExplanationType0 | Unset):
        slot_end (datetime.datetime | None | Unset):
        slot_start (datetime.datetime | None | Unset):
    """

    offer_id: UUID
    order_id: UUID
    quantity: int
    days: list[PlanDay] | None | Unset = UNSET
    explanation: None | PlanItemExplanationType0 | Unset = UNSET
    slot_end: datetime.datetime | None | Unset = UNSET
    slot_start: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.plan_item_explanation_type_0 import PlanItemExplanationType0  # noqa: PLC0415

        offer_id = str(self.offer_id)

        order_id = str(self.order_id)

        quantity = self.quantity

        days: list[dict[str, Any]] | None | Unset
        if isinstance(self.days, Unset):
            days = UNSET
        elif isinstance(self.days, list):
            days = []
            for days_type_0_item_data in self.days:
                days_type_0_item = days_type_0_item_data.to_dict()
                days.append(days_type_0_item)

        else:
            days = self.days

        explanation: dict[str, Any] | None | Unset
        if isinstance(self.explanation, Unset):
            explanation = UNSET
        elif isinstance(self.explanation, PlanItemExplanationType0):
            explanation = self.explanation.to_dict()
        else:
            explanation = self.explanation

        slot_end: None | str | Unset
        if isinstance(self.slot_end, Unset):
            slot_end = UNSET
        elif isinstance(self.slot_end, datetime.datetime):
            slot_end = self.slot_end.isoformat()
        else:
            slot_end = self.slot_end

        slot_start: None | str | Unset
        if isinstance(self.slot_start, Unset):
            slot_start = UNSET
        elif isinstance(self.slot_start, datetime.datetime):
            slot_start = self.slot_start.isoformat()
        else:
            slot_start = self.slot_start

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "offer_id": offer_id,
                "order_id": order_id,
                "quantity": quantity,
            }
        )
        if days is not UNSET:
            field_dict["days"] = days
        if explanation is not UNSET:
            field_dict["explanation"] = explanation
        if slot_end is not UNSET:
            field_dict["slot_end"] = slot_end
        if slot_start is not UNSET:
            field_dict["slot_start"] = slot_start

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.plan_day import PlanDay  # noqa: PLC0415
        from ..models.plan_item_explanation_type_0 import PlanItemExplanationType0  # noqa: PLC0415

        d = dict(src_dict)
        offer_id = UUID(d.pop("offer_id"))

        order_id = UUID(d.pop("order_id"))

        quantity = d.pop("quantity")

        def _parse_days(data: object) -> list[PlanDay] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                days_type_0 = []
                _days_type_0 = data
                for days_type_0_item_data in _days_type_0:
                    days_type_0_item = PlanDay.from_dict(days_type_0_item_data)

                    days_type_0.append(days_type_0_item)

                return days_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[PlanDay] | None | Unset, data)

        days = _parse_days(d.pop("days", UNSET))

        def _parse_explanation(data: object) -> None | PlanItemExplanationType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                explanation_type_0 = PlanItemExplanationType0.from_dict(data)

                return explanation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlanItemExplanationType0 | Unset, data)

        explanation = _parse_explanation(d.pop("explanation", UNSET))

        def _parse_slot_end(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                slot_end_type_0 = datetime.datetime.fromisoformat(data)

                return slot_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        slot_end = _parse_slot_end(d.pop("slot_end", UNSET))

        def _parse_slot_start(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                slot_start_type_0 = datetime.datetime.fromisoformat(data)

                return slot_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        slot_start = _parse_slot_start(d.pop("slot_start", UNSET))

        plan_item = cls(
            offer_id=offer_id,
            order_id=order_id,
            quantity=quantity,
            days=days,
            explanation=explanation,
            slot_end=slot_end,
            slot_start=slot_start,
        )

        plan_item.additional_properties = d
        return plan_item

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
