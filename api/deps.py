"""Request dependencies: the unit-of-work session and the authenticated, rate-limited actor."""

from __future__ import annotations

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.middleware import SESSION_KEY
from capool.errors import Unauthenticated
from capool.ratelimit import RateLimits
from capool.tenancy.actor import Actor
from capool.tenancy.service import authenticate


async def provide_session(request: Request) -> AsyncSession:
    return request.scope["state"][SESSION_KEY]


def client_address(request: Request) -> str:
    # The real client behind a trusted proxy: api/app.py rewrites the scope's client.
    return request.client.host if request.client else "unknown"


async def provide_actor(request: Request, db_session: AsyncSession) -> Actor:
    rate_limits: RateLimits = request.app.state.rate_limits
    token = request.headers.get("x-api-key")
    authorization = request.headers.get("authorization", "")
    if token is None and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    if not token:
        await rate_limits.anonymous_request(client_address(request))
        raise Unauthenticated("send an API key as 'Authorization: Bearer cpk_...' or 'X-API-Key'")
    try:
        actor = await authenticate(db_session, token)
    except Unauthenticated:
        await rate_limits.anonymous_request(client_address(request))
        raise
    # Counted per key, not per address: a key's limit follows it to every machine using it.
    await rate_limits.api_key_request(str(actor.api_key_id))
    return actor
