from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.comparison_out_volatility_parameters import ComparisonOutVolatilityParameters
    from ..models.comparison_row_out import ComparisonRowOut


T = TypeVar("T", bound="ComparisonOut")


@_attrs_define
class ComparisonOut:
    """
    Attributes:
        not_compared (int):
        rows (list[ComparisonRowOut]):
        volatility_parameters (ComparisonOutVolatilityParameters):
        weeks (list[datetime.date]):
    """

    not_compared: int
    rows: list[ComparisonRowOut]
    volatility_parameters: ComparisonOutVolatilityParameters
    weeks: list[datetime.date]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        not_compared = self.not_compared

        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)

        volatility_parameters = self.volatility_parameters.to_dict()

        weeks = []
        for weeks_item_data in self.weeks:
            weeks_item = weeks_item_data.isoformat()
            weeks.append(weeks_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "not_compared": not_compared,
                "rows": rows,
                "volatility_parameters": volatility_parameters,
                "weeks": weeks,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.comparison_out_volatility_parameters import ComparisonOutVolatilityParameters  # noqa: PLC0415
        from ..models.comparison_row_out import ComparisonRowOut  # noqa: PLC0415

        d = dict(src_dict)
        not_compared = d.pop("not_compared")

        rows = []
        _rows = d.pop("rows")
        for rows_item_data in _rows:
            rows_item = ComparisonRowOut.from_dict(rows_item_data)

            rows.append(rows_item)

        volatility_parameters = ComparisonOutVolatilityParameters.from_dict(d.pop("volatility_parameters"))

        weeks = []
        _weeks = d.pop("weeks")
        for weeks_item_data in _weeks:
            weeks_item = datetime.date.fromisoformat(weeks_item_data)

            weeks.append(weeks_item)

        comparison_out = cls(
            not_compared=not_compared,
            rows=rows,
            volatility_parameters=volatility_parameters,
            weeks=weeks,
        )

        comparison_out.additional_properties = d
        return comparison_out

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
