from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PolicyIn")


@_attrs_define
class PolicyIn:
    """
    Attributes:
        carbon_weight_per_kg (int | Unset):  Default: 0.
        cheaper_but_late (bool | Unset):  Default: False.
        core_min_pct (int | Unset):  Default: 40.
        external_max_pct (int | Unset):  Default: 60.
        external_min_pct (int | Unset):  Default: 20.
        hard_shares (bool | Unset):  Default: False.
        late_penalty_per_unit_day (int | Unset):  Default: 0.
        max_late_days (int | Unset):  Default: 30.
        share_penalty (int | Unset):  Default: 1.
    """

    carbon_weight_per_kg: int | Unset = 0
    cheaper_but_late: bool | Unset = False
    core_min_pct: int | Unset = 40
    external_max_pct: int | Unset = 60
    external_min_pct: int | Unset = 20
    hard_shares: bool | Unset = False
    late_penalty_per_unit_day: int | Unset = 0
    max_late_days: int | Unset = 30
    share_penalty: int | Unset = 1
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carbon_weight_per_kg = self.carbon_weight_per_kg

        cheaper_but_late = self.cheaper_but_late

        core_min_pct = self.core_min_pct

        external_max_pct = self.external_max_pct

        external_min_pct = self.external_min_pct

        hard_shares = self.hard_shares

        late_penalty_per_unit_day = self.late_penalty_per_unit_day

        max_late_days = self.max_late_days

        share_penalty = self.share_penalty

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if carbon_weight_per_kg is not UNSET:
            field_dict["carbon_weight_per_kg"] = carbon_weight_per_kg
        if cheaper_but_late is not UNSET:
            field_dict["cheaper_but_late"] = cheaper_but_late
        if core_min_pct is not UNSET:
            field_dict["core_min_pct"] = core_min_pct
        if external_max_pct is not UNSET:
            field_dict["external_max_pct"] = external_max_pct
        if external_min_pct is not UNSET:
            field_dict["external_min_pct"] = external_min_pct
        if hard_shares is not UNSET:
            field_dict["hard_shares"] = hard_shares
        if late_penalty_per_unit_day is not UNSET:
            field_dict["late_penalty_per_unit_day"] = late_penalty_per_unit_day
        if max_late_days is not UNSET:
            field_dict["max_late_days"] = max_late_days
        if share_penalty is not UNSET:
            field_dict["share_penalty"] = share_penalty

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        carbon_weight_per_kg = d.pop("carbon_weight_per_kg", UNSET)

        cheaper_but_late = d.pop("cheaper_but_late", UNSET)

        core_min_pct = d.pop("core_min_pct", UNSET)

        external_max_pct = d.pop("external_max_pct", UNSET)

        external_min_pct = d.pop("external_min_pct", UNSET)

        hard_shares = d.pop("hard_shares", UNSET)

        late_penalty_per_unit_day = d.pop("late_penalty_per_unit_day", UNSET)

        max_late_days = d.pop("max_late_days", UNSET)

        share_penalty = d.pop("share_penalty", UNSET)

        policy_in = cls(
            carbon_weight_per_kg=carbon_weight_per_kg,
            cheaper_but_late=cheaper_but_late,
            core_min_pct=core_min_pct,
            external_max_pct=external_max_pct,
            external_min_pct=external_min_pct,
            hard_shares=hard_shares,
            late_penalty_per_unit_day=late_penalty_per_unit_day,
            max_late_days=max_late_days,
            share_penalty=share_penalty,
        )

        policy_in.additional_properties = d
        return policy_in

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
