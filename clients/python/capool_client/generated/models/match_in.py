from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.match_in_mode import MatchInMode, check_match_in_mode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.policy_in import PolicyIn


T = TypeVar("T", bound="MatchIn")


@_attrs_define
class MatchIn:
    """
    Attributes:
        background (bool | Unset):  Default: False.
        mode (MatchInMode | Unset):  Default: 'batch'.
        order_ids (list[UUID] | None | Unset):
        policy (None | PolicyIn | Unset):
        time_limit_s (float | Unset):  Default: 10.0.
    """

    background: bool | Unset = False
    mode: MatchInMode | Unset = "batch"
    order_ids: list[UUID] | None | Unset = UNSET
    policy: None | PolicyIn | Unset = UNSET
    time_limit_s: float | Unset = 10.0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.policy_in import PolicyIn  # noqa: PLC0415

        background = self.background

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode

        order_ids: list[str] | None | Unset
        if isinstance(self.order_ids, Unset):
            order_ids = UNSET
        elif isinstance(self.order_ids, list):
            order_ids = []
            for order_ids_type_0_item_data in self.order_ids:
                order_ids_type_0_item = str(order_ids_type_0_item_data)
                order_ids.append(order_ids_type_0_item)

        else:
            order_ids = self.order_ids

        policy: dict[str, Any] | None | Unset
        if isinstance(self.policy, Unset):
            policy = UNSET
        elif isinstance(self.policy, PolicyIn):
            policy = self.policy.to_dict()
        else:
            policy = self.policy

        time_limit_s = self.time_limit_s

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if background is not UNSET:
            field_dict["background"] = background
        if mode is not UNSET:
            field_dict["mode"] = mode
        if order_ids is not UNSET:
            field_dict["order_ids"] = order_ids
        if policy is not UNSET:
            field_dict["policy"] = policy
        if time_limit_s is not UNSET:
            field_dict["time_limit_s"] = time_limit_s

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.policy_in import PolicyIn  # noqa: PLC0415

        d = dict(src_dict)
        background = d.pop("background", UNSET)

        _mode = d.pop("mode", UNSET)
        mode: MatchInMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = check_match_in_mode(_mode)

        def _parse_order_ids(data: object) -> list[UUID] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                order_ids_type_0 = []
                _order_ids_type_0 = data
                for order_ids_type_0_item_data in _order_ids_type_0:
                    order_ids_type_0_item = UUID(order_ids_type_0_item_data)

                    order_ids_type_0.append(order_ids_type_0_item)

                return order_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[UUID] | None | Unset, data)

        order_ids = _parse_order_ids(d.pop("order_ids", UNSET))

        def _parse_policy(data: object) -> None | PolicyIn | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                policy_type_0 = PolicyIn.from_dict(data)

                return policy_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PolicyIn | Unset, data)

        policy = _parse_policy(d.pop("policy", UNSET))

        time_limit_s = d.pop("time_limit_s", UNSET)

        match_in = cls(
            background=background,
            mode=mode,
            order_ids=order_ids,
            policy=policy,
            time_limit_s=time_limit_s,
        )

        match_in.additional_properties = d
        return match_in

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
