"""Request dependencies: the unit-of-work session and the authenticated, rate-limited actor."""

from __future__ import annotations

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import actor_of
from api.middleware import SESSION_KEY
from capool.tenancy.actor import Actor


async def provide_session(request: Request) -> AsyncSession:
    return request.scope["state"][SESSION_KEY]


async def provide_actor(request: Request) -> Actor:
    return await actor_of(request)
