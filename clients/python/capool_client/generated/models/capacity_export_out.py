from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.capacity_export_out_items_item import CapacityExportOutItemsItem
    from ..models.skipped_out import SkippedOut


T = TypeVar("T", bound="CapacityExportOut")


@_attrs_define
class CapacityExportOut:
    """
    Attributes:
        items (list[CapacityExportOutItemsItem]):
        skipped (list[SkippedOut]):
    """

    items: list[CapacityExportOutItemsItem]
    skipped: list[SkippedOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        skipped = []
        for skipped_item_data in self.skipped:
            skipped_item = skipped_item_data.to_dict()
            skipped.append(skipped_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
                "skipped": skipped,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.capacity_export_out_items_item import CapacityExportOutItemsItem  # noqa: PLC0415
        from ..models.skipped_out import SkippedOut  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = CapacityExportOutItemsItem.from_dict(items_item_data)

            items.append(items_item)

        skipped = []
        _skipped = d.pop("skipped")
        for skipped_item_data in _skipped:
            skipped_item = SkippedOut.from_dict(skipped_item_data)

            skipped.append(skipped_item)

        capacity_export_out = cls(
            items=items,
            skipped=skipped,
        )

        capacity_export_out.additional_properties = d
        return capacity_export_out

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
