from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.week_comparison_out import WeekComparisonOut


T = TypeVar("T", bound="ComparisonRowOut")


@_attrs_define
class ComparisonRowOut:
    """
    Attributes:
        buyer (str):
        buyer_org_id (UUID):
        process (str):
        weeks (list[WeekComparisonOut]):
    """

    buyer: str
    buyer_org_id: UUID
    process: str
    weeks: list[WeekComparisonOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        buyer = self.buyer

        buyer_org_id = str(self.buyer_org_id)

        process = self.process

        weeks = []
        for weeks_item_data in self.weeks:
            weeks_item = weeks_item_data.to_dict()
            weeks.append(weeks_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "buyer": buyer,
                "buyer_org_id": buyer_org_id,
                "process": process,
                "weeks": weeks,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.week_comparison_out import WeekComparisonOut  # noqa: PLC0415

        d = dict(src_dict)
        buyer = d.pop("buyer")

        buyer_org_id = UUID(d.pop("buyer_org_id"))

        process = d.pop("process")

        weeks = []
        _weeks = d.pop("weeks")
        for weeks_item_data in _weeks:
            weeks_item = WeekComparisonOut.from_dict(weeks_item_data)

            weeks.append(weeks_item)

        comparison_row_out = cls(
            buyer=buyer,
            buyer_org_id=buyer_org_id,
            process=process,
            weeks=weeks,
        )

        comparison_row_out.additional_properties = d
        return comparison_row_out

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
