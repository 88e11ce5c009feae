from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StatusChangeOut")


@_attrs_define
class StatusChangeOut:
    """
    Attributes:
        from_status (None | str):
        occurred_at (datetime.datetime):
        reason (None | str):
        to_status (str):
    """

    from_status: None | str
    occurred_at: datetime.datetime
    reason: None | str
    to_status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_status: None | str
        from_status = self.from_status

        occurred_at = self.occurred_at.isoformat()

        reason: None | str
        reason = self.reason

        to_status = self.to_status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from_status": from_status,
                "occurred_at": occurred_at,
                "reason": reason,
                "to_status": to_status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_from_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        from_status = _parse_from_status(d.pop("from_status"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        to_status = d.pop("to_status")

        status_change_out = cls(
            from_status=from_status,
            occurred_at=occurred_at,
            reason=reason,
            to_status=to_status,
        )

        status_change_out.additional_properties = d
        return status_change_out

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
