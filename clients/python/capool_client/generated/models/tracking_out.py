from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.allocation_track_out import AllocationTrackOut
    from ..models.order_out import OrderOut
    from ..models.status_change_out import StatusChangeOut


T = TypeVar("T", bound="TrackingOut")


@_attrs_define
class TrackingOut:
    """
    Attributes:
        allocations (list[AllocationTrackOut]):
        eta (datetime.datetime | None):
        history (list[StatusChangeOut]):
        order (OrderOut):
        produced_fraction (float):
        stage (str):
    """

    allocations: list[AllocationTrackOut]
    eta: datetime.datetime | None
    history: list[StatusChangeOut]
    order: OrderOut
    produced_fraction: float
    stage: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allocations = []
        for allocations_item_data in self.allocations:
            allocations_item = allocations_item_data.to_dict()
            allocations.append(allocations_item)

        eta: None | str
        if isinstance(self.eta, datetime.datetime):
            eta = self.eta.isoformat()
        else:
            eta = self.eta

        history = []
        for history_item_data in self.history:
            history_item = history_item_data.to_dict()
            history.append(history_item)

        order = self.order.to_dict()

        produced_fraction = self.produced_fraction

        stage = self.stage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allocations": allocations,
                "eta": eta,
                "history": history,
                "order": order,
                "produced_fraction": produced_fraction,
                "stage": stage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.allocation_track_out import AllocationTrackOut  # noqa: PLC0415
        from ..models.order_out import OrderOut  # noqa: PLC0415
        from ..models.status_change_out import StatusChangeOut  # noqa: PLC0415

        d = dict(src_dict)
        allocations = []
        _allocations = d.pop("allocations")
        for allocations_item_data in _allocations:
            allocations_item = AllocationTrackOut.from_dict(allocations_item_data)

            allocations.append(allocations_item)

        def _parse_eta(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                eta_type_0 = datetime.datetime.fromisoformat(data)

                return eta_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        eta = _parse_eta(d.pop("eta"))

        history = []
        _history = d.pop("history")
        for history_item_data in _history:
            history_item = StatusChangeOut.from_dict(history_item_data)

            history.append(history_item)

        order = OrderOut.from_dict(d.pop("order"))

        produced_fraction = d.pop("produced_fraction")

        stage = d.pop("stage")

        tracking_out = cls(
            allocations=allocations,
            eta=eta,
            history=history,
            order=order,
            produced_fraction=produced_fraction,
            stage=stage,
        )

        tracking_out.additional_properties = d
        return tracking_out

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
