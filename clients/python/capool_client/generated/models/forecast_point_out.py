from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ForecastPointOut")


@_attrs_define
class ForecastPointOut:
    """
    Attributes:
        hi_80 (float):
        hi_95 (float):
        lo_80 (float):
        lo_95 (float):
        model (str):
        period_end (datetime.date):
        period_start (datetime.date):
        process (str):
        step (int):
        yhat (float):
    """

    hi_80: float
    hi_95: float
    lo_80: float
    lo_95: float
    model: str
    period_end: datetime.date
    period_start: datetime.date
    process: str
    step: int
    yhat: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        hi_80 = self.hi_80

        hi_95 = self.hi_95

        lo_80 = self.lo_80

        lo_95 = self.lo_95

        model = self.model

        period_end = self.period_end.isoformat()

        period_start = self.period_start.isoformat()

        process = self.process

        step = self.step

        yhat = self.yhat

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "hi_80": hi_80,
                "hi_95": hi_95,
                "lo_80": lo_80,
                "lo_95": lo_95,
                "model": model,
                "period_end": period_end,
                "period_start": period_start,
                "process": process,
                "step": step,
                "yhat": yhat,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        hi_80 = d.pop("hi_80")

        hi_95 = d.pop("hi_95")

        lo_80 = d.pop("lo_80")

        lo_95 = d.pop("lo_95")

        model = d.pop("model")

        period_end = datetime.date.fromisoformat(d.pop("period_end"))

        period_start = datetime.date.fromisoformat(d.pop("period_start"))

        process = d.pop("process")

        step = d.pop("step")

        yhat = d.pop("yhat")

        forecast_point_out = cls(
            hi_80=hi_80,
            hi_95=hi_95,
            lo_80=lo_80,
            lo_95=lo_95,
            model=model,
            period_end=period_end,
            period_start=period_start,
            process=process,
            step=step,
            yhat=yhat,
        )

        forecast_point_out.additional_properties = d
        return forecast_point_out

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
