from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EndpointOut")


@_attrs_define
class EndpointOut:
    """
    Attributes:
        allow_private (bool):
        circuit_state (str):
        consecutive_failures (int):
        created_at (datetime.datetime):
        description (None | str):
        enabled (bool):
        event_types (list[str]):
        id (UUID):
        organisation_id (UUID):
        url (str):
    """

    allow_private: bool
    circuit_state: str
    consecutive_failures: int
    created_at: datetime.datetime
    description: None | str
    enabled: bool
    event_types: list[str]
    id: UUID
    organisation_id: UUID
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allow_private = self.allow_private

        circuit_state = self.circuit_state

        consecutive_failures = self.consecutive_failures

        created_at = self.created_at.isoformat()

        description: None | str
        description = self.description

        enabled = self.enabled

        event_types = self.event_types

        id = str(self.id)

        organisation_id = str(self.organisation_id)

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allow_private": allow_private,
                "circuit_state": circuit_state,
                "consecutive_failures": consecutive_failures,
                "created_at": created_at,
                "description": description,
                "enabled": enabled,
                "event_types": event_types,
                "id": id,
                "organisation_id": organisation_id,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allow_private = d.pop("allow_private")

        circuit_state = d.pop("circuit_state")

        consecutive_failures = d.pop("consecutive_failures")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        enabled = d.pop("enabled")

        event_types = cast(list[str], d.pop("event_types"))

        id = UUID(d.pop("id"))

        organisation_id = UUID(d.pop("organisation_id"))

        url = d.pop("url")

        endpoint_out = cls(
            allow_private=allow_private,
            circuit_state=circuit_state,
            consecutive_failures=consecutive_failures,
            created_at=created_at,
            description=description,
            enabled=enabled,
            event_types=event_types,
            id=id,
            organisation_id=organisation_id,
            url=url,
        )

        endpoint_out.additional_properties = d
        return endpoint_out

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
