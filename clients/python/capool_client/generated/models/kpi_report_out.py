from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.kpi_out import KpiOut
    from ..models.self_check_out import SelfCheckOut


T = TypeVar("T", bound="KpiReportOut")


@_attrs_define
class KpiReportOut:
    """
    Attributes:
        kpis (list[KpiOut]):
        notes (list[str]):
        self_check (SelfCheckOut):
        window_end (datetime.datetime):
        window_start (datetime.datetime):
    """

    kpis: list[KpiOut]
    notes: list[str]
    self_check: SelfCheckOut
    window_end: datetime.datetime
    window_start: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kpis = []
        for kpis_item_data in self.kpis:
            kpis_item = kpis_item_data.to_dict()
            kpis.append(kpis_item)

        notes = self.notes

        self_check = self.self_check.to_dict()

        window_end = self.window_end.isoformat()

        window_start = self.window_start.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kpis": kpis,
                "notes": notes,
                "self_check": self_check,
                "window_end": window_end,
                "window_start": window_start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.kpi_out import KpiOut  # noqa: PLC0415
        from ..models.self_check_out import SelfCheckOut  # noqa: PLC0415

        d = dict(src_dict)
        kpis = []
        _kpis = d.pop("kpis")
        for kpis_item_data in _kpis:
            kpis_item = KpiOut.from_dict(kpis_item_data)

            kpis.append(kpis_item)

        notes = cast(list[str], d.pop("notes"))

        self_check = SelfCheckOut.from_dict(d.pop("self_check"))

        window_end = datetime.datetime.fromisoformat(d.pop("window_end"))

        window_start = datetime.datetime.fromisoformat(d.pop("window_start"))

        kpi_report_out = cls(
            kpis=kpis,
            notes=notes,
            self_check=self_check,
            window_end=window_end,
            window_start=window_start,
        )

        kpi_report_out.additional_properties = d
        return kpi_report_out

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
