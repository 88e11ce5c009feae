"""Request dependencies: the unit-of-work session and the authenticated actor."""

from __future__ import annotations

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.middleware import SESSION_KEY
from capool.errors import Unauthenticated
from capool.tenancy.actor import Actor
from capool.tenancy.service import authenticate


async def provide_session(request: Request) -> AsyncSession:
    return request.scope["state"][SESSION_KEY]


async def provide_actor(request: Request, db_session: AsyncSession) -> Actor:
    token = request.headers.get("x-api-key")
    authorization = request.headers.get("authorization", "")
    if token is None and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    if not token:
        raise Unauthenticated("send an API key as 'Authorization: Bearer cpk_...' or 'X-API-Key'")
    return await authenticate(db_session, token)
