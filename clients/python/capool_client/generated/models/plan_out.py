from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PlanOut")


@_attrs_define
class PlanOut:
    """
    Attributes:
        ac (int):
        aql (float):
        code_letter (str):
        hundred_percent (bool):
        plan_letter (str):
        re (int):
        sample_size (int):
        severity (str):
    """

    ac: int
    aql: float
    code_letter: str
    hundred_percent: bool
    plan_letter: str
    re: int
    sample_size: int
    severity: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ac = self.ac

        aql = self.aql

        code_letter = self.code_letter

        hundred_percent = self.hundred_percent

        plan_letter = self.plan_letter

        re = self.re

        sample_size = self.sample_size

        severity = self.severity

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ac": ac,
                "aql": aql,
                "code_letter": code_letter,
                "hundred_percent": hundred_percent,
                "plan_letter": plan_letter,
                "re": re,
                "sample_size": sample_size,
                "severity": severity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ac = d.pop("ac")

        aql = d.pop("aql")

        code_letter = d.pop("code_letter")

        hundred_percent = d.pop("hundred_percent")

        plan_letter = d.pop("plan_letter")

        re = d.pop("re")

        sample_size = d.pop("sample_size")

        severity = d.pop("severity")

        plan_out = cls(
            ac=ac,
            aql=aql,
            code_letter=code_letter,
            hundred_percent=hundred_percent,
            plan_letter=plan_letter,
            re=re,
            sample_size=sample_size,
            severity=severity,
        )

        plan_out.additional_properties = d
        return plan_out

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
