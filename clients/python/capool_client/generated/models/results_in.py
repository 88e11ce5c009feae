from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.defect_count_in import DefectCountIn
    from ..models.units_in import UnitsIn


T = TypeVar("T", bound="ResultsIn")


@_attrs_define
class ResultsIn:
    """
    Attributes:
        defects (list[DefectCountIn] | Unset):
        final (bool | Unset):  Default: True.
        units (None | UnitsIn | Unset):
    """

    defects: list[DefectCountIn] | Unset = UNSET
    final: bool | Unset = True
    units: None | UnitsIn | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.units_in import UnitsIn  # noqa: PLC0415

        defects: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.defects, Unset):
            defects = []
            for defects_item_data in self.defects:
                defects_item = defects_item_data.to_dict()
                defects.append(defects_item)

        final = self.final

        units: dict[str, Any] | None | Unset
        if isinstance(self.units, Unset):
            units = UNSET
        elif isinstance(self.units, UnitsIn):
            units = self.units.to_dict()
        else:
            units = self.units

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if defects is not UNSET:
            field_dict["defects"] = defects
        if final is not UNSET:
            field_dict["final"] = final
        if units is not UNSET:
            field_dict["units"] = units

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.defect_count_in import DefectCountIn  # noqa: PLC0415
        from ..models.units_in import UnitsIn  # noqa: PLC0415

        d = dict(src_dict)
        _defects = d.pop("defects", UNSET)
        defects: list[DefectCountIn] | Unset = UNSET
        if _defects is not UNSET:
            defects = []
            for defects_item_data in _defects:
                defects_item = DefectCountIn.from_dict(defects_item_data)

                defects.append(defects_item)

        final = d.pop("final", UNSET)

        def _parse_units(data: object) -> None | UnitsIn | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                units_type_0 = UnitsIn.from_dict(data)

                return units_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UnitsIn | Unset, data)

        units = _parse_units(d.pop("units", UNSET))

        results_in = cls(
            defects=defects,
            final=final,
            units=units,
        )

        results_in.additional_properties = d
        return results_in

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
