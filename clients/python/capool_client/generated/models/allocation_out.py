from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.allocation_out_explanation_type_0 import AllocationOutExplanationType0


T = TypeVar("T", bound="AllocationOut")


@_attrs_define
class AllocationOut:
    """
    Attributes:
        buyer_org_id (UUID):
        capacity_used (int):
        created_at (datetime.datetime):
        currency (str):
        decline_reason (None | str):
        explanation (AllocationOutExplanationType0 | None):
        factory_org_id (UUID):
        id (UUID):
        offer_id (UUID):
        order_id (UUID):
        plan_id (UUID):
        quantity (int):
        responded_at (datetime.datetime | None):
        slot_end (datetime.datetime):
        slot_start (datetime.datetime):
        status (str):
        tier (str):
        unit_price_minor (int):
    """

    buyer_org_id: UUID
    capacity_used: int
    created_at: datetime.datetime
    currency: str
    decline_reason: None | str
    explanation: AllocationOutExplanationType0 | None
    factory_org_id: UUID
    id: UUID
    offer_id: UUID
    order_id: UUID
    plan_id: UUID
    quantity: int
    responded_at: datetime.datetime | None
    slot_end: datetime.datetime
    slot_start: datetime.datetime
    status: str
    tier: str
    unit_price_minor: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.allocation_out_explanation_type_0 import AllocationOutExplanationType0  # noqa: PLC0415

        buyer_org_id = str(self.buyer_org_id)

        capacity_used = self.capacity_used

        created_at = self.created_at.isoformat()

        currency = self.currency

        decline_reason: None | str
        decline_reason = self.decline_reason

        explanation: dict[str, Any] | None
        if isinstance(self.explanation, AllocationOutExplanationType0):
            explanation = self.explanation.to_dict()
        else:
            explanation = self.explanation

        factory_org_id = str(self.factory_org_id)

        id = str(self.id)

        offer_id = str(self.offer_id)

        order_id = str(self.order_id)

        plan_id = str(self.plan_id)

        quantity = self.quantity

        responded_at: None | str
        if isinstance(self.responded_at, datetime.datetime):
            responded_at = self.responded_at.isoformat()
        else:
            responded_at = self.responded_at

        slot_end = self.slot_end.isoformat()

        slot_start = self.slot_start.isoformat()

        status = self.status

        tier = self.tier

        unit_price_minor = self.unit_price_minor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "buyer_org_id": buyer_org_id,
                "capacity_used": capacity_used,
                "created_at": created_at,
                "currency": currency,
                "decline_reason": decline_reason,
                "explanation": explanation,
                "factory_org_id": factory_org_id,
                "id": id,
                "offer_id": offer_id,
                "order_id": order_id,
                "plan_id": plan_id,
                "quantity": quantity,
                "responded_at": responded_at,
                "slot_end": slot_end,
                "slot_start": slot_start,
                "status": status,
                "tier": tier,
                "unit_price_minor": unit_price_minor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.allocation_out_explanation_type_0 import AllocationOutExplanationType0  # noqa: PLC0415

        d = dict(src_dict)
        buyer_org_id = UUID(d.pop("buyer_org_id"))

        capacity_used = d.pop("capacity_used")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        currency = d.pop("currency")

        def _parse_decline_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decline_reason = _parse_decline_reason(d.pop("decline_reason"))

        def _parse_explanation(data: object) -> AllocationOutExplanationType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                explanation_type_0 = AllocationOutExplanationType0.from_dict(data)

                return explanation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AllocationOutExplanationType0 | None, data)

        explanation = _parse_explanation(d.pop("explanation"))

        factory_org_id = UUID(d.pop("factory_org_id"))

        id = UUID(d.pop("id"))

        offer_id = UUID(d.pop("offer_id"))

        order_id = UUID(d.pop("order_id"))

        plan_id = UUID(d.pop("plan_id"))

        quantity = d.pop("quantity")

        def _parse_responded_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                responded_at_type_0 = datetime.datetime.fromisoformat(data)

                return responded_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        responded_at = _parse_responded_at(d.pop("responded_at"))

        slot_end = datetime.datetime.fromisoformat(d.pop("slot_end"))

        slot_start = datetime.datetime.fromisoformat(d.pop("slot_start"))

        status = d.pop("status")

        tier = d.pop("tier")

        unit_price_minor = d.pop("unit_price_minor")

        allocation_out = cls(
            buyer_org_id=buyer_org_id,
            capacity_used=capacity_used,
            created_at=created_at,
            currency=currency,
            decline_reason=decline_reason,
            explanation=explanation,
            factory_org_id=factory_org_id,
            id=id,
            offer_id=offer_id,
            order_id=order_id,
            plan_id=plan_id,
            quantity=quantity,
            responded_at=responded_at,
            slot_end=slot_end,
            slot_start=slot_start,
            status=status,
            tier=tier,
            unit_price_minor=unit_price_minor,
        )

        allocation_out.additional_properties = d
        return allocation_out

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
