from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.allocation_out import AllocationOut
    from ..models.operation_out import OperationOut
    from ..models.planned_day_out import PlannedDayOut
    from ..models.progress_out import ProgressOut


T = TypeVar("T", bound="AllocationTrackOut")


@_attrs_define
class AllocationTrackOut:
    """
    Attributes:
        allocation (AllocationOut):
        factory_name (str):
        operations (list[OperationOut]):
        reports (list[ProgressOut]):
        days (list[PlannedDayOut] | Unset):
    """

    allocation: AllocationOut
    factory_name: str
    operations: list[OperationOut]
    reports: list[ProgressOut]
    days: list[PlannedDayOut] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allocation = self.allocation.to_dict()

        factory_name = self.factory_name

        operations = []
        for operations_item_data in self.operations:
            operations_item = operations_item_data.to_dict()
            operations.append(operations_item)

        reports = []
        for reports_item_data in self.reports:
            reports_item = reports_item_data.to_dict()
            reports.append(reports_item)

        days: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.days, Unset):
            days = []
            for days_item_data in self.days:
                days_item = days_item_data.to_dict()
                days.append(days_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allocation": allocation,
                "factory_name": factory_name,
                "operations": operations,
                "reports": reports,
            }
        )
        if days is not UNSET:
            field_dict["days"] = days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.allocation_out import AllocationOut  # noqa: PLC0415
        from ..models.operation_out import OperationOut  # noqa: PLC0415
        from ..models.planned_day_out import PlannedDayOut  # noqa: PLC0415
        from ..models.progress_out import ProgressOut  # noqa: PLC0415

        d = dict(src_dict)
        allocation = AllocationOut.from_dict(d.pop("allocation"))

        factory_name = d.pop("factory_name")

        operations = []
        _operations = d.pop("operations")
        for operations_item_data in _operations:
            operations_item = OperationOut.from_dict(operations_item_data)

            operations.append(operations_item)

        reports = []
        _reports = d.pop("reports")
        for reports_item_data in _reports:
            reports_item = ProgressOut.from_dict(reports_item_data)

            reports.append(reports_item)

        _days = d.pop("days", UNSET)
        days: list[PlannedDayOut] | Unset = UNSET
        if _days is not UNSET:
            days = []
            for days_item_data in _days:
                days_item = PlannedDayOut.from_dict(days_item_data)

                days.append(days_item)

        allocation_track_out = cls(
            allocation=allocation,
            factory_name=factory_name,
            operations=operations,
            reports=reports,
            days=days,
        )

        allocation_track_out.additional_properties = d
        return allocation_track_out

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
