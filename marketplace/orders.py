"""Buyers' orders and their server-enforced lifecycle."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from capool import events, live
from capool.clock import ensure_utc, utcnow
from capool.currencies import check_currencies
from capool.errors import Conflict, InvalidInput, PermissionDenied
from capool.ids import parse_ids
from capool.pagination import Page, paginate
from capool.tenancy.actor import Actor, Permission
from capool.tenancy.policy import get_visible, get_writable
from marketplace import catalogue, repository
from marketplace import days as capacity_days
from marketplace.models import (
    ACTIVE_ALLOCATION,
    Allocation,
    AllocationStatus,
    CapacityOffer,
    Order,
    OrderStatus,
    OrderStatusChange,
    ProgressReport,
)
from marketplace.schemas import OrderIn

S = OrderStatus
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.MATCHING, S.ALLOCATED, S.CANCELLED}),
    S.MATCHING: frozenset({S.ALLOCATED, S.SUBMITTED, S.CANCELLED}),
    # Back to submitted when a factory declines and the order needs matching again.
    S.ALLOCATED: frozenset({S.CONFIRMED, S.SUBMITTED, S.CANCELLED}),
    # Back to allocated when a repair moves confirmed work off a withdrawn offer: the new
    # factory has yet to accept.
    S.CONFIRMED: frozenset({S.IN_PRODUCTION, S.ALLOCATED, S.CANCELLED, S.DISPUTED}),
    S.IN_PRODUCTION: frozenset({S.INSPECTED, S.DISPUTED}),
    S.INSPECTED: frozenset({S.DELIVERED, S.DISPUTED}),
    S.DELIVERED: frozenset({S.SETTLED, S.DISPUTED}),
    S.DISPUTED: frozenset({S.SETTLED, S.CANCELLED}),
    S.SETTLED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Moves a caller may ask for directly; the others follow from allocations and progress.
BUYER_MOVES = frozenset({S.SUBMITTED, S.CANCELLED, S.DELIVERED, S.DISPUTED})
# A factory never moves the order itself. The one exception is its QC pass, which it
# records on its own accepted allocation until automated inspection lands.
FACTORY_MOVES = frozenset({S.INSPECTED})


def buyer_moves(order: Order) -> list[OrderStatus]:
    """What the buyer may ask for next. An allocated order goes back to matching only when
    its allocations end (declined, released by a withdrawn offer, or the order cancelled):
    re-submitting it would leave active allocations on an order that is being matched again."""
    return [s for s in OrderStatus if s in BUYER_MOVES and s in TRANSITIONS[order.status] and not (order.status == S.ALLOCATED and s == S.SUBMITTED)]


def status_channel(order_id: uuid.UUID) -> str:
    """The live channel (capool/live.py) that announces the order's committed status changes."""
    return f"order-status:{order_id}"


def _record_change(session: AsyncSession, change: OrderStatusChange) -> None:
    """Every status change goes into the order's history, and is announced once committed."""
    session.add(change)
    live.publish_after_commit(session, status_channel(change.order_id), {
        "id": str(change.id), "order_id": str(change.order_id), "from": change.from_status.value if change.from_status else None,
        "to": change.to_status.value, "reason": change.reason, "occurred_at": change.occurred_at.isoformat()})


async def change_status(
    session: AsyncSession, actor: Actor, order: Order, to: OrderStatus, reason: str | None = None, at: datetime | None = None
) -> None:
    if to not in TRANSITIONS[order.status]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[order.status])) or "none: it is final"
        raise Conflict(
            f"order {order.reference} is {order.status.value} and cannot become {to.value} (allowed next: {allowed})",
            "illegal_transition",
        )
    occurred_at = at or utcnow()
    _record_change(session, OrderStatusChange(
        order_id=order.id, buyer_org_id=order.buyer_org_id, from_status=order.status, to_status=to,
        actor_user_id=actor.user_id, reason=reason, occurred_at=occurred_at,
    ))
    previous = order.status
    order.status = to
    order.version += 1
    if to == S.DELIVERED:
        order.delivered_at = occurred_at
    events.record(
        session,
        alliance_id=actor.alliance_id,
        organisation_id=order.buyer_org_id,
        type=f"order.{to.value}",
        aggregate_type="order",
        aggregate_id=order.id,
        payload={"order_id": str(order.id), "reference": order.reference, "from": previous.value, "to": to.value, "reason": reason},
        occurred_at=occurred_at,
    )


