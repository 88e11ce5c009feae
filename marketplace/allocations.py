"""Allocations: applying an allocation plan atomically, suppliers' answers, shop-floor progress."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from capool import events
from capool.clock import ensure_utc, utcnow
from capool.config import get_settings
from capool.errors import Conflict, FieldError, InvalidInput
from capool.ids import new_id
from capool.pagination import Page, paginate
from capool.tenancy.actor import Actor, Permission
from capool.tenancy.policy import get_visible, get_writable
from marketplace import days as capacity_days
from marketplace import repository
from marketplace.models import (
    Allocation,
    AllocationDay,
    AllocationStatus,
    CapacityOffer,
    OfferStatus,
    Order,
    OrderStatus,
    Partnership,
    ProgressReport,
    ProgressStep,
    Resource,
    Tier,
)
from marketplace.orders import change_status, release_allocations
from marketplace.schemas import PlanItem, ProgressIn

PLANNABLE = (OrderStatus.SUBMITTED, OrderStatus.MATCHING)
REPAIRABLE = (*PLANNABLE, OrderStatus.ALLOCATED, OrderStatus.CONFIRMED, OrderStatus.IN_PRODUCTION)


def _window_slot(offer: CapacityOffer, now: datetime) -> tuple[datetime, datetime]:
    """From the start of the first day the offer can produce on to the end of its window."""
    return day_start(capacity_days.earliest_day(offer, now.date())), day_end(offer.window_end)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def day_end(day: date) -> datetime:
    return datetime.combine(day, time.max, UTC)


@dataclass(frozen=True)
class PricedPlan:
    """A valid plan at the current terms: each item's unit price and offer digest, the plan's
    digest (what an approval signs and a run is bound to) and its value."""

    items: list[dict[str, Any]]
    digest: str
    value_minor: int

    @property
    def needs_approval(self) -> bool:
        return needs_approval(self.value_minor)

    def preview(self) -> dict[str, Any]:
        return {"plan": self.items, "plan_digest": self.digest, "value_minor": self.value_minor, "needs_approval": self.needs_approval}


class PlanStale(Conflict):
    """The plan was computed (or approved) at other prices or offer terms than hold now."""

    def __init__(self, bound_to: str, fresh: PricedPlan) -> None:
        super().__init__(
            f"the plan was computed at prices or offer terms that have changed (it is now worth {fresh.value_minor} minor units); "
            "nothing was applied. Review the fresh preview and make a new run or plan.",
            "plan_stale",
        )
        self.extra = {"bound_to": bound_to, "preview": fresh.preview()}


def approval_value_minor() -> int:
    """The value from which a plan needs two approvals, on every path that creates
    allocations (matching also asks for them when a repair moves much of an order)."""
    return get_settings().matching.approval_value_minor


def needs_approval(value_minor: int) -> bool:
    return value_minor >= approval_value_minor()


def offer_digest(offer: CapacityOffer) -> str:
    """The terms of an offer a plan relies on. `reserved` is left out on purpose: other plans
    change it all the time, and the conditional reservation re-checks it atomically."""
    terms = [str(offer.id), offer.status.value, offer.process, sorted(offer.materials), offer.window_start.isoformat(), offer.window_end.isoformat(),
             offer.capacity_unit.value, offer.capacity_per_day, offer.units_per_hour, offer.total_capacity, offer.unit_price_minor, offer.currency,
             offer.min_batch, offer.lead_time_days]
    return hashlib.sha256(json.dumps(terms, separators=(",", ":")).encode()).hexdigest()


def tier_and_price(buyer_org_id: uuid.UUID, offer: CapacityOffer, partnership: Partnership | None) -> tuple[Tier, int]:
    """What the buyer pays per unit on this offer: its own capacity and floating capacity at the
    offer's price, a partner's at the agreed price (when agreed in the offer's currency)."""
    if offer.organisation_id == buyer_org_id:
        return Tier.CORE, offer.unit_price_minor
    if partnership is None:
        return Tier.FLOATING, offer.unit_price_minor
    agreed = partnership.agreed_unit_price_minor if partnership.currency == offer.currency else None
    return Tier.PARTNER, agreed if agreed is not None else offer.unit_price_minor


def bound_item(order_id: uuid.UUID | str, offer_id: uuid.UUID | str, quantity: int, unit_price: int, digest: str,
               slot_start: datetime | None = None, slot_end: datetime | None = None, days: list[tuple[date, int]] | None = None) -> dict[str, Any]:
    item = {"order_id": str(order_id), "offer_id": str(offer_id), "quantity": quantity, "unit_price_minor": unit_price, "offer_digest": digest,
            "slot_start": slot_start.isoformat() if slot_start else None, "slot_end": slot_end.isoformat() if slot_end else None}
    if days:
        # The per-day slots are part of the plan: an approval signs the days it books.
        item["days"] = [[day.isoformat(), use] for day, use in days]
    return item


def plan_digest(items: list[dict[str, Any]]) -> str:
    """Digest of bound items (see bound_item), independent of their order."""
    keys = ("order_id", "offer_id", "quantity", "unit_price_minor", "offer_digest", "slot_start", "slot_end")
    rows = sorted([item.get(k) for k in keys] + ([item["days"]] if item.get("days") else []) for item in items)
    return hashlib.sha256(json.dumps(rows, separators=(",", ":")).encode()).hexdigest()


def _priced(items: list[dict[str, Any]]) -> PricedPlan:
    return PricedPlan(items, plan_digest(items), sum(i["quantity"] * i["unit_price_minor"] for i in items))


Planned = tuple[int, PlanItem, Order, CapacityOffer, datetime, datetime, Tier, int]


def _item_days(item: PlanItem) -> list[tuple[date, int]] | None:
    return [(d.day, d.use) for d in item.days] if item.days else None


def _check_days(errors: list[FieldError], prefix: str, item: PlanItem, offer: CapacityOffer, resource: Resource, slot_start: datetime, slot_end: datetime) -> None:
    """Given per-day slots must be days the offer sells (inside the slot, on the resource's
    calendar) and make exactly the item's quantity."""
    if not item.days:
        return
    days = [d.day for d in item.days]
    if len(set(days)) != len(days):
        errors.append(FieldError(f"{prefix}/days", "each day may appear once"))
    for n, day in enumerate(days):
        if not (slot_start.date() <= day <= slot_end.date()) or not resource.works_on(day):
            errors.append(FieldError(f"{prefix}/days/{n}", f"offer {offer.id} does not sell {day.isoformat()} (its days: {slot_start.date().isoformat()} "
                                                          f"to {slot_end.date().isoformat()}, weekdays {resource.working_weekdays})"))
    use = sum(d.use for d in item.days)
    if use != offer.capacity_for(item.quantity):
        errors.append(FieldError(f"{prefix}/days", f"the days use {use} {offer.capacity_unit.value}(s); {item.quantity} pieces need {offer.capacity_for(item.quantity)}"))


async def _check_plan(session: AsyncSession, actor: Actor, items: list[PlanItem], now: datetime, *, repair: bool = False) -> tuple[list[Planned], PricedPlan]:
    """Every check of a plan, with its orders and offers locked, priced at the current terms.
    A repair (`repair`) may also top up allocated, confirmed and in-production orders whose
    work it moved off a withdrawn offer, and split them (the withdrawal split them)."""
    actor.require(Permission.ALLOCATIONS_WRITE)
    errors: list[FieldError] = []
    orders: dict[uuid.UUID, Order] = {}
    offers: dict[uuid.UUID, CapacityOffer] = {}
    for item in items:
        if item.order_id not in orders:
            orders[item.order_id] = await get_writable(session, actor, Order, item.order_id, for_update=True)
    # Offers are locked (in a fixed order, by id, so that concurrent plans cannot deadlock):
    # a price change waits until this plan is applied at the price it was checked at.
    for offer_id in sorted({item.offer_id for item in items}):
        offers[offer_id] = await get_visible(session, actor, CapacityOffer, offer_id, for_update=True)
    per_order: dict[uuid.UUID, list[tuple[int, PlanItem]]] = defaultdict(list)
    for index, item in enumerate(items):
        per_order[item.order_id].append((index, item))

    planned: list[Planned] = []
    for order_id, order_items in per_order.items():
        order = orders[order_id]
        first = order_items[0][0]
        if order.status not in (REPAIRABLE if repair else PLANNABLE):
            raise Conflict(f"order {order.reference} is {order.status.value}; only submitted or matching orders can be allocated", "illegal_transition")
        existing = await repository.order_allocations(session, order.id, active_only=True)
        covered = sum(a.quantity for a in existing) + sum(item.quantity for _, item in order_items)
        if covered != order.quantity:
            errors.append(FieldError(f"/items/{first}/quantity", f"order {order.reference} needs {order.quantity - sum(a.quantity for a in existing)} more units; the plan gives {covered - sum(a.quantity for a in existing)}"))
        if not order.split_allowed and not repair and len(existing) + len(order_items) > 1:
            errors.append(FieldError(f"/items/{first}/order_id", f"order {order.reference} may not be split across offers"))
        for index, item in order_items:
            offer = offers[item.offer_id]
            prefix = f"/items/{index}"
            if offer.status != OfferStatus.ACTIVE:
                errors.append(FieldError(f"{prefix}/offer_id", f"offer {offer.id} is withdrawn"))
            if offer.process != order.process:
                errors.append(FieldError(f"{prefix}/offer_id", f"offer {offer.id} is for {offer.process}, the order needs {order.process}"))
            if order.material and order.material not in offer.materials:
                errors.append(FieldError(f"{prefix}/offer_id", f"offer {offer.id} does not handle material {order.material}"))
            if offer.currency != order.currency:
                errors.append(FieldError(f"{prefix}/offer_id", f"offer {offer.id} is priced in {offer.currency}, the order in {order.currency}"))
            if item.quantity < offer.min_batch:
                errors.append(FieldError(f"{prefix}/quantity", f"offer {offer.id} has a minimum batch of {offer.min_batch}"))
            window_start, window_end = _window_slot(offer, now)
            slot_start = ensure_utc(item.slot_start) if item.slot_start else window_start
            slot_end = ensure_utc(item.slot_end) if item.slot_end else window_end
            if slot_start < window_start or slot_end > window_end or slot_end <= slot_start:
                errors.append(FieldError(f"{prefix}/slot_start", f"the slot must lie inside the offer's window after its lead time ({window_start.isoformat()} to {window_end.isoformat()})"))
            else:
                resource = await session.get(Resource, offer.resource_id)
                assert resource is not None
                _check_days(errors, prefix, item, offer, resource, slot_start, slot_end)
            partnership = None if offer.organisation_id == order.buyer_org_id else await repository.active_partnership(session, order.buyer_org_id, offer.organisation_id)
            tier, unit_price = tier_and_price(order.buyer_org_id, offer, partnership)
            if order.max_unit_price_minor is not None and unit_price > order.max_unit_price_minor:
                errors.append(FieldError(f"{prefix}/offer_id", f"offer {offer.id} costs {unit_price} per unit, above the order's maximum {order.max_unit_price_minor}"))
            planned.append((index, item, order, offer, slot_start, slot_end, tier, unit_price))
    if errors:
        raise InvalidInput("the allocation plan is not valid; nothing was applied", errors)
    planned.sort(key=lambda p: p[0])
    bound = [bound_item(item.order_id, offer.id, item.quantity, price, offer_digest(offer), item.slot_start and ensure_utc(item.slot_start),
                        item.slot_end and ensure_utc(item.slot_end), _item_days(item)) for _, item, _, offer, _, _, _, price in planned]
    return planned, _priced(bound)


async def price_plan(session: AsyncSession, actor: Actor, items: list[PlanItem], *, now: datetime | None = None) -> PricedPlan:
    """Check a plan and price it at the current terms; nothing is reserved or created."""
    return (await _check_plan(session, actor, items, now or utcnow()))[1]


async def apply_plan(
    session: AsyncSession, actor: Actor, items: list[PlanItem], *, bound_to: str | None = None, approved: bool = False, now: datetime | None = None,
    repair: bool = False,
) -> list[Allocation]:
    """Apply a whole allocation plan or nothing: every check runs first, capacity is then
    reserved offer by offer with a conditional update, and any failure raises, which rolls
    back the caller's transaction.

    `bound_to` is the digest of the plan as computed or approved: when the current prices or
    offer terms give another digest, PlanStale carries the fresh preview. A plan worth the
    approval threshold or more is applied only with `approved` (the matching service sets it
    after two approvals of exactly this digest); every caller goes through this check.
    `repair`: the matching service's repair of work on a withdrawn offer (see _check_plan)."""
    now = now or utcnow()
    planned, priced = await _check_plan(session, actor, items, now, repair=repair)
    if bound_to is not None and bound_to != priced.digest:
        raise PlanStale(bound_to, priced)
    if priced.needs_approval and not approved:
        raise Conflict(
            f"the plan is worth {priced.value_minor} minor units and needs two approvals; POST it to /v1/allocation-plans, "
            "which stores it as a run awaiting approval, and apply that run after two approvals",
            "approval_required",
        )

    needed: dict[uuid.UUID, int] = defaultdict(int)
    offers = {offer.id: offer for _, _, _, offer, _, _, _, _ in planned}
    for _, item, _, offer, _, _, _, _ in planned:
        needed[offer.id] += offer.capacity_for(item.quantity)
    for offer_id in sorted(needed):
        if not await repository.reserve_capacity(session, offer_id, needed[offer_id]):
            offer = offers[offer_id]
            await session.refresh(offer)
            raise Conflict(
                f"offer {offer_id} has {offer.remaining} {offer.capacity_unit.value}(s) left; the plan needs {needed[offer_id]}. Nothing was applied.",
                "capacity_exhausted",
            )
    slots = await _book_days(session, planned, now)

    plan_id = new_id()
    created: list[Allocation] = []
    orders: dict[uuid.UUID, Order] = {}
    for index, item, order, offer, _, _, tier, unit_price in planned:
        orders[order.id] = order
        days = slots[index]
        allocation = Allocation(
            plan_id=plan_id,
            order_id=order.id,
            offer_id=offer.id,
            buyer_org_id=order.buyer_org_id,
            factory_org_id=offer.organisation_id,
            quantity=item.quantity,
            capacity_used=offer.capacity_for(item.quantity),
            # The allocation's slot is the days it really books, not the offer's window.
            slot_start=day_start(days[0][0]),
            slot_end=day_end(days[-1][0]),
            unit_price_minor=unit_price,
            currency=offer.currency,
            tier=tier,
            status=AllocationStatus.PROPOSED,
            explanation=item.explanation,
        )
        session.add(allocation)
        for day, use, pieces in capacity_days.split_pieces(offer, item.quantity, days):
            session.add(AllocationDay(allocation_id=allocation.id, offer_id=offer.id, resource_id=offer.resource_id, buyer_org_id=order.buyer_org_id,
                                      factory_org_id=offer.organisation_id, day=day, use=use, quantity=pieces))
        created.append(allocation)
    await session.flush()
    for allocation in created:
        events.emit(session, actor, "allocation.proposed", "allocation", allocation.id, _allocation_payload(allocation), occurred_at=now)
    for order in orders.values():
        # An in-production order stays in production; the new factory's work joins it.
        if order.status not in (OrderStatus.ALLOCATED, OrderStatus.IN_PRODUCTION):
            await change_status(session, actor, order, OrderStatus.ALLOCATED, at=now)
    await session.flush()
    return created


async def _lay_out(session: AsyncSession, planned: list[Planned], now: datetime) -> dict[int, list[tuple[date, int]]]:
    """The per-day slots of every item: the planned days where the plan carries them (a
    matching run's), else the offer's earliest free days inside the item's slot, earliest
    due order first. Items of one plan share the free days they see."""
    offers = {offer.id: offer for _, _, _, offer, _, _, _, _ in planned}
    resources = {r.id: r for r in [await session.get(Resource, o.resource_id) for o in offers.values()] if r is not None}
    free = await capacity_days.load_free_days(session, list(offers.values()), resources)
    slots: dict[int, list[tuple[date, int]]] = {}
    for index, item, _, offer, _, _, _, _ in planned:
        given = _item_days(item)
        if given:
            slots[index] = sorted(given)
            for day, use in given:
                free.take(offer.id, day, use)
    today = now.date()
    for index, item, order, offer, slot_start, slot_end, _, _ in sorted(planned, key=lambda p: (p[2].due_at, p[0])):
        if index in slots:
            continue
        use = offer.capacity_for(item.quantity)
        laid = free.lay_out(offer.id, use, today, slot_start.date(), slot_end.date())
        if laid is None:
            days = free.sellable(offer.id, today, slot_start.date(), slot_end.date())
            left = min(sum(free.free_on(offer.id, d) for d in days), free.remaining.get(offer.id, offer.remaining))
            resource = resources[offer.resource_id]
            error = Conflict(
                f"resource {resource.name!r} ({resource.id}) has {left} free {offer.capacity_unit.value}(s) for offer {offer.id} "
                f"from {slot_start.date().isoformat()} to {slot_end.date().isoformat()}; order {order.reference} needs {use}. Nothing was applied.",
                "capacity_exhausted",
            )
            error.extra = {"resource_id": str(resource.id), "from": slot_start.date().isoformat(), "to": slot_end.date().isoformat(), "free": left, "needed": use}
            raise error
        slots[index] = laid
    return slots


async def _book_days(session: AsyncSession, planned: list[Planned], now: datetime) -> dict[int, list[tuple[date, int]]]:
    """Lay the plan out and book every resource-day of it, one conditional UPDATE each, in a
    fixed order (by resource, then day) so that concurrent plans cannot deadlock. The
    database decides: a day that another plan filled meanwhile fails its UPDATE. Days the
    plan carries (a run's, as approved) are then refused with 409; days the marketplace laid
    out itself are given back and laid out again on what is free now."""
    laid_out_here = any(not item.days for _, item, _, _, _, _, _, _ in planned)
    for attempt in range(BOOKING_ATTEMPTS):
        slots = await _lay_out(session, planned, now)
        needed: dict[tuple[uuid.UUID, date], int] = defaultdict(int)
        for index, _, _, offer, _, _, _, _ in planned:
            for day, use in slots[index]:
                needed[(offer.resource_id, day)] += use
        booked: list[tuple[tuple[uuid.UUID, date], int]] = []
        for (resource_id, day), use in sorted(needed.items()):
            if await repository.book_resource_day(session, resource_id, day, use):
                booked.append(((resource_id, day), use))
                continue
            if not laid_out_here or attempt == BOOKING_ATTEMPTS - 1:
                raise await _day_full(session, resource_id, day, use)
            for (rid, d), u in reversed(booked):
                await repository.release_resource_day(session, rid, d, u)
            break
        else:
            return slots
    raise AssertionError("unreachable")


BOOKING_ATTEMPTS = 8


async def _day_full(session: AsyncSession, resource_id: uuid.UUID, day: date, use: int) -> Conflict:
    row = (await repository.resource_days(session, [resource_id], day, day)).get((resource_id, day))
    resource = await session.get(Resource, resource_id)
    left = row.capacity - row.booked if row is not None else 0
    error = Conflict(
        f"resource {resource.name if resource else resource_id!r} ({resource_id}) has {left} free on {day.isoformat()}; "
        f"the plan needs {use} that day. Nothing was applied.",
        "capacity_exhausted",
    )
    error.extra = {"resource_id": str(resource_id), "day": day.isoformat(), "free": left, "needed": use}
    return error


def _allocation_payload(allocation: Allocation) -> dict[str, object]:
    return {
        "allocation_id": str(allocation.id),
        "order_id": str(allocation.order_id),
        "offer_id": str(allocation.offer_id),
        "factory_org_id": str(allocation.factory_org_id),
        "quantity": allocation.quantity,
        "unit_price_minor": allocation.unit_price_minor,
        "currency": allocation.currency,
        "tier": allocation.tier.value,
        "status": allocation.status.value,
    }


async def respond(
    session: AsyncSession, actor: Actor, allocation_id: uuid.UUID, accept: bool, reason: str | None = None, *, now: datetime | None = None
) -> Allocation:
    """Accept or decline a proposed allocation; `now` dates the answer (the demo writes history)."""
    actor.require(Permission.ALLOCATIONS_RESPOND)
    allocation = await get_writable(session, actor, Allocation, allocation_id, column="factory_org_id", for_update=True)
    if allocation.status != AllocationStatus.PROPOSED:
        raise Conflict(f"allocation {allocation.id} is already {allocation.status.value}", "already_answered")
    order = await session.get(Order, allocation.order_id, with_for_update=True)
    assert order is not None
    if not accept:
        if not reason:
            raise InvalidInput.at("/reason", "a decline needs a reason")
        await release_allocations(session, [allocation], AllocationStatus.DECLINED)
        allocation.decline_reason = reason
        events.emit(session, actor, "allocation.declined", "allocation", allocation.id, _allocation_payload(allocation) | {"reason": reason})
        if order.status == OrderStatus.ALLOCATED:
            # The order's history is read by the factories matched next: the reason stays on
            # the allocation, which only the buyer (and the declining factory) reads.
            await change_status(session, actor, order, OrderStatus.SUBMITTED, reason=f"allocation {allocation.id} declined", at=now)
        return allocation
    now = now or utcnow()
    allocation.status = AllocationStatus.ACCEPTED
    allocation.responded_at = now
    events.emit(session, actor, "allocation.accepted", "allocation", allocation.id, _allocation_payload(allocation), occurred_at=now)
    active = await repository.order_allocations(session, order.id, active_only=True)
    fully_covered = sum(a.quantity for a in active) == order.quantity
    if order.status == OrderStatus.ALLOCATED and fully_covered and all(a.status == AllocationStatus.ACCEPTED for a in active):
        await change_status(session, actor, order, OrderStatus.CONFIRMED, at=now)
    await session.flush()
    return allocation


async def booked_days_of_offers(session: AsyncSession, actor: Actor, offer_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[AllocationDay]]:
    """What the active allocations book per day on the factory's own offers (its calendar)."""
    actor.require(Permission.CAPACITY_READ)
    return await repository.factory_booked_days(session, actor, offer_ids)


async def get_allocation(session: AsyncSession, actor: Actor, allocation_id: uuid.UUID) -> Allocation:
    actor.require(Permission.ORDERS_READ)
    return await get_visible(session, actor, Allocation, allocation_id)


async def list_allocations(
    session: AsyncSession,
    actor: Actor,
    *,
    order_id: uuid.UUID | None = None,
    offer_id: uuid.UUID | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Allocation]:
    actor.require(Permission.ORDERS_READ)
    if status is not None and status not in AllocationStatus._value2member_map_:
        raise InvalidInput.at("/status", f"unknown allocation status {status!r}")
    statement = repository.allocations_query(actor, order_id=order_id, offer_id=offer_id, status=status)
    return await paginate(session, statement, Allocation.id, cursor, limit)


async def incoming_allocations(
    session: AsyncSession, actor: Actor, *, awaiting_answer: bool | None = None, cursor: str | None = None, limit: int = 50
) -> Page[Allocation]:
    """Allocations the actor's factory produces, newest first: only the proposed ones it must
    answer (`awaiting_answer=True`), only the others (False), or all (None). The supplier's
    "Incoming" shows the first kind above the second."""
    actor.require(Permission.ORDERS_READ)
    statement = repository.allocations_query(actor, factory_org_id=actor.organisation_id)
    if awaiting_answer is not None:
        proposed = Allocation.status == AllocationStatus.PROPOSED
        statement = statement.where(proposed if awaiting_answer else ~proposed)
    return await paginate(session, statement, Allocation.id, cursor, limit, newest_first=True)


async def own_order_allocations(session: AsyncSession, actor: Actor, *, cursor: str | None = None, limit: int = 50) -> Page[Allocation]:
    """Allocations of the orders the actor's organisation placed, newest first (a buyer's
    "Allocations" page)."""
    actor.require(Permission.ORDERS_READ)
    statement = repository.allocations_query(actor, buyer_org_id=actor.organisation_id)
    return await paginate(session, statement, Allocation.id, cursor, limit, newest_first=True)


NEXT_STEP = {None: ProgressStep.SCAN, ProgressStep.SCAN: ProgressStep.DONE, ProgressStep.DONE: ProgressStep.CONFIRM, ProgressStep.CONFIRM: ProgressStep.SCAN}


async def report_progress(session: AsyncSession, actor: Actor, allocation_id: uuid.UUID, data: ProgressIn) -> ProgressReport:
    """Shop-floor reporting, per operation: scan -> done -> confirm for each batch."""
    actor.require(Permission.PROGRESS_WRITE)
    allocation = await get_writable(session, actor, Allocation, allocation_id, column="factory_org_id", for_update=True)
    if allocation.status != AllocationStatus.ACCEPTED:
        raise Conflict(f"allocation {allocation.id} is {allocation.status.value}; progress needs an accepted allocation", "not_accepted")
    order = await session.get(Order, allocation.order_id, with_for_update=True)
    assert order is not None
    if order.status not in (OrderStatus.CONFIRMED, OrderStatus.IN_PRODUCTION):
        raise Conflict(f"order {order.reference} is {order.status.value}; progress is reported while it is confirmed or in production", "illegal_transition")
    if data.operation not in order.operations:
        raise InvalidInput.at("/operation", f"order {order.reference} has operations {', '.join(order.operations)}")
    if data.resource_id is not None:
        await get_writable(session, actor, Resource, data.resource_id)
    last = await repository.last_progress(session, allocation.id, data.operation)
    expected = NEXT_STEP[last.step if last else None]
    if data.step != expected:
        raise Conflict(f"operation {data.operation} expects '{expected.value}' next, not '{data.step.value}'", "out_of_sequence")
    if data.step == ProgressStep.SCAN:
        confirmed = await repository.confirmed_quantity(session, allocation.id, data.operation)
        if confirmed + data.quantity > allocation.quantity:
            raise InvalidInput.at("/quantity", f"only {allocation.quantity - confirmed} units of {data.operation} remain on this allocation")
    elif last is not None and data.quantity != last.quantity:
        raise InvalidInput.at("/quantity", f"this batch was scanned with {last.quantity} units")
    occurred_at = ensure_utc(data.occurred_at) if data.occurred_at else utcnow()
    report = ProgressReport(
        allocation_id=allocation.id,
        order_id=order.id,
        buyer_org_id=allocation.buyer_org_id,
        factory_org_id=allocation.factory_org_id,
        operation=data.operation,
        step=data.step,
        quantity=data.quantity,
        operator=data.operator,
        resource_id=data.resource_id,
        occurred_at=occurred_at,
    )
    session.add(report)
    await session.flush()
    events.emit(session, actor, "progress.reported", "order", order.id, {
        "order_id": str(order.id), "allocation_id": str(allocation.id), "operation": data.operation,
        "step": data.step.value, "quantity": data.quantity, "operator": data.operator,
    }, occurred_at=occurred_at)
    if order.status == OrderStatus.CONFIRMED:
        await change_status(session, actor, order, OrderStatus.IN_PRODUCTION, at=occurred_at)
    if data.step == ProgressStep.CONFIRM and await _order_produced(session, order):
        events.emit(session, actor, "order.produced", "order", order.id, {"order_id": str(order.id), "reference": order.reference}, occurred_at=occurred_at)
    return report


async def _order_produced(session: AsyncSession, order: Order) -> bool:
    for allocation in await repository.order_allocations(session, order.id, active_only=True):
        for operation in order.operations:
            if await repository.confirmed_quantity(session, allocation.id, operation) < allocation.quantity:
                return False
    return True


async def list_progress(
    session: AsyncSession, actor: Actor, *, order_id: uuid.UUID | None = None, allocation_id: uuid.UUID | None = None, cursor: str | None = None, limit: int = 50
) -> Page[ProgressReport]:
    actor.require(Permission.ORDERS_READ)
    return await paginate(session, repository.progress_query(actor, order_id=order_id, allocation_id=allocation_id), ProgressReport.id, cursor, limit)


def offers_named_in(explanations: Iterable[dict[str, Any] | None]) -> list[str]:
    """The offer ids the matching engine's coded statements name (the `offer` and `offers`
    values of `binding_codes`), so that a page can name them."""
    ids: list[str] = []
    for ex in explanations:
        for item in (ex or {}).get("binding_codes") or []:
            params = item.get("params") or {}
            ids += [str(o) for o in ([params["offer"]] if params.get("offer") else []) + list(params.get("offers") or [])]
    return ids
