from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.review_decision_in_decision import ReviewDecisionInDecision, check_review_decision_in_decision

T = TypeVar("T", bound="ReviewDecisionIn")


@_attrs_define
class ReviewDecisionIn:
    """
    Attributes:
        decision (ReviewDecisionInDecision):
        index (int):
    """

    decision: ReviewDecisionInDecision
    index: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        decision: str = self.decision

        index = self.index

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "decision": decision,
                "index": index,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        decision = check_review_decision_in_decision(d.pop("decision"))

        index = d.pop("index")

        review_decision_in = cls(
            decision=decision,
            index=index,
        )

        review_decision_in.additional_properties = d
        return review_decision_in

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
