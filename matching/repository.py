"""All SQL of matching. Reads of tenant rows go through capool.tenancy.policy."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from capool.tenancy.actor import Actor
from capool.tenancy.models import Alliance, Organisation, Role, User
from capool.tenancy.policy import scoped
from marketplace.models import Allocation, AllocationStatus, CapacityOffer, OfferStatus, Order, OrderStatus, Partnership, ProgressReport, ProgressStep, Resource
from matching.models import MatchApproval, MatchRun

ACTIVE = (AllocationStatus.PROPOSED, AllocationStatus.ACCEPTED)


async def open_orders(session: AsyncSession, actor: Actor, statuses: Sequence[OrderStatus], order_ids: Sequence[uuid.UUID] | None) -> list[Order]:
    """The caller's own orders (as buyer) in the given statuses."""
    statement = scoped(select(Order), actor, Order).where(Order.buyer_org_id == actor.organisation_id, Order.status.in_(statuses))
    if order_ids is not None:
        statement = statement.where(Order.id.in_(order_ids))
    return list((await session.execute(statement.order_by(Order.id))).scalars())


async def own_orders_by_id(session: AsyncSession, actor: Actor, order_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Order]:
    statement = scoped(select(Order), actor, Order).where(Order.buyer_org_id == actor.organisation_id, Order.id.in_(order_ids))
    return {o.id: o for o in (await session.execute(statement)).scalars()}


