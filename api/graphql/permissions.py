"""The permission each GraphQL root field needs, declared on the field and checked in one place.

    @strawberry.field(extensions=requires(Permission.ORDERS_READ))

refuses the field unless the caller's API key and role grant the permission (the rule of
api.authz.check), before its resolver runs, and puts `@requiresPermission(permissions: [...])`
on the field in the schema, where clients and tests/api/test_tenancy.py read it. With several
permissions any one admits the caller.

A query or subscription answers the refusal as a GraphQL error with code PERMISSION_DENIED (as the services'
own refusals); a mutation whose payload carries typed errors answers it there, as its other
errors, and the request is marked rollback-only.
"""

from __future__ import annotations

import inspect
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import FieldExtension
from strawberry.schema_directive import Location
from strawberry.types import Info
from strawberry.types.base import has_object_definition
from strawberry.types.field import StrawberryField

from api.authz import check
from api.graphql.support import user_errors
from api.middleware import ROLLBACK_KEY
from capool.errors import PermissionDenied


@strawberry.schema_directive(locations=[Location.FIELD_DEFINITION], name="requiresPermission",
                             description="The caller's API key needs one of these permissions for this field")
class RequiresPermission:
    permissions: list[str]


class RequiresExtension(FieldExtension):
    def __init__(self, permissions: tuple[str, ...]) -> None:
        self.permissions = permissions
        self.payload: type | None = None

    def apply(self, field: StrawberryField) -> None:
        directive = RequiresPermission(permissions=list(self.permissions))
        if directive not in field.directives:  # the field is shared by every schema built from it
            field.directives.append(directive)
        payload = field.type
        if has_object_definition(payload) and "errors" in {f.name for f in payload.__strawberry_definition__.fields}:
            self.payload = payload

    def _refusal(self, info: Info) -> Any:
        """None when the caller may resolve the field; otherwise the answer to give instead."""
        try:
            check(info.context["actor"], self.permissions)
        except PermissionDenied as exc:
            if self.payload is None:
                raise GraphQLError(exc.detail, extensions={"code": "PERMISSION_DENIED", "status": exc.status}) from exc
            info.context["request"].scope["state"][ROLLBACK_KEY] = True
            fields = {f.name: None for f in self.payload.__strawberry_definition__.fields}  # type: ignore[attr-defined]
            return self.payload(**fields | {"errors": user_errors(exc)})
        return None

    def resolve(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        refusal = self._refusal(info)
        return refusal if refusal is not None else next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        refusal = self._refusal(info)
        if refusal is not None:
            return refusal
        result = next_(source, info, **kwargs)
        # A subscription's resolver may be an async generator: its stream is the answer.
        return await result if inspect.isawaitable(result) else result


def requires(*permissions: str) -> list[FieldExtension]:
    """`extensions=` for a root field: the check and its schema directive."""
    if not permissions:
        raise ValueError("declare at least one permission (or AUTHENTICATED)")
    return [RequiresExtension(permissions)]


def declared_permissions(field: Any) -> tuple[str, ...] | None:
    """What a Strawberry field declares (None: nothing), read from its schema directive."""
    for directive in getattr(field, "directives", ()):
        if isinstance(directive, RequiresPermission):
            return tuple(directive.permissions)
    return None
