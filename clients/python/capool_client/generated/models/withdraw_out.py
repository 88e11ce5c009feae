from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.offer_out import OfferOut


T = TypeVar("T", bound="WithdrawOut")


@_attrs_define
class WithdrawOut:
    """
    Attributes:
        affected_allocations (list[UUID]):
        offer (OfferOut):
    """

    affected_allocations: list[UUID]
    offer: OfferOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        affected_allocations = []
        for affected_allocations_item_data in self.affected_allocations:
            affected_allocations_item = str(affected_allocations_item_data)
            affected_allocations.append(affected_allocations_item)

        offer = self.offer.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "affected_allocations": affected_allocations,
                "offer": offer,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.offer_out import OfferOut  # noqa: PLC0415

        d = dict(src_dict)
        affected_allocations = []
        _affected_allocations = d.pop("affected_allocations")
        for affected_allocations_item_data in _affected_allocations:
            affected_allocations_item = UUID(affected_allocations_item_data)

            affected_allocations.append(affected_allocations_item)

        offer = OfferOut.from_dict(d.pop("offer"))

        withdraw_out = cls(
            affected_allocations=affected_allocations,
            offer=offer,
        )

        withdraw_out.additional_properties = d
        return withdraw_out

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
