from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.image_out import ImageOut
    from ..models.lot_inspection_out_defect_counts import LotInspectionOutDefectCounts


T = TypeVar("T", bound="LotInspectionOut")


@_attrs_define
class LotInspectionOut:
    """
    Attributes:
        defect_counts (LotInspectionOutDefectCounts):
        defective (int):
        failed (int):
        images (list[ImageOut]):
        inspected (int):
        lot_id (UUID):
        pending (int):
        flagged (int | Unset):  Default: 0.
        proposed (int | Unset):  Default: 0.
    """

    defect_counts: LotInspectionOutDefectCounts
    defective: int
    failed: int
    images: list[ImageOut]
    inspected: int
    lot_id: UUID
    pending: int
    flagged: int | Unset = 0
    proposed: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        defect_counts = self.defect_counts.to_dict()

        defective = self.defective

        failed = self.failed

        images = []
        for images_item_data in self.images:
            images_item = images_item_data.to_dict()
            images.append(images_item)

        inspected = self.inspected

        lot_id = str(self.lot_id)

        pending = self.pending

        flagged = self.flagged

        proposed = self.proposed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "defect_counts": defect_counts,
                "defective": defective,
                "failed": failed,
                "images": images,
                "inspected": inspected,
                "lot_id": lot_id,
                "pending": pending,
            }
        )
        if flagged is not UNSET:
            field_dict["flagged"] = flagged
        if proposed is not UNSET:
            field_dict["proposed"] = proposed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.image_out import ImageOut  # noqa: PLC0415
        from ..models.lot_inspection_out_defect_counts import LotInspectionOutDefectCounts  # noqa: PLC0415

        d = dict(src_dict)
        defect_counts = LotInspectionOutDefectCounts.from_dict(d.pop("defect_counts"))

        defective = d.pop("defective")

        failed = d.pop("failed")

        images = []
        _images = d.pop("images")
        for images_item_data in _images:
            images_item = ImageOut.from_dict(images_item_data)

            images.append(images_item)

        inspected = d.pop("inspected")

        lot_id = UUID(d.pop("lot_id"))

        pending = d.pop("pending")

        flagged = d.pop("flagged", UNSET)

        proposed = d.pop("proposed", UNSET)

        lot_inspection_out = cls(
            defect_counts=defect_counts,
            defective=defective,
            failed=failed,
            images=images,
            inspected=inspected,
            lot_id=lot_id,
            pending=pending,
            flagged=flagged,
            proposed=proposed,
        )

        lot_inspection_out.additional_properties = d
        return lot_inspection_out

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