async def place_order(session: AsyncSession, actor: Actor, data: OrderIn, *, now: datetime | None = None) -> Order:
    actor.require(Permission.ORDERS_WRITE)
    due_at = ensure_utc(data.due_at)
    now = now or utcnow()
    if due_at <= now:
        raise InvalidInput.at("/due_at", "due_at must be in the future")
    await catalogue.check_processes(session, actor.alliance_id, {"/process": data.process})
    check_currencies({"/currency": data.currency})
    if await repository.order_by_reference(session, actor.organisation_id, data.reference):
        raise Conflict(f"an order with reference {data.reference!r} already exists", "duplicate_reference")
    order = Order(
        buyer_org_id=actor.organisation_id,
        reference=data.reference,
        product=data.product,
        process=data.process,
        material=data.material,
        operations=list(data.operations or [data.process]),
        certifications=sorted(set(data.certifications)),
        quantity=data.quantity,
        due_at=due_at,
        urgency=data.urgency,
        cost_sensitivity=data.cost_sensitivity,
        max_unit_price_minor=data.max_unit_price_minor,
        currency=data.currency,
        split_allowed=data.split_allowed,
        aql=data.aql,
        min_quality_score=data.min_quality_score,
        status=S.DRAFT,
        created_at=now,
    )
    session.add(order)
    await session.flush()
    _record_change(session, OrderStatusChange(
        order_id=order.id, buyer_org_id=order.buyer_org_id, from_status=None, to_status=S.DRAFT,
        actor_user_id=actor.user_id, reason=None, occurred_at=now,
    ))
    events.emit(session, actor, "order.created", "order", order.id, {"order_id": str(order.id), "reference": order.reference, "quantity": order.quantity, "process": order.process}, occurred_at=now)
    if data.submit:
        await change_status(session, actor, order, S.SUBMITTED, at=now)
    await session.flush()
    return order


async def get_order(session: AsyncSession, actor: Actor, order_id: uuid.UUID) -> Order:
    actor.require(Permission.ORDERS_READ)
    return await get_visible(session, actor, Order, order_id)


async def visible_orders(session: AsyncSession, actor: Actor, order_ids: list[uuid.UUID]) -> dict[uuid.UUID, Order]:
    """The orders among `order_ids` the actor may read; a factory's declined or released
    allocations point at orders it no longer sees, which are simply absent."""
    actor.require(Permission.ORDERS_READ)
    return await repository.visible_by_ids(session, actor, Order, list(dict.fromkeys(order_ids)))


async def order_references(session: AsyncSession, actor: Actor, order_ids: Iterable[uuid.UUID | str | None]) -> dict[str, str]:
    """Id (as text) -> reference of the orders among `order_ids` the actor may read, for pages
    that would otherwise show a bare id (ledger payloads, matching plans); ids that are not
    UUIDs, or orders the actor may not read, are simply absent."""
    if not actor.can(Permission.ORDERS_READ):
        return {}
    ids = parse_ids(order_ids)
    if not ids:
        return {}
    return {str(oid): order.reference for oid, order in (await visible_orders(session, actor, ids)).items()}


async def list_orders(
    session: AsyncSession, actor: Actor, *, status: str | None = None, process: str | None = None, cursor: str | None = None, limit: int = 50
) -> Page[Order]:
    actor.require(Permission.ORDERS_READ)
    if status is not None and status not in S._value2member_map_:
        raise InvalidInput.at("/status", f"unknown order status {status!r}")
    return await paginate(session, repository.orders_query(actor, status=status, process=process), Order.id, cursor, limit)


