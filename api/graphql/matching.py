"""GraphQL for matching: Query / Mutation types merged into the schema by api.graphql.schema."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graphql.permissions import requires
from api.graphql.support import UserError, call, convert, mutate
from capool.tenancy.actor import Permission
from matching import service
from matching.models import RunMode, RunStatus
from matching.schemas import MatchIn

strawberry.enum(RunMode, name="MatchRunMode")
strawberry.enum(RunStatus, name="MatchRunStatus")


@strawberry.input
class MatchingInput:
    order_ids: list[uuid.UUID] | None = None
    mode: str = "batch"
    time_limit_s: float = 10.0
    background: bool = False
    policy: JSON | None = None


def _match_in(data: MatchingInput) -> MatchIn:
    raw: dict[str, Any] = {"mode": data.mode, "time_limit_s": data.time_limit_s, "background": data.background}
    if data.order_ids is not None:
        raw["order_ids"] = [str(o) for o in data.order_ids]
    if data.policy is not None:
        raw["policy"] = data.policy
    return convert(MatchIn, raw)


@strawberry.type
class MatchAssignment:
    order_id: uuid.UUID
    offer_id: uuid.UUID
    quantity: int
    explanation: JSON
    backups: JSON

    @classmethod
    def of(cls, item: dict[str, Any]) -> MatchAssignment:
        explanation = dict(item.get("explanation") or {})
        backups = explanation.pop("backups", [])
        return cls(order_id=uuid.UUID(item["order_id"]), offer_id=uuid.UUID(item["offer_id"]), quantity=item["quantity"], explanation=explanation, backups=backups)


@strawberry.type
class MatchingPreview:
    status: str
    objective: int
    bound: int
    gap: float
    value_minor: int
    needs_approval: bool
    plan: list[MatchAssignment]
    unassigned: JSON
    thin_processes: JSON
    # Per order: {"status": placed | partial | unplaced, "quantity", "placed", "reason"}.
    orders: JSON
    complete: bool

    @classmethod
    def of(cls, summary: dict[str, Any]) -> MatchingPreview:
        result = summary["result"]
        return cls(
            status=result["status"], objective=result["objective"], bound=result["bound"], gap=result["gap"], value_minor=summary["value_minor"],
            needs_approval=summary["needs_approval"], plan=[MatchAssignment.of(p) for p in summary["plan"]],
            unassigned=result["unassigned_reasons"], thin_processes=result["thin_processes"], orders=result.get("orders", {}),
            complete=result.get("complete", not result["unassigned"]),
        )


@strawberry.type
class MatchRun:
    id: uuid.UUID
    mode: RunMode
    status: RunStatus
    trigger: str
    objective: int | None
    bound: int | None
    value_minor: int
    needs_approval: bool
    # The plan's digest: what an approval signs; apply refuses when the terms changed.
    plan_digest: str | None
    created_at: datetime
    plan: list[MatchAssignment]
    unassigned: JSON
    orders: JSON

    @classmethod
    def of(cls, run: Any) -> MatchRun:
        return cls(
            id=run.id, mode=run.mode, status=run.status, trigger=run.trigger, objective=run.objective, bound=run.bound,
            value_minor=run.value_minor, needs_approval=run.needs_approval, plan_digest=run.plan_digest, created_at=run.created_at,
            plan=[MatchAssignment.of(p) for p in run.plan], unassigned=(run.result or {}).get("unassigned_reasons", {}),
            orders=(run.result or {}).get("orders", {}),
        )


@strawberry.type
class MatchRunPayload:
    run: MatchRun | None
    errors: list[UserError]


@strawberry.type
class MatchingQuery:
    @strawberry.field(extensions=requires(Permission.MATCHING_RUN), description="What-if matching of the caller's open orders; nothing is stored")
    async def matching_preview(self, info: Info, input: MatchingInput | None = None) -> MatchingPreview:
        summary = await call(info, lambda s, a: service.preview(s, a, _match_in(input or MatchingInput())))
        return MatchingPreview.of(summary)

    @strawberry.field(extensions=requires(Permission.MATCHING_RUN), description="One matching run of the caller")
    async def matching_run(self, info: Info, id: uuid.UUID) -> MatchRun:
        return MatchRun.of(await call(info, lambda s, a: service.get_run(s, a, id)))


@strawberry.type
class MatchingMutation:
    @strawberry.mutation(extensions=requires(Permission.MATCHING_RUN), description="Run matching and store the proposal (background=true queues it for the matching job)")
    async def run_matching(self, info: Info, input: MatchingInput | None = None) -> MatchRunPayload:
        row, errors = await mutate(info, lambda s, a: service.create_run(s, a, _match_in(input or MatchingInput())))
        return MatchRunPayload(run=MatchRun.of(row) if row else None, errors=errors)

    @strawberry.mutation(extensions=requires(Permission.MATCHING_APPROVE),
                         description="Approve a large run's plan (org admins, or alliance admins where the alliance allows it; never the requester); "
                                     "planDigest, when given, must be the plan the approver saw")
    async def approve_matching_run(self, info: Info, id: uuid.UUID, plan_digest: str | None = None) -> MatchRunPayload:
        row, errors = await mutate(info, lambda s, a: service.approve(s, a, id, plan_digest))
        return MatchRunPayload(run=MatchRun.of(row) if row else None, errors=errors)

    @strawberry.mutation(extensions=requires(Permission.MATCHING_RUN),
                         description="Apply a run's plan atomically at the terms it was computed from (after two approvals when it is large)")
    async def apply_matching_run(self, info: Info, id: uuid.UUID) -> MatchRunPayload:
        row, errors = await mutate(info, lambda s, a: service.apply(s, a, id))
        return MatchRunPayload(run=MatchRun.of(row) if row else None, errors=errors)


QUERIES: tuple[type, ...] = (MatchingQuery,)
MUTATIONS: tuple[type, ...] = (MatchingMutation,)
