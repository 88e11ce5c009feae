from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.self_check_out_points import SelfCheckOutPoints


T = TypeVar("T", bound="SelfCheckOut")


@_attrs_define
class SelfCheckOut:
    """
    Attributes:
        points (SelfCheckOutPoints):
        score (int):
        verdict (str):
    """

    points: SelfCheckOutPoints
    score: int
    verdict: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        points = self.points.to_dict()

        score = self.score

        verdict = self.verdict

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "points": points,
                "score": score,
                "verdict": verdict,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.self_check_out_points import SelfCheckOutPoints  # noqa: PLC0415

        d = dict(src_dict)
        points = SelfCheckOutPoints.from_dict(d.pop("points"))

        score = d.pop("score")

        verdict = d.pop("verdict")

        self_check_out = cls(
            points=points,
            score=score,
            verdict=verdict,
        )

        self_check_out.additional_properties = d
        return self_check_out

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