async def covered_quantities(session: AsyncSession, order_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Quantity of each order already on active allocations (the caller owns the orders)."""
    if not order_ids:
        return {}
    statement = (
        select(Allocation.order_id, func.sum(Allocation.quantity))
        .where(Allocation.order_id.in_(order_ids), Allocation.status.in_(ACTIVE))
        .group_by(Allocation.order_id)
    )
    return {row[0]: int(row[1]) for row in (await session.execute(statement)).all()}


async def visible_offers(session: AsyncSession, actor: Actor, today: date, exclude: Sequence[uuid.UUID] = ()) -> list[tuple[CapacityOffer, Resource]]:
    statement = (
        scoped(select(CapacityOffer, Resource), actor, CapacityOffer)
        .join(Resource, Resource.id == CapacityOffer.resource_id)
        .where(CapacityOffer.status == OfferStatus.ACTIVE, CapacityOffer.window_end >= today, CapacityOffer.reserved < CapacityOffer.total_capacity)
    )
    if exclude:
        statement = statement.where(CapacityOffer.id.not_in(exclude))
    return [(o, r) for o, r in (await session.execute(statement.order_by(CapacityOffer.id))).all()]


async def own_booked_capacity(session: AsyncSession, actor: Actor) -> dict[uuid.UUID, int]:
    """Capacity the caller (as buyer) holds on each offer through active allocations."""
    statement = (
        scoped(select(Allocation.offer_id, func.sum(Allocation.capacity_used)), actor, Allocation)
        .where(Allocation.buyer_org_id == actor.organisation_id, Allocation.status.in_(ACTIVE))
        .group_by(Allocation.offer_id)
    )
    return {row[0]: int(row[1]) for row in (await session.execute(statement)).all()}


async def others_reserved(session: AsyncSession, actor: Actor, offer_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """System read, aggregated so that no other buyer is named: per offer, the capacity
    other buyers' partner reservations still hold on it (their reserved share of the
    published capacity, less what they already booked there)."""
    if not offer_ids:
        return {}
    reservations = (
        select(CapacityOffer.id, CapacityOffer.total_capacity, Partnership.buyer_org_id, Partnership.reserved_share_pct)
        .join(Partnership, Partnership.factory_org_id == CapacityOffer.organisation_id)
        .where(CapacityOffer.id.in_(offer_ids), Partnership.active.is_(True), Partnership.reserved_share_pct > 0,
               Partnership.buyer_org_id != actor.organisation_id)
    )
    rows = (await session.execute(reservations)).all()
    if not rows:
        return {}
    booked_rows = (
        select(Allocation.offer_id, Allocation.buyer_org_id, func.sum(Allocation.capacity_used))
        .where(Allocation.offer_id.in_({r[0] for r in rows}), Allocation.buyer_org_id.in_({r[2] for r in rows}), Allocation.status.in_(ACTIVE))
        .group_by(Allocation.offer_id, Allocation.buyer_org_id)
    )
    booked = {(r[0], r[1]): int(r[2]) for r in (await session.execute(booked_rows)).all()}
    held: dict[uuid.UUID, int] = {}
    for offer_id, total, buyer, pct in rows:
        held[offer_id] = held.get(offer_id, 0) + max(0, total * pct // 100 - booked.get((offer_id, buyer), 0))
    return held


async def own_partnerships(session: AsyncSession, actor: Actor) -> list[Partnership]:
    statement = scoped(select(Partnership), actor, Partnership).where(Partnership.buyer_org_id == actor.organisation_id, Partnership.active.is_(True))
    return list((await session.execute(statement)).scalars())


async def approvals(session: AsyncSession, actor: Actor, run_id: uuid.UUID) -> list[MatchApproval]:
    statement = scoped(select(MatchApproval), actor, MatchApproval).where(MatchApproval.run_id == run_id).order_by(MatchApproval.created_at)
    return list((await session.execute(statement)).scalars())


async def admins_approve_runs(session: AsyncSession, alliance_id: uuid.UUID) -> bool:
    return bool((await session.execute(select(Alliance.admins_approve_runs).where(Alliance.id == alliance_id))).scalar_one_or_none())


def runs_query(actor: Actor) -> Any:
    return scoped(select(MatchRun), actor, MatchRun)


def run_touches_order(run: MatchRun, order_id: uuid.UUID) -> bool:
    ids = (run.request or {}).get("order_ids") or []
    return str(order_id) in ids or any(item.get("order_id") == str(order_id) for item in run.plan or [])


async def latest_run_for_order(session: AsyncSession, actor: Actor, order_id: uuid.UUID) -> MatchRun | None:
    """The newest run visible to the actor that asked for or planned this order. The JSON is
    searched as text for the id (a UUID string matches nothing else), newest first, and the
    hit is confirmed on the parsed request and plan."""
    needle = str(order_id)
    statement = runs_query(actor).where(or_(cast(MatchRun.request, Text).contains(needle), cast(MatchRun.plan, Text).contains(needle)))
    for run in (await session.execute(statement.order_by(MatchRun.id.desc()).limit(20))).scalars():
        if run_touches_order(run, order_id):
            return run
    return None


async def allocations_by_id(session: AsyncSession, ids: Sequence[uuid.UUID], *, lock: bool = True) -> list[Allocation]:
    """System read for repairs, which act for each affected buyer in turn (locked for a write;
    a repair's solve reads without locks)."""
    if not ids:
        return []
    statement = select(Allocation).where(Allocation.id.in_(ids)).order_by(Allocation.id)
    return list((await session.execute(statement.with_for_update() if lock else statement)).scalars())


async def produced_quantities(session: AsyncSession, allocations: Sequence[Allocation], operations: dict[uuid.UUID, Sequence[str]]) -> dict[uuid.UUID, int]:
    """Units of each allocation that are produced: confirmed (the last step of the shop-floor
    scan -> done -> confirm) in every operation of its order (`operations`: order id -> them)."""
    if not allocations:
        return {}
    statement = (
        select(ProgressReport.allocation_id, ProgressReport.operation, func.sum(ProgressReport.quantity))
        .where(ProgressReport.allocation_id.in_([a.id for a in allocations]), ProgressReport.step == ProgressStep.CONFIRM)
        .group_by(ProgressReport.allocation_id, ProgressReport.operation)
    )
    confirmed = {(row[0], row[1]): int(row[2]) for row in (await session.execute(statement)).all()}
    return {a.id: min((min(confirmed.get((a.id, op), 0), a.quantity) for op in operations[a.order_id]), default=0) for a in allocations}


async def acting_user(session: AsyncSession, organisation_id: uuid.UUID, user_id: uuid.UUID | None = None) -> tuple[User, Organisation, Alliance] | None:
    """The user a job acts as: the given one, or the organisation's first active buyer or admin."""
    statement = (
        select(User, Organisation, Alliance)
        .join(Organisation, Organisation.id == User.organisation_id)
        .join(Alliance, Alliance.id == Organisation.alliance_id)
        .where(User.organisation_id == organisation_id, User.active.is_(True))
    )
    if user_id is not None:
        statement = statement.where(User.id == user_id)
    else:
        statement = statement.where(User.role.in_((Role.BUYER, Role.ORG_ADMIN))).order_by(User.created_at, User.id)
    row = (await session.execute(statement.limit(1))).first()
    return (row[0], row[1], row[2]) if row else None
