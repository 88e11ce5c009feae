"""Analytics for members and alliance admins; the caller's identity and API keys; dead letters; health."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import AUTHENTICATED, PUBLIC, requires
from api.rest.capacity import Cursor, Limit
from api.rest.schemas import (
    ApiKeyOut,
    DeadLetterOut,
    MeOut,
    OnTimeOut,
    OrganisationOut,
    PageOut,
    UtilisationOut,
    UtilisationRowOut,
    dead_letter_out,
    out,
)
from capool import dead_letters
from capool.clock import utcnow
from capool.tenancy import service as members
from capool.tenancy.actor import Actor, Permission
from marketplace import analytics


class AnalyticsController(Controller):
    path = "/v1/analytics"
    tags = ["analytics"]

    @get("/utilisation", **requires(Permission.ANALYTICS_READ), summary="Allocated / published capacity by factory, resource, process or tier")
    async def utilisation(
        self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], group_by: FromQuery[str] = "factory", start: FromQuery[datetime | None] = None, end: FromQuery[datetime | None] = None
    ) -> UtilisationOut:
        default_start, default_end = analytics.default_window(utcnow())
        start, end = start or default_start, end or default_end
        rows = await analytics.utilisation(db_session, actor, start, end, group_by)
        return UtilisationOut(start=start, end=end, group_by=group_by, rows=[out(UtilisationRowOut, r) for r in rows])

    @get("/on-time", **requires(Permission.ANALYTICS_READ), summary="Share of orders delivered by their due date")
    async def on_time(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], start: FromQuery[datetime | None] = None, end: FromQuery[datetime | None] = None) -> OnTimeOut:
        default_start, default_end = analytics.default_window(utcnow())
        start, end = start or default_start, end or default_end
        result = await analytics.on_time_rate(db_session, actor, start, end)
        return OnTimeOut(start=start, end=end, delivered=result.delivered, on_time=result.on_time, rate=result.rate)


class MemberController(Controller):
    path = "/v1"
    tags = ["members"]

    @get("/me", **requires(AUTHENTICATED), summary="Who the API key acts as")
    async def me(self, actor: NamedDependency[Actor]) -> MeOut:
        return MeOut(actor.user_id, actor.organisation_id, actor.alliance_id, actor.role.value, sorted(actor.permissions))

    @get("/members", **requires(AUTHENTICATED), summary="The alliance's member organisations")
    async def list_members(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> list[OrganisationOut]:
        return [out(OrganisationOut, o) for o in await members.list_alliance_members(db_session, actor)]

    @get("/api-keys", **requires(Permission.MEMBERS_ADMIN), summary="The organisation's API keys (never their secrets)")
    async def list_keys(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> list[ApiKeyOut]:
        return [out(ApiKeyOut, k) for k in await members.list_api_keys(db_session, actor)]

    @post("/api-keys/{key_id:uuid}/revoke", **requires(Permission.MEMBERS_ADMIN), status_code=200, summary="Revoke an API key")
    async def revoke(self, key_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ApiKeyOut:
        return out(ApiKeyOut, await members.revoke_api_key(db_session, actor, key_id))


class DeadLetterController(Controller):
    path = "/v1/admin/dead-letters"
    tags = ["admin"]

    @get("/", **requires(Permission.ALLIANCE_ADMIN), summary="The alliance's outbox events whose consumer kept failing, oldest first")
    async def list(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], cursor: Annotated[str | None, Cursor] = None, limit: Annotated[int, Limit] = 50) -> PageOut[DeadLetterOut]:
        page = await dead_letters.list_dead_letters(db_session, actor, cursor=cursor, limit=limit)
        return PageOut(items=[dead_letter_out(letter) for letter in page.items], next_cursor=page.next_cursor)

    @post("/{event_id:uuid}/retry", **requires(Permission.ALLIANCE_ADMIN), status_code=202,
          summary="Retry a dead letter: a fresh budget of attempts, only its consumers not done yet run")
    async def retry(self, event_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> DeadLetterOut:
        return dead_letter_out(await dead_letters.retry_dead_letter(db_session, actor, event_id))


@get("/health", **requires(PUBLIC), tags=["health"], summary="Liveness")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/ready", **requires(PUBLIC), tags=["health"], summary="Readiness: database and broker reachable")
async def ready(request: Request, db_session: NamedDependency[AsyncSession]) -> Response[dict[str, str]]:
    checks: dict[str, str] = {}
    try:
        await db_session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # readiness reports, it does not fail
        checks["database"] = f"error: {type(exc).__name__}"
    checks["broker"] = request.app.state.broker_check()
    healthy = all(v == "ok" for v in checks.values())
    return Response({"status": "ok" if healthy else "unavailable", **checks}, status_code=200 if healthy else 503)
