from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DetectionOut")


@_attrs_define
class DetectionOut:
    """
    Attributes:
        box (list[float] | None):
        class_id (int):
        label (str):
        score (float):
        review (str | Unset):  Default: 'counted'.
        reviewed_at (None | str | Unset):
        reviewed_by (None | str | Unset):
    """

    box: list[float] | None
    class_id: int
    label: str
    score: float
    review: str | Unset = "counted"
    reviewed_at: None | str | Unset = UNSET
    reviewed_by: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        box: list[float] | None
        if isinstance(self.box, list):
            box = self.box

        else:
            box = self.box

        class_id = self.class_id

        label = self.label

        score = self.score

        review = self.review

        reviewed_at: None | str | Unset
        if isinstance(self.reviewed_at, Unset):
            reviewed_at = UNSET
        else:
            reviewed_at = self.reviewed_at

        reviewed_by: None | str | Unset
        if isinstance(self.reviewed_by, Unset):
            reviewed_by = UNSET
        else:
            reviewed_by = self.reviewed_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "box": box,
                "class_id": class_id,
                "label": label,
                "score": score,
            }
        )
        if review is not UNSET:
            field_dict["review"] = review
        if reviewed_at is not UNSET:
            field_dict["reviewed_at"] = reviewed_at
        if reviewed_by is not UNSET:
            field_dict["reviewed_by"] = reviewed_by

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_box(data: object) -> list[float] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                box_type_0 = cast(list[float], data)

                return box_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[float] | None, data)

        box = _parse_box(d.pop("box"))

        class_id = d.pop("class_id")

        label = d.pop("label")

        score = d.pop("score")

        review = d.pop("review", UNSET)

        def _parse_reviewed_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reviewed_at = _parse_reviewed_at(d.pop("reviewed_at", UNSET))

        def _parse_reviewed_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reviewed_by = _parse_reviewed_by(d.pop("reviewed_by", UNSET))

        detection_out = cls(
            box=box,
            class_id=class_id,
            label=label,
            score=score,
            review=review,
            reviewed_at=reviewed_at,
            reviewed_by=reviewed_by,
        )

        detection_out.additional_properties = d
        return detection_out

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
