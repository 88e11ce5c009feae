from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.lot_in_level import LotInLevel, check_lot_in_level
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.aqls_in import AqlsIn


T = TypeVar("T", bound="LotIn")


@_attrs_define
class LotIn:
    """
    Attributes:
        allocation_id (UUID):
        quantity (int):
        aqls (AqlsIn | Unset):
        level (LotInLevel | Unset):  Default: 'II'.
        lot_size (int | None | Unset):
    """

    allocation_id: UUID
    quantity: int
    aqls: AqlsIn | Unset = UNSET
    level: LotInLevel | Unset = "II"
    lot_size: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allocation_id = str(self.allocation_id)

        quantity = self.quantity

        aqls: dict[str, Any] | Unset = UNSET
        if not isinstance(self.aqls, Unset):
            aqls = self.aqls.to_dict()

        level: str | Unset = UNSET
        if not isinstance(self.level, Unset):
            level = self.level

        lot_size: int | None | Unset
        if isinstance(self.lot_size, Unset):
            lot_size = UNSET
        else:
            lot_size = self.lot_size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allocation_id": allocation_id,
                "quantity": quantity,
            }
        )
        if aqls is not UNSET:
            field_dict["aqls"] = aqls
        if level is not UNSET:
            field_dict["level"] = level
        if lot_size is not UNSET:
            field_dict["lot_size"] = lot_size

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.aqls_in import AqlsIn  # noqa: PLC0415

        d = dict(src_dict)
        allocation_id = UUID(d.pop("allocation_id"))

        quantity = d.pop("quantity")

        _aqls = d.pop("aqls", UNSET)
        aqls: AqlsIn | Unset
        if isinstance(_aqls, Unset):
            aqls = UNSET
        else:
            aqls = AqlsIn.from_dict(_aqls)

        _level = d.pop("level", UNSET)
        level: LotInLevel | Unset
        if isinstance(_level, Unset):
            level = UNSET
        else:
            level = check_lot_in_level(_level)

        def _parse_lot_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        lot_size = _parse_lot_size(d.pop("lot_size", UNSET))

        lot_in = cls(
            allocation_id=allocation_id,
            quantity=quantity,
            aqls=aqls,
            level=level,
            lot_size=lot_size,
        )

        lot_in.additional_properties = d
        return lot_in

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
