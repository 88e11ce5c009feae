from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.chart_out import ChartOut


T = TypeVar("T", bound="SpcOut")


@_attrs_define
class SpcOut:
    """
    Attributes:
        c_chart (ChartOut | None):
        factory_org_id (None | UUID):
        lot_ids (list[UUID]):
        p_chart (ChartOut | None):
        process (str):
    """

    c_chart: ChartOut | None
    factory_org_id: None | UUID
    lot_ids: list[UUID]
    p_chart: ChartOut | None
    process: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.chart_out import ChartOut  # noqa: PLC0415

        c_chart: dict[str, Any] | None
        if isinstance(self.c_chart, ChartOut):
            c_chart = self.c_chart.to_dict()
        else:
            c_chart = self.c_chart

        factory_org_id: None | str
        if isinstance(self.factory_org_id, UUID):
            factory_org_id = str(self.factory_org_id)
        else:
            factory_org_id = self.factory_org_id

        lot_ids = []
        for lot_ids_item_data in self.lot_ids:
            lot_ids_item = str(lot_ids_item_data)
            lot_ids.append(lot_ids_item)

        p_chart: dict[str, Any] | None
        if isinstance(self.p_chart, ChartOut):
            p_chart = self.p_chart.to_dict()
        else:
            p_chart = self.p_chart

        process = self.process

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "c_chart": c_chart,
                "factory_org_id": factory_org_id,
                "lot_ids": lot_ids,
                "p_chart": p_chart,
                "process": process,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chart_out import ChartOut  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_c_chart(data: object) -> ChartOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                c_chart_type_0 = ChartOut.from_dict(data)

                return c_chart_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ChartOut | None, data)

        c_chart = _parse_c_chart(d.pop("c_chart"))

        def _parse_factory_org_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                factory_org_id_type_0 = UUID(data)

                return factory_org_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        factory_org_id = _parse_factory_org_id(d.pop("factory_org_id"))

        lot_ids = []
        _lot_ids = d.pop("lot_ids")
        for lot_ids_item_data in _lot_ids:
            lot_ids_item = UUID(lot_ids_item_data)

            lot_ids.append(lot_ids_item)

        def _parse_p_chart(data: object) -> ChartOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                p_chart_type_0 = ChartOut.from_dict(data)

                return p_chart_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ChartOut | None, data)

        p_chart = _parse_p_chart(d.pop("p_chart"))

        process = d.pop("process")

        spc_out = cls(
            c_chart=c_chart,
            factory_org_id=factory_org_id,
            lot_ids=lot_ids,
            p_chart=p_chart,
            process=process,
        )

        spc_out.additional_properties = d
        return spc_out

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
