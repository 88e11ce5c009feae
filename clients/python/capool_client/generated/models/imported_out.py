from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.material_demand_out import MaterialDemandOut


T = TypeVar("T", bound="ImportedOut")


@_attrs_define
class ImportedOut:
    """
    Attributes:
        created (bool):
        demand (MaterialDemandOut):
        weeks (int):
    """

    created: bool
    demand: MaterialDemandOut
    weeks: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created = self.created

        demand = self.demand.to_dict()

        weeks = self.weeks

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created": created,
                "demand": demand,
                "weeks": weeks,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.material_demand_out import MaterialDemandOut  # noqa: PLC0415

        d = dict(src_dict)
        created = d.pop("created")

        demand = MaterialDemandOut.from_dict(d.pop("demand"))

        weeks = d.pop("weeks")

        imported_out = cls(
            created=created,
            demand=demand,
            weeks=weeks,
        )

        imported_out.additional_properties = d
        return imported_out

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