async def own_orders(session: AsyncSession, actor: Actor, *, cursor: str | None = None, limit: int = 50) -> Page[Order]:
    """The orders the actor's organisation placed, newest first (a buyer's "My orders"); an
    alliance admin, who may read every order, sees only its own here too."""
    actor.require(Permission.ORDERS_READ)
    statement = repository.orders_query(actor, buyer_org_id=actor.organisation_id)
    return await paginate(session, statement, Order.id, cursor, limit, newest_first=True)


async def release_allocations(session: AsyncSession, allocations: list[Allocation], to: AllocationStatus) -> None:
    """End active allocations: their offers' capacity and their resource-days are free again."""
    released = [a for a in allocations if a.status in ACTIVE_ALLOCATION]
    for allocation in released:
        await repository.release_capacity(session, allocation.offer_id, allocation.capacity_used)
        allocation.status = to
        allocation.responded_at = allocation.responded_at or utcnow()
    freed: dict[tuple[uuid.UUID, date], int] = defaultdict(int)
    for days in (await repository.allocation_days(session, [a.id for a in released])).values():
        for slot in days:
            freed[(slot.resource_id, slot.day)] += slot.use
    # The same order as booking (by resource, then day): no deadlock with a concurrent plan.
    for (resource_id, day), use in sorted(freed.items()):
        await repository.release_resource_day(session, resource_id, day, use)


async def reduce_allocation(session: AsyncSession, allocation: Allocation, quantity: int) -> None:
    """Keep only `quantity` units of an active allocation (what its factory has produced, when a
    repair moves the rest off a withdrawn offer) and release the capacity of the others; with
    nothing left, the allocation is cancelled."""
    if quantity <= 0:
        await release_allocations(session, [allocation], AllocationStatus.CANCELLED)
        return
    if allocation.lot_quantity > quantity:
        raise Conflict(f"allocation {allocation.id} has {allocation.lot_quantity} units in inspection lots; it cannot keep only {quantity}", "lots_exceed_quantity")
    offer = await session.get(CapacityOffer, allocation.offer_id)
    assert offer is not None
    kept = offer.capacity_for(quantity)
    await repository.release_capacity(session, allocation.offer_id, allocation.capacity_used - kept)
    allocation.quantity, allocation.capacity_used = quantity, kept
    # What is produced was made on the first days: keep those, free the later ones.
    slots = (await repository.allocation_days(session, [allocation.id]))[allocation.id]
    left, keep = kept, []
    for slot in slots:
        keep.append((slot, min(slot.use, left)))
        left -= keep[-1][1]
    kept_days = [(slot.day, use) for slot, use in keep if use > 0]
    pieces = {day: made for day, _, made in capacity_days.split_pieces(offer, quantity, kept_days)}
    freed: list[tuple[uuid.UUID, date, int]] = []
    for slot, use in keep:
        if use < slot.use:
            freed.append((slot.resource_id, slot.day, slot.use - use))
        if use == 0:
            await session.delete(slot)
        else:
            slot.use, slot.quantity = use, pieces[slot.day]
    for resource_id, day, use in sorted(freed):
        await repository.release_resource_day(session, resource_id, day, use)
    if kept_days:
        allocation.slot_end = datetime.combine(kept_days[-1][0], time.max, UTC)


async def transition(session: AsyncSession, actor: Actor, order_id: uuid.UUID, to: str, reason: str | None = None) -> Order:
    try:
        target = OrderStatus(to)
    except ValueError:
        raise InvalidInput.at("/to", f"unknown order status {to!r}") from None
    order = await get_visible(session, actor, Order, order_id, for_update=True)
    if order.buyer_org_id == actor.organisation_id:
        actor.require(Permission.ORDERS_WRITE)
        if target not in BUYER_MOVES:
            raise PermissionDenied(f"the buyer cannot move an order to {target.value} directly")
        if target == S.SUBMITTED and order.status == S.ALLOCATED:
            active = await repository.order_allocations(session, order.id, active_only=True)
            raise Conflict(
                f"order {order.reference} is allocated and cannot be submitted for matching again while it has active allocations "
                f"({', '.join(f'{a.id} ({a.status.value})' for a in active)}); they end when declined, or cancel the order",
                "active_allocations",
            )
    else:
        actor.require(Permission.PROGRESS_WRITE)
        mine = [a for a in await repository.order_allocations(session, order.id, active_only=True) if a.factory_org_id == actor.organisation_id]
        if target not in FACTORY_MOVES or not any(a.status == AllocationStatus.ACCEPTED for a in mine):
            raise PermissionDenied(f"a supplier cannot move an order to {target.value}; only its QC pass on an accepted allocation")
    await change_status(session, actor, order, target, reason)
    if target == S.CANCELLED:
        await release_allocations(session, await repository.order_allocations(session, order.id), AllocationStatus.CANCELLED)
    await session.flush()
    return order


