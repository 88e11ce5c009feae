from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.utilisation_row_out import UtilisationRowOut


T = TypeVar("T", bound="UtilisationOut")


@_attrs_define
class UtilisationOut:
    """
    Attributes:
        end (datetime.datetime):
        group_by (str):
        rows (list[UtilisationRowOut]):
        start (datetime.datetime):
    """

    end: datetime.datetime
    group_by: str
    rows: list[UtilisationRowOut]
    start: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        end = self.end.isoformat()

        group_by = self.group_by

        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)

        start = self.start.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "end": end,
                "group_by": group_by,
                "rows": rows,
                "start": start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.utilisation_row_out import UtilisationRowOut  # noqa: PLC0415

        d = dict(src_dict)
        end = datetime.datetime.fromisoformat(d.pop("end"))

        group_by = d.pop("group_by")

        rows = []
        _rows = d.pop("rows")
        for rows_item_data in _rows:
            rows_item = UtilisationRowOut.from_dict(rows_item_data)

            rows.append(rows_item)

        start = datetime.datetime.fromisoformat(d.pop("start"))

        utilisation_out = cls(
            end=end,
            group_by=group_by,
            rows=rows,
            start=start,
        )

        utilisation_out.additional_properties = d
        return utilisation_out

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
