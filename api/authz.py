"""The permission each REST route needs, declared on its handler and checked in one guard.

    @get("/orders", **requires(Permission.ORDERS_READ))

puts the permission in the handler's `opt` (a tuple under "permission", which
tests/api/test_tenancy.py reads: a route without a declaration fails the suite) and in the
OpenAPI operation's `security` (the scheme's scope list names the permission), and adds
`check_permission`, which authenticates the API key (401) and then checks the permission
against the key's scopes and the user's role (403), before any parameter or body is read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.openapi.spec import SecurityScheme
from sqlalchemy.ext.asyncio import AsyncSession

from api.middleware import ACTOR_KEY, SESSION_KEY, authenticate_counted, credential_of
from capool.errors import PermissionDenied, Unauthenticated
from capool.tenancy.actor import Actor
from capool.tenancy.service import authenticate

PERMISSION_OPT = "permission"
# Any authenticated member may call the route (GET /v1/me); still a declaration, not an omission.
AUTHENTICATED = "authenticated"
# No credentials at all: liveness and readiness.
PUBLIC = "public"

SECURITY_SCHEMES = {
    "bearer": SecurityScheme(type="http", scheme="bearer", description="An API key: `Authorization: Bearer cpk_...`"),
    "apiKey": SecurityScheme(type="apiKey", name="X-API-Key", security_scheme_in="header", description="An API key in `X-API-Key`"),
}


async def actor_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    """The caller, authenticated once per request (the unit of work may have done it already)."""
    state = connection.scope["state"]
    actor = state.get(ACTOR_KEY)
    if actor is None:
        actor = await authenticate_counted(connection.scope, state[SESSION_KEY], credential_of(connection.scope))
        state[ACTOR_KEY] = actor
    return actor


def reauthenticating(token: str | None) -> Callable[[AsyncSession], Awaitable[Actor]]:
    """For a stream that outlives its request (server-sent events, a GraphQL subscription): the
    caller as its key stands at each read (Unauthenticated once it is revoked). Not counted
    against the key's rate limit: the stream was, when it was opened."""

    async def actor_now(session: AsyncSession) -> Actor:
        if not token:
            raise Unauthenticated()
        return await authenticate(session, token)

    return actor_now


def check(actor: Actor, permissions: tuple[str, ...]) -> None:
    """403 unless the actor holds one of `permissions` (AUTHENTICATED: any actor)."""
    if AUTHENTICATED in permissions or any(actor.can(p) for p in permissions):
        return
    raise PermissionDenied(f"this caller lacks the {' or '.join(repr(p) for p in permissions)} permission")


async def check_permission(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    permissions = handler.opt[PERMISSION_OPT]
    if PUBLIC in permissions:
        return
    check(await actor_of(connection), permissions)


def requires(*permissions: str) -> dict[str, Any]:
    """Keyword arguments for a route decorator: the guard, the declaration and its OpenAPI form.

    With several permissions any one admits the caller, for routes whose service then checks
    the one the request needs (an order transition: the buyer's orders:write or the factory's
    progress:write; a file import: the permission of the kind imported)."""
    if not permissions:
        raise ValueError("declare at least one permission (or AUTHENTICATED / PUBLIC)")
    declared = {"guards": [check_permission], "opt": {PERMISSION_OPT: permissions}}
    if PUBLIC in permissions:
        return declared | {"security": [{}]}
    # Alternatives in OpenAPI's security list; an API key's scope list names the permission.
    scopes = [[]] if AUTHENTICATED in permissions else [[p] for p in permissions]
    return declared | {"security": [{scheme: s} for s in scopes for scheme in SECURITY_SCHEMES]}