async def update_draft(session: AsyncSession, actor: Actor, order_id: uuid.UUID, data: OrderIn) -> Order:
    actor.require(Permission.ORDERS_WRITE)
    order = await get_writable(session, actor, Order, order_id, for_update=True)
    if order.status != S.DRAFT:
        raise Conflict(f"order {order.reference} is {order.status.value}; only drafts can be edited", "illegal_transition")
    # A draft may keep a process retired since it was placed, but not take up a retired one.
    await catalogue.check_processes(session, actor.alliance_id, {"/process": data.process}, kept=[order.process])
    check_currencies({"/currency": data.currency})
    for field_name in ("product", "process", "material", "quantity", "urgency", "cost_sensitivity", "max_unit_price_minor", "currency", "split_allowed", "aql", "min_quality_score"):
        setattr(order, field_name, getattr(data, field_name))
    order.due_at = ensure_utc(data.due_at)
    order.operations = list(data.operations or [data.process])
    order.certifications = sorted(set(data.certifications))
    order.version += 1
    return order


@dataclass
class OperationProgress:
    operation: str
    confirmed: int
    required: int


@dataclass
class AllocationTrack:
    allocation: Allocation
    factory_name: str
    operations: list[OperationProgress]
    reports: list[ProgressReport]
    days: list[tuple[date, int]] = field(default_factory=list)
    """The planned production: (day, pieces) per booked day."""


@dataclass
class Tracking:
    order: Order
    history: list[OrderStatusChange]
    allocations: list[AllocationTrack]
    eta: datetime | None
    produced_fraction: float
    stage: str = field(default="")


async def track(session: AsyncSession, actor: Actor, order_id: uuid.UUID) -> Tracking:
    """'Where is my order': stage, factories, per-operation progress and ETA, from one place."""
    order = await get_order(session, actor, order_id)
    allocations = await repository.visible_allocations_of_order(session, actor, order.id)
    reports = await repository.progress_of_allocations(session, [a.id for a in allocations])
    names = await repository.organisation_names(session, {a.factory_org_id for a in allocations})
    slots = await repository.allocation_days(session, [a.id for a in allocations])
    tracks: list[AllocationTrack] = []
    required_total = confirmed_total = 0
    for allocation in allocations:
        own = [r for r in reports if r.allocation_id == allocation.id]
        operations = []
        for operation in order.operations:
            confirmed = sum(r.quantity for r in own if r.operation == operation and r.step.value == "confirm")
            operations.append(OperationProgress(operation, confirmed, allocation.quantity))
            if allocation.status in ACTIVE_ALLOCATION:
                required_total += allocation.quantity
                confirmed_total += min(confirmed, allocation.quantity)
        tracks.append(AllocationTrack(allocation, names.get(allocation.factory_org_id, ""), operations, own,
                                      [(slot.day, slot.quantity) for slot in slots.get(allocation.id, [])]))
    active = [a for a in allocations if a.status in ACTIVE_ALLOCATION]
    # An allocation's slot ends on its last booked day: the ETA is the last of them.
    eta = max((a.slot_end for a in active), default=None)
    return Tracking(
        order=order,
        history=await repository.status_history(session, actor, order.id),
        allocations=tracks,
        eta=eta,
        produced_fraction=(confirmed_total / required_total) if required_total else 0.0,
        stage=order.status.value,
    )
