"""The permission each GraphQL root field needs, declared on the field and checked in one place.

    @strawberry.field(extensions=requires(Permission.ORDERS_READ))

adds a Strawberry permission that refuses the field (error code PERMISSION_DENIED, as the
services' own refusals) unless the caller's API key and role grant the permission, and puts
`@requiresPermission(permissions: [...])` on the field in the schema, where clients and
tests/api/test_tenancy.py read it. With several permissions any one admits the caller.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema_directive import Location
from strawberry.types import Info

from api.authz import AUTHENTICATED


@strawberry.schema_directive(locations=[Location.FIELD_DEFINITION], name="requiresPermission",
                             description="The caller's API key needs one of these permissions for this field")
class RequiresPermission:
    permissions: list[str]


class Requires(BasePermission):
    error_extensions = {"code": "PERMISSION_DENIED", "status": 403}

    def __init__(self, *permissions: str) -> None:
        self.permissions = permissions
        self.message = f"this caller lacks the {' or '.join(repr(p) for p in permissions)} permission"
        self._schema_directive = RequiresPermission(permissions=list(permissions))

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        actor = info.context["actor"]
        return AUTHENTICATED in self.permissions or any(actor.can(p) for p in self.permissions)


def requires(*permissions: str) -> list[FieldExtension]:
    """`extensions=` for a root field: the check and its schema directive."""
    if not permissions:
        raise ValueError("declare at least one permission (or AUTHENTICATED)")
    return [PermissionExtension(permissions=[Requires(*permissions)])]


def declared_permissions(field: Any) -> tuple[str, ...] | None:
    """What a Strawberry field declares (None: nothing), read from its schema directive."""
    for directive in getattr(field, "directives", ()):
        if isinstance(directive, RequiresPermission):
            return tuple(directive.permissions)
    return None
