from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.detection_out import DetectionOut
    from ..models.image_out_defect_counts import ImageOutDefectCounts


T = TypeVar("T", bound="ImageOut")


@_attrs_define
class ImageOut:
    """
    Attributes:
        buyer_org_id (UUID):
        byte_size (int):
        content_type (str):
        created_at (datetime.datetime):
        defect_counts (ImageOutDefectCounts):
        defective (bool | None):
        detections (list[DetectionOut]):
        error (None | str):
        filename (str):
        id (UUID):
        inspected_at (datetime.datetime | None):
        lot_id (UUID):
        model_name (None | str):
        model_version_id (None | UUID):
        organisation_id (UUID):
        product (str):
        score (float | None):
        sha256 (str):
        status (str):
        height (int | None | Unset):
        model_validated (bool | None | Unset):
        ood_reason (None | str | Unset):
        review (str | Unset):  Default: 'none'.
        reviewed_at (datetime.datetime | None | Unset):
        reviewed_by (None | Unset | UUID):
        width (int | None | Unset):
    """

    buyer_org_id: UUID
    byte_size: int
    content_type: str
    created_at: datetime.datetime
    defect_counts: ImageOutDefectCounts
    defective: bool | None
    detections: list[DetectionOut]
    error: None | str
    filename: str
    id: UUID
    inspected_at: datetime.datetime | None
    lot_id: UUID
    model_name: None | str
    model_version_id: None | UUID
    organisation_id: UUID
    product: str
    score: float | None
    sha256: str
    status: str
    height: int | None | Unset = UNSET
    model_validated: bool | None | Unset = UNSET
    ood_reason: None | str | Unset = UNSET
    review: str | Unset = "none"
    reviewed_at: datetime.datetime | None | Unset = UNSET
    reviewed_by: None | Unset | UUID = UNSET
    width: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        buyer_org_id = str(self.buyer_org_id)

        byte_size = self.byte_size

        content_type = self.content_type

        created_at = self.created_at.isoformat()

        defect_counts = self.defect_counts.to_dict()

        defective: bool | None
        defective = self.defective

        detections = []
        for detections_item_data in self.detections:
            detections_item = detections_item_data.to_dict()
            detections.append(detections_item)

        error: None | str
        error = self.error

        filename = self.filename

        id = str(self.id)

        inspected_at: None | str
        if isinstance(self.inspected_at, datetime.datetime):
            inspected_at = self.inspected_at.isoformat()
        else:
            inspected_at = self.inspected_at

        lot_id = str(self.lot_id)

        model_name: None | str
        model_name = self.model_name

        model_version_id: None | str
        if isinstance(self.model_version_id, UUID):
            model_version_id = str(self.model_version_id)
        else:
            model_version_id = self.model_version_id

        organisation_id = str(self.organisation_id)

        product = self.product

        score: float | None
        score = self.score

        sha256 = self.sha256

        status = self.status

        height: int | None | Unset
        if isinstance(self.height, Unset):
            height = UNSET
        else:
            height = self.height

        model_validated: bool | None | Unset
        if isinstance(self.model_validated, Unset):
            model_validated = UNSET
        else:
            model_validated = self.model_validated

        ood_reason: None | str | Unset
        if isinstance(self.ood_reason, Unset):
            ood_reason = UNSET
        else:
            ood_reason = self.ood_reason

        review = self.review

        reviewed_at: None | str | Unset
        if isinstance(self.reviewed_at, Unset):
            reviewed_at = UNSET
        elif isinstance(self.reviewed_at, datetime.datetime):
            reviewed_at = self.reviewed_at.isoformat()
        else:
            reviewed_at = self.reviewed_at

        reviewed_by: None | str | Unset
        if isinstance(self.reviewed_by, Unset):
            reviewed_by = UNSET
        elif isinstance(self.reviewed_by, UUID):
            reviewed_by = str(self.reviewed_by)
        else:
            reviewed_by = self.reviewed_by

        width: int | None | Unset
        if isinstance(self.width, Unset):
            width = UNSET
        else:
            width = self.width

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "buyer_org_id": buyer_org_id,
                "byte_size": byte_size,
                "content_type": content_type,
                "created_at": created_at,
                "defect_counts": defect_counts,
                "defective": defective,
                "detections": detections,
                "error": error,
                "filename": filename,
                "id": id,
                "inspected_at": inspected_at,
                "lot_id": lot_id,
                "model_name": model_name,
                "model_version_id": model_version_id,
                "organisation_id": organisation_id,
                "product": product,
                "score": score,
                "sha256": sha256,
                "status": status,
            }
        )
        if height is not UNSET:
            field_dict["height"] = height
        if model_validated is not UNSET:
            field_dict["model_validated"] = model_validated
        if ood_reason is not UNSET:
            field_dict["ood_reason"] = ood_reason
        if review is not UNSET:
            field_dict["review"] = review
        if reviewed_at is not UNSET:
            field_dict["reviewed_at"] = reviewed_at
        if reviewed_by is not UNSET:
            field_dict["reviewed_by"] = reviewed_by
        if width is not UNSET:
            field_dict["width"] = width

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.detection_out import DetectionOut  # noqa: PLC0415
        from ..models.image_out_defect_counts import ImageOutDefectCounts  # noqa: PLC0415

        d = dict(src_dict)
        buyer_org_id = UUID(d.pop("buyer_org_id"))

        byte_size = d.pop("byte_size")

        content_type = d.pop("content_type")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        defect_counts = ImageOutDefectCounts.from_dict(d.pop("defect_counts"))

        def _parse_defective(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        defective = _parse_defective(d.pop("defective"))

        detections = []
        _detections = d.pop("detections")
        for detections_item_data in _detections:
            detections_item = DetectionOut.from_dict(detections_item_data)

            detections.append(detections_item)

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        filename = d.pop("filename")

        id = UUID(d.pop("id"))

        def _parse_inspected_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                inspected_at_type_0 = datetime.datetime.fromisoformat(data)

                return inspected_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        inspected_at = _parse_inspected_at(d.pop("inspected_at"))

        lot_id = UUID(d.pop("lot_id"))

        def _parse_model_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        model_name = _parse_model_name(d.pop("model_name"))

        def _parse_model_version_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                model_version_id_type_0 = UUID(data)

                return model_version_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        model_version_id = _parse_model_version_id(d.pop("model_version_id"))

        organisation_id = UUID(d.pop("organisation_id"))

        product = d.pop("product")

        def _parse_score(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        score = _parse_score(d.pop("score"))

        sha256 = d.pop("sha256")

        status = d.pop("status")

        def _parse_height(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        height = _parse_height(d.pop("height", UNSET))

        def _parse_model_validated(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        model_validated = _parse_model_validated(d.pop("model_validated", UNSET))

        def _parse_ood_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ood_reason = _parse_ood_reason(d.pop("ood_reason", UNSET))

        review = d.pop("review", UNSET)

        def _parse_reviewed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reviewed_at_type_0 = datetime.datetime.fromisoformat(data)

                return reviewed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        reviewed_at = _parse_reviewed_at(d.pop("reviewed_at", UNSET))

        def _parse_reviewed_by(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reviewed_by_type_0 = UUID(data)

                return reviewed_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        reviewed_by = _parse_reviewed_by(d.pop("reviewed_by", UNSET))

        def _parse_width(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        width = _parse_width(d.pop("width", UNSET))

        image_out = cls(
            buyer_org_id=buyer_org_id,
            byte_size=byte_size,
            content_type=content_type,
            created_at=created_at,
            defect_counts=defect_counts,
            defective=defective,
            detections=detections,
            error=error,
            filename=filename,
            id=id,
            inspected_at=inspected_at,
            lot_id=lot_id,
            model_name=model_name,
            model_version_id=model_version_id,
            organisation_id=organisation_id,
            product=product,
            score=score,
            sha256=sha256,
            status=status,
            height=height,
            model_validated=model_validated,
            ood_reason=ood_reason,
            review=review,
            reviewed_at=reviewed_at,
            reviewed_by=reviewed_by,
            width=width,
        )

        image_out.additional_properties = d
        return image_out

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
