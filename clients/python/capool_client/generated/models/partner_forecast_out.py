from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PartnerForecastOut")


@_attrs_define
class PartnerForecastOut:
    """
    Attributes:
        buyer (str):
        day (datetime.date):
        hi_80 (float):
        lo_80 (float):
        process (str):
        yhat (float):
    """

    buyer: str
    day: datetime.date
    hi_80: float
    lo_80: float
    process: str
    yhat: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        buyer = self.buyer

        day = self.day.isoformat()

        hi_80 = self.hi_80

        lo_80 = self.lo_80

        process = self.process

        yhat = self.yhat

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "buyer": buyer,
                "day": day,
                "hi_80": hi_80,
                "lo_80": lo_80,
                "process": process,
                "yhat": yhat,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        buyer = d.pop("buyer")

        day = datetime.date.fromisoformat(d.pop("day"))

        hi_80 = d.pop("hi_80")

        lo_80 = d.pop("lo_80")

        process = d.pop("process")

        yhat = d.pop("yhat")

        partner_forecast_out = cls(
            buyer=buyer,
            day=day,
            hi_80=hi_80,
            lo_80=lo_80,
            process=process,
            yhat=yhat,
        )

        partner_forecast_out.additional_properties = d
        return partner_forecast_out

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
