"""Request dependencies: the unit-of-work session and the authenticated, rate-limited actor."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.types import Scope
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import actor_of
from api.middleware import SESSION_KEY
from capool.tenancy.actor import Actor


# `scope`, not `request`: GraphQL's websocket route resolves these too.
async def provide_session(scope: Scope) -> AsyncSession:
    return scope["state"][SESSION_KEY]


async def provide_actor(scope: Scope) -> Actor:
    return await actor_of(ASGIConnection(scope))
