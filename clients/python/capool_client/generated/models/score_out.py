from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ScoreOut")


@_attrs_define
class ScoreOut:
    """
    Attributes:
        effective_units (float):
        lots (int):
        org_id (UUID):
        process (str):
        rate_high (float):
        rate_low (float):
        rate_mean (float):
        score (float):
    """

    effective_units: float
    lots: int
    org_id: UUID
    process: str
    rate_high: float
    rate_low: float
    rate_mean: float
    score: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        effective_units = self.effective_units

        lots = self.lots

        org_id = str(self.org_id)

        process = self.process

        rate_high = self.rate_high

        rate_low = self.rate_low

        rate_mean = self.rate_mean

        score = self.score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "effective_units": effective_units,
                "lots": lots,
                "org_id": org_id,
                "process": process,
                "rate_high": rate_high,
                "rate_low": rate_low,
                "rate_mean": rate_mean,
                "score": score,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        effective_units = d.pop("effective_units")

        lots = d.pop("lots")

        org_id = UUID(d.pop("org_id"))

        process = d.pop("process")

        rate_high = d.pop("rate_high")

        rate_low = d.pop("rate_low")

        rate_mean = d.pop("rate_mean")

        score = d.pop("score")

        score_out = cls(
            effective_units=effective_units,
            lots=lots,
            org_id=org_id,
            process=process,
            rate_high=rate_high,
            rate_low=rate_low,
            rate_mean=rate_mean,
            score=score,
        )

        score_out.additional_properties = d
        return score_out

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
