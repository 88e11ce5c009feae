"""Input shapes of the integrations (msgspec, validated by Litestar and by the services)."""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import Meta, Struct

Url = Annotated[str, Meta(min_length=8, max_length=2000)]


class EndpointIn(Struct, forbid_unknown_fields=True):
    url: Url
    event_types: Annotated[list[str], Meta(min_length=1, max_length=50)]
    description: Annotated[str, Meta(max_length=500)] | None = None
    enabled: bool = True


class EndpointChange(Struct, forbid_unknown_fields=True):
    url: Url | None = None
    event_types: Annotated[list[str], Meta(min_length=1, max_length=50)] | None = None
    description: Annotated[str, Meta(max_length=500)] | None = None
    enabled: bool | None = None


class MappingIn(Struct, forbid_unknown_fields=True):
    system: Annotated[str, Meta(min_length=1, max_length=50)]
    kind: Annotated[str, Meta(min_length=1, max_length=30)]
    external_code: Annotated[str, Meta(min_length=1, max_length=200)]
    master_ref: Annotated[str, Meta(min_length=1, max_length=200)]


class ConnectorIn(Struct, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    kind: str
    url: Url
    mapping: dict[str, Any] = {}
    auth_header: Annotated[str, Meta(max_length=500)] | None = None
    interval_minutes: Annotated[int, Meta(ge=1, le=10080)] = 60
    enabled: bool = True
