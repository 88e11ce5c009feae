"""Buyer API: orders, their lifecycle, allocation plans and 'where is my order'; supplier
answers and shop-floor progress."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import requires
from api.rest.capacity import Cursor, Limit
from api.rest.matching import MatchRunOut, run_out
from api.rest.schemas import (
    AllocationOut,
    AllocationTrackOut,
    OperationOut,
    OrderOut,
    PageOut,
    PlannedDayOut,
    ProgressOut,
    StatusChangeOut,
    TrackingOut,
    out,
    page_out,
)
from capool.tenancy.actor import Actor, Permission
from marketplace import allocations, orders
from marketplace.schemas import OrderIn, PlanIn, ProgressIn, ResponseIn, TransitionIn
from matching import service as matching_service
from matching.models import MatchRun


class OrderController(Controller):
    path = "/v1/orders"
    tags = ["orders"]

    @post("/", **requires(Permission.ORDERS_WRITE), status_code=201, summary="Place an order (submitted unless submit=false)")
    async def place(self, data: JSONBody[OrderIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> OrderOut:
        return out(OrderOut, await orders.place_order(db_session, actor, data))

    @get("/", **requires(Permission.ORDERS_READ), summary="Orders the caller may read")
    async def list(
        self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], status: FromQuery[str | None] = None, process: FromQuery[str | None] = None, cursor: Annotated[str | None, Cursor] = None, limit: Annotated[int, Limit] = 50
    ) -> PageOut[OrderOut]:
        return page_out(OrderOut, await orders.list_orders(db_session, actor, status=status, process=process, cursor=cursor, limit=limit))

    @get("/{order_id:uuid}", **requires(Permission.ORDERS_READ), summary="Read one order")
    async def read(self, order_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> OrderOut:
        return out(OrderOut, await orders.get_order(db_session, actor, order_id))

    @put("/{order_id:uuid}", **requires(Permission.ORDERS_WRITE), summary="Edit a draft order")
    async def edit(self, order_id: FromPath[uuid.UUID], data: JSONBody[OrderIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> OrderOut:
        return out(OrderOut, await orders.update_draft(db_session, actor, order_id, data))

    @post("/{order_id:uuid}/transitions", **requires(Permission.ORDERS_WRITE, Permission.PROGRESS_WRITE), status_code=200, summary="Move an order along its lifecycle")
    async def transition(self, order_id: FromPath[uuid.UUID], data: JSONBody[TransitionIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> OrderOut:
        return out(OrderOut, await orders.transition(db_session, actor, order_id, data.to, data.reason))

    @get("/{order_id:uuid}/tracking", **requires(Permission.ORDERS_READ), summary="Where is my order: stage, ETA, factories, progress")
    async def tracking(self, order_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> TrackingOut:
        tracked = await orders.track(db_session, actor, order_id)
        return TrackingOut(
            order=out(OrderOut, tracked.order),
            stage=tracked.stage,
            eta=tracked.eta,
            produced_fraction=round(tracked.produced_fraction, 4),
            history=[out(StatusChangeOut, h) for h in tracked.history],
            allocations=[
                AllocationTrackOut(
                    allocation=out(AllocationOut, t.allocation),
                    factory_name=t.factory_name,
                    operations=[OperationOut(o.operation, o.confirmed, o.required) for o in t.operations],
                    reports=[out(ProgressOut, r) for r in t.reports],
                    days=[PlannedDayOut(d, q) for d, q in t.days],
                )
                for t in tracked.allocations
            ],
        )


class AllocationController(Controller):
    path = "/v1"
    tags = ["allocations"]

    @post("/allocation-plans", **requires(Permission.ALLOCATIONS_WRITE), status_code=201,
          responses={202: ResponseSpec(MatchRunOut, description="The plan needs two approvals: stored as a run (trigger manual) awaiting them; nothing applied")},
          summary="Apply an allocation plan atomically (201, the allocations); a plan at or above the approval threshold is stored as a run awaiting two approvals (202, the run)")
    async def apply_plan(self, data: JSONBody[PlanIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> Response[list[AllocationOut] | MatchRunOut]:
        outcome = await matching_service.submit_plan(db_session, actor, data.items)
        if isinstance(outcome, MatchRun):
            return Response(await run_out(db_session, actor, outcome), status_code=202)
        return Response([out(AllocationOut, a) for a in outcome], status_code=201)

    @get("/allocations", **requires(Permission.ORDERS_READ), summary="Allocations the caller is party to")
    async def list(
        self,
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        order_id: FromQuery[uuid.UUID | None] = None,
        offer_id: FromQuery[uuid.UUID | None] = None,
        status: FromQuery[str | None] = None,
        cursor: Annotated[str | None, Cursor] = None,
        limit: Annotated[int, Limit] = 50,
    ) -> PageOut[AllocationOut]:
        page = await allocations.list_allocations(db_session, actor, order_id=order_id, offer_id=offer_id, status=status, cursor=cursor, limit=limit)
        return page_out(AllocationOut, page)

    @get("/allocations/{allocation_id:uuid}", **requires(Permission.ORDERS_READ), summary="Read one allocation")
    async def read(self, allocation_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> AllocationOut:
        return out(AllocationOut, await allocations.get_allocation(db_session, actor, allocation_id))

    @post("/allocations/{allocation_id:uuid}/response", **requires(Permission.ALLOCATIONS_RESPOND), status_code=200, summary="Supplier accepts or declines")
    async def respond(self, allocation_id: FromPath[uuid.UUID], data: JSONBody[ResponseIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> AllocationOut:
        return out(AllocationOut, await allocations.respond(db_session, actor, allocation_id, data.accept, data.reason))

    @post("/allocations/{allocation_id:uuid}/progress", **requires(Permission.PROGRESS_WRITE), status_code=201, summary="Report scan / done / confirm for an operation")
    async def report(self, allocation_id: FromPath[uuid.UUID], data: JSONBody[ProgressIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ProgressOut:
        return out(ProgressOut, await allocations.report_progress(db_session, actor, allocation_id, data))

    @get("/progress", **requires(Permission.ORDERS_READ), summary="Progress reports the caller may read")
    async def progress(
        self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], order_id: FromQuery[uuid.UUID | None] = None, allocation_id: FromQuery[uuid.UUID | None] = None, cursor: Annotated[str | None, Cursor] = None, limit: Annotated[int, Limit] = 50
    ) -> PageOut[ProgressOut]:
        return page_out(ProgressOut, await allocations.list_progress(db_session, actor, order_id=order_id, allocation_id=allocation_id, cursor=cursor, limit=limit))
