from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.connector_in_mapping import ConnectorInMapping


T = TypeVar("T", bound="ConnectorIn")


@_attrs_define
class ConnectorIn:
    """
    Attributes:
        kind (str):
        name (str):
        url (str):
        auth_header (None | str | Unset):
        enabled (bool | Unset):  Default: True.
        interval_minutes (int | Unset):  Default: 60.
        mapping (ConnectorInMapping | Unset):
    """

    kind: str
    name: str
    url: str
    auth_header: None | str | Unset = UNSET
    enabled: bool | Unset = True
    interval_minutes: int | Unset = 60
    mapping: ConnectorInMapping | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        name = self.name

        url = self.url

        auth_header: None | str | Unset
        if isinstance(self.auth_header, Unset):
            auth_header = UNSET
        else:
            auth_header = self.auth_header

        enabled = self.enabled

        interval_minutes = self.interval_minutes

        mapping: dict[str, Any] | Unset = UNSET
        if not isinstance(self.mapping, Unset):
            mapping = self.mapping.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "name": name,
                "url": url,
            }
        )
        if auth_header is not UNSET:
            field_dict["auth_header"] = auth_header
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if interval_minutes is not UNSET:
            field_dict["interval_minutes"] = interval_minutes
        if mapping is not UNSET:
            field_dict["mapping"] = mapping

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.connector_in_mapping import ConnectorInMapping  # noqa: PLC0415

        d = dict(src_dict)
        kind = d.pop("kind")

        name = d.pop("name")

        url = d.pop("url")

        def _parse_auth_header(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        auth_header = _parse_auth_header(d.pop("auth_header", UNSET))

        enabled = d.pop("enabled", UNSET)

        interval_minutes = d.pop("interval_minutes", UNSET)

        _mapping = d.pop("mapping", UNSET)
        mapping: ConnectorInMapping | Unset
        if isinstance(_mapping, Unset):
            mapping = UNSET
        else:
            mapping = ConnectorInMapping.from_dict(_mapping)

        connector_in = cls(
            kind=kind,
            name=name,
            url=url,
            auth_header=auth_header,
            enabled=enabled,
            interval_minutes=interval_minutes,
            mapping=mapping,
        )

        connector_in.additional_properties = d
        return connector_in

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
