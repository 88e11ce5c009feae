from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.connector_out_mapping import ConnectorOutMapping


T = TypeVar("T", bound="ConnectorOut")


@_attrs_define
class ConnectorOut:
    """
    Attributes:
        allow_private (bool):
        created_at (datetime.datetime):
        enabled (bool):
        id (UUID):
        interval_minutes (int):
        kind (str):
        last_error (None | str):
        last_run_at (datetime.datetime | None):
        mapping (ConnectorOutMapping):
        name (str):
        url (str):
    """

    allow_private: bool
    created_at: datetime.datetime
    enabled: bool
    id: UUID
    interval_minutes: int
    kind: str
    last_error: None | str
    last_run_at: datetime.datetime | None
    mapping: ConnectorOutMapping
    name: str
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allow_private = self.allow_private

        created_at = self.created_at.isoformat()

        enabled = self.enabled

        id = str(self.id)

        interval_minutes = self.interval_minutes

        kind = self.kind

        last_error: None | str
        last_error = self.last_error

        last_run_at: None | str
        if isinstance(self.last_run_at, datetime.datetime):
            last_run_at = self.last_run_at.isoformat()
        else:
            last_run_at = self.last_run_at

        mapping = self.mapping.to_dict()

        name = self.name

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allow_private": allow_private,
                "created_at": created_at,
                "enabled": enabled,
                "id": id,
                "interval_minutes": interval_minutes,
                "kind": kind,
                "last_error": last_error,
                "last_run_at": last_run_at,
                "mapping": mapping,
                "name": name,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.connector_out_mapping import ConnectorOutMapping  # noqa: PLC0415

        d = dict(src_dict)
        allow_private = d.pop("allow_private")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        enabled = d.pop("enabled")

        id = UUID(d.pop("id"))

        interval_minutes = d.pop("interval_minutes")

        kind = d.pop("kind")

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))

        def _parse_last_run_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_run_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_run_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_run_at = _parse_last_run_at(d.pop("last_run_at"))

        mapping = ConnectorOutMapping.from_dict(d.pop("mapping"))

        name = d.pop("name")

        url = d.pop("url")

        connector_out = cls(
            allow_private=allow_private,
            created_at=created_at,
            enabled=enabled,
            id=id,
            interval_minutes=interval_minutes,
            kind=kind,
            last_error=last_error,
            last_run_at=last_run_at,
            mapping=mapping,
            name=name,
            url=url,
        )

        connector_out.additional_properties = d
        return connector_out

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
