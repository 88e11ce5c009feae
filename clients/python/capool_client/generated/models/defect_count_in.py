from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.defect_count_in_severity import DefectCountInSeverity, check_defect_count_in_severity

T = TypeVar("T", bound="DefectCountIn")


@_attrs_define
class DefectCountIn:
    """
    Attributes:
        count (int):
        defect_class (str):
        severity (DefectCountInSeverity):
    """

    count: int
    defect_class: str
    severity: DefectCountInSeverity
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        defect_class = self.defect_class

        severity: str = self.severity

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
                "defect_class": defect_class,
                "severity": severity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        defect_class = d.pop("defect_class")

        severity = check_defect_count_in_severity(d.pop("severity"))

        defect_count_in = cls(
            count=count,
            defect_class=defect_class,
            severity=severity,
        )

        defect_count_in.additional_properties = d
        return defect_count_in

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
