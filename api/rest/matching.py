"""REST for matching; app.py mounts every handler in ROUTES."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from msgspec import Struct
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import requires
from api.rest.capacity import Cursor, Limit
from api.rest.schemas import PageOut, out
from capool.tenancy.actor import Actor, Permission
from matching import service
from matching.schemas import MatchIn


class MatchRunOut(Struct):
    id: uuid.UUID
    organisation_id: uuid.UUID
    requested_by: uuid.UUID
    mode: str
    status: str
    trigger: str
    request: dict[str, Any]
    result: dict[str, Any] | None
    plan: list[dict[str, Any]]
    objective: int | None
    bound: int | None
    value_minor: int
    moved_share_pct: int
    needs_approval: bool
    applied_plan_id: uuid.UUID | None
    applied_at: datetime | None
    error: str | None
    created_at: datetime
    plan_digest: str | None = None
    # The users whose approvals of the current plan count.
    approvals: list[uuid.UUID] = []


class ApproveIn(Struct, forbid_unknown_fields=True):
    # The plan the approver reviewed (the run's plan_digest); a run whose plan differs is refused.
    plan_digest: str | None = None


async def run_out(session: AsyncSession, actor: Actor, run: Any) -> MatchRunOut:
    shaped = out(MatchRunOut, run)
    shaped.approvals = [a.user_id for a in await service.run_approvals(session, actor, run)]
    return shaped


class MatchingController(Controller):
    path = "/v1/matching"
    tags = ["matching"]

    @post("/preview", **requires(Permission.MATCHING_RUN), status_code=200, summary="What-if matching of the caller's open orders; nothing is stored")
    async def preview(self, data: JSONBody[MatchIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> dict[str, Any]:
        return await service.preview(db_session, actor, data)

    @post("/runs", **requires(Permission.MATCHING_RUN), status_code=201, summary="Run matching and store the proposal (background=true queues a job)")
    async def create(self, data: JSONBody[MatchIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> MatchRunOut:
        return await run_out(db_session, actor, await service.create_run(db_session, actor, data))

    @get("/runs", **requires(Permission.MATCHING_RUN), summary="The caller's matching runs")
    async def list(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], cursor: Annotated[str | None, Cursor] = None, limit: Annotated[int, Limit] = 50) -> PageOut[MatchRunOut]:
        page = await service.list_runs(db_session, actor, cursor=cursor, limit=limit)
        return PageOut(items=[await run_out(db_session, actor, r) for r in page.items], next_cursor=page.next_cursor)

    @get("/runs/{run_id:uuid}", **requires(Permission.MATCHING_RUN), summary="One run: result, plan, backups and explanations")
    async def read(self, run_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> MatchRunOut:
        return await run_out(db_session, actor, await service.get_run(db_session, actor, run_id))

    @post("/runs/{run_id:uuid}/apply", **requires(Permission.MATCHING_RUN), status_code=200,
          summary="Apply a run's plan atomically at the terms it was computed from (after two approvals when it is large); 409 plan_stale with a fresh preview when they changed")
    async def apply(self, run_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> MatchRunOut:
        return await run_out(db_session, actor, await service.apply(db_session, actor, run_id))

    @post("/runs/{run_id:uuid}/approve", **requires(Permission.MATCHING_APPROVE), status_code=200,
          summary="Approve a large run's plan: buyer org admins or alliance admins (where allowed), never the requester; two different users")
    async def approve(self, run_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], data: JSONBody[ApproveIn | None] = None) -> MatchRunOut:
        digest = data.plan_digest if data is not None else None
        return await run_out(db_session, actor, await service.approve(db_session, actor, run_id, digest))


ROUTES: list[Any] = [MatchingController]
