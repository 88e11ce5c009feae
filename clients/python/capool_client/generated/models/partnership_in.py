from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PartnershipIn")


@_attrs_define
class PartnershipIn:
    """
    Attributes:
        factory_org_id (UUID):
        agreed_unit_price_minor (int | None | Unset):
        currency (None | str | Unset):
        priority (int | Unset):  Default: 1.
        reserved_share_pct (int | Unset):  Default: 0.
    """

    factory_org_id: UUID
    agreed_unit_price_minor: int | None | Unset = UNSET
    currency: None | str | Unset = UNSET
    priority: int | Unset = 1
    reserved_share_pct: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        factory_org_id = str(self.factory_org_id)

        agreed_unit_price_minor: int | None | Unset
        if isinstance(self.agreed_unit_price_minor, Unset):
            agreed_unit_price_minor = UNSET
        else:
            agreed_unit_price_minor = self.agreed_unit_price_minor

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        priority = self.priority

        reserved_share_pct = self.reserved_share_pct

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "factory_org_id": factory_org_id,
            }
        )
        if agreed_unit_price_minor is not UNSET:
            field_dict["agreed_unit_price_minor"] = agreed_unit_price_minor
        if currency is not UNSET:
            field_dict["currency"] = currency
        if priority is not UNSET:
            field_dict["priority"] = priority
        if reserved_share_pct is not UNSET:
            field_dict["reserved_share_pct"] = reserved_share_pct

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        factory_org_id = UUID(d.pop("factory_org_id"))

        def _parse_agreed_unit_price_minor(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        agreed_unit_price_minor = _parse_agreed_unit_price_minor(d.pop("agreed_unit_price_minor", UNSET))

        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))

        priority = d.pop("priority", UNSET)

        reserved_share_pct = d.pop("reserved_share_pct", UNSET)

        partnership_in = cls(
            factory_org_id=factory_org_id,
            agreed_unit_price_minor=agreed_unit_price_minor,
            currency=currency,
            priority=priority,
            reserved_share_pct=reserved_share_pct,
        )

        partnership_in.additional_properties = d
        return partnership_in

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
