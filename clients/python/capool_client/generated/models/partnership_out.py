from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PartnershipOut")


@_attrs_define
class PartnershipOut:
    """
    Attributes:
        active (bool):
        agreed_unit_price_minor (int | None):
        buyer_org_id (UUID):
        created_at (datetime.datetime):
        currency (None | str):
        factory_org_id (UUID):
        id (UUID):
        priority (int):
        reserved_share_pct (int):
    """

    active: bool
    agreed_unit_price_minor: int | None
    buyer_org_id: UUID
    created_at: datetime.datetime
    currency: None | str
    factory_org_id: UUID
    id: UUID
    priority: int
    reserved_share_pct: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        agreed_unit_price_minor: int | None
        agreed_unit_price_minor = self.agreed_unit_price_minor

        buyer_org_id = str(self.buyer_org_id)

        created_at = self.created_at.isoformat()

        currency: None | str
        currency = self.currency

        factory_org_id = str(self.factory_org_id)

        id = str(self.id)

        priority = self.priority

        reserved_share_pct = self.reserved_share_pct

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "agreed_unit_price_minor": agreed_unit_price_minor,
                "buyer_org_id": buyer_org_id,
                "created_at": created_at,
                "currency": currency,
                "factory_org_id": factory_org_id,
                "id": id,
                "priority": priority,
                "reserved_share_pct": reserved_share_pct,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        def _parse_agreed_unit_price_minor(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        agreed_unit_price_minor = _parse_agreed_unit_price_minor(d.pop("agreed_unit_price_minor"))

        buyer_org_id = UUID(d.pop("buyer_org_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        factory_org_id = UUID(d.pop("factory_org_id"))

        id = UUID(d.pop("id"))

        priority = d.pop("priority")

        reserved_share_pct = d.pop("reserved_share_pct")

        partnership_out = cls(
            active=active,
            agreed_unit_price_minor=agreed_unit_price_minor,
            buyer_org_id=buyer_org_id,
            created_at=created_at,
            currency=currency,
            factory_org_id=factory_org_id,
            id=id,
            priority=priority,
            reserved_share_pct=reserved_share_pct,
        )

        partnership_out.additional_properties = d
        return partnership_out

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
