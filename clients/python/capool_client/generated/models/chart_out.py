from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.chart_point_out import ChartPointOut
    from ..models.signal_out import SignalOut


T = TypeVar("T", bound="ChartOut")


@_attrs_define
class ChartOut:
    """
    Attributes:
        centre (float):
        in_control (bool):
        kind (str):
        points (list[ChartPointOut]):
        signals (list[SignalOut]):
    """

    centre: float
    in_control: bool
    kind: str
    points: list[ChartPointOut]
    signals: list[SignalOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        centre = self.centre

        in_control = self.in_control

        kind = self.kind

        points = []
        for points_item_data in self.points:
            points_item = points_item_data.to_dict()
            points.append(points_item)

        signals = []
        for signals_item_data in self.signals:
            signals_item = signals_item_data.to_dict()
            signals.append(signals_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "centre": centre,
                "in_control": in_control,
                "kind": kind,
                "points": points,
                "signals": signals,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chart_point_out import ChartPointOut  # noqa: PLC0415
        from ..models.signal_out import SignalOut  # noqa: PLC0415

        d = dict(src_dict)
        centre = d.pop("centre")

        in_control = d.pop("in_control")

        kind = d.pop("kind")

        points = []
        _points = d.pop("points")
        for points_item_data in _points:
            points_item = ChartPointOut.from_dict(points_item_data)

            points.append(points_item)

        signals = []
        _signals = d.pop("signals")
        for signals_item_data in _signals:
            signals_item = SignalOut.from_dict(signals_item_data)

            signals.append(signals_item)

        chart_out = cls(
            centre=centre,
            in_control=in_control,
            kind=kind,
            points=points,
            signals=signals,
        )

        chart_out.additional_properties = d
        return chart_out

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
