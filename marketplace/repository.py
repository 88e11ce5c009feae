"""All SQL of the marketplace. Reads of tenant rows go through capool.tenancy.policy."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from capool.tenancy.actor import Actor
from capool.tenancy.models import Organisation
from capool.tenancy.policy import org_members_clause, read_clause, scoped
from marketplace.models import (
    ACTIVE_ALLOCATION,
    Allocation,
    AllocationDay,
    CapacityOffer,
    OfferStatus,
    Order,
    OrderStatusChange,
    Partnership,
    ProcessCode,
    ProgressReport,
    Resource,
    ResourceDay,
    Site,
)


def process_codes_query(alliance_id: uuid.UUID, *, include_retired: bool = False) -> Select[Any]:
    """The alliance's catalogue, by code. The catalogue is the alliance's: filtered by the
    actor's alliance id, never by a member's."""
    statement = select(ProcessCode).where(ProcessCode.alliance_id == alliance_id)
    if not include_retired:
        statement = statement.where(ProcessCode.retired_at.is_(None))
    return statement.order_by(ProcessCode.code)


async def process_codes(session: AsyncSession, alliance_id: uuid.UUID, codes: Iterable[str]) -> dict[str, ProcessCode]:
    """The catalogue rows of `codes` in the alliance (retired ones included), by code."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    statement = select(ProcessCode).where(ProcessCode.alliance_id == alliance_id, ProcessCode.code.in_(wanted))
    return {row.code: row for row in (await session.execute(statement)).scalars()}


async def process_code_of_alliance(session: AsyncSession, alliance_id: uuid.UUID, process_id: uuid.UUID, *, for_update: bool = False) -> ProcessCode | None:
    statement = select(ProcessCode).where(ProcessCode.id == process_id, ProcessCode.alliance_id == alliance_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


def sites_query(actor: Actor) -> Select[Any]:
    return scoped(select(Site), actor, Site)


def resources_query(actor: Actor, site_id: uuid.UUID | None = None) -> Select[Any]:
    statement = scoped(select(Resource), actor, Resource)
    if site_id:
        statement = statement.where(Resource.site_id == site_id)
    return statement


def offers_query(
    actor: Actor,
    *,
    process: str | None = None,
    organisation_id: uuid.UUID | None = None,
    status: OfferStatus | None = None,
    available_on: date | None = None,
    min_remaining: int | None = None,
) -> Select[Any]:
    statement = scoped(select(CapacityOffer), actor, CapacityOffer)
    if process:
        statement = statement.where(CapacityOffer.process == process)
    if organisation_id:
        statement = statement.where(CapacityOffer.organisation_id == organisation_id)
    if status:
        statement = statement.where(CapacityOffer.status == status)
    if available_on:
        statement = statement.where(CapacityOffer.window_start <= available_on, CapacityOffer.window_end >= available_on)
    if min_remaining is not None:
        statement = statement.where(CapacityOffer.total_capacity - CapacityOffer.reserved >= min_remaining)
    return statement


async def reserve_capacity(session: AsyncSession, offer_id: uuid.UUID, amount: int) -> bool:
    """Atomically add `amount` to an active offer's reservation if it still fits.

    A single conditional UPDATE: PostgreSQL locks the row, so concurrent reservations are
    serialised and none can push `reserved` past `total_capacity` (a CHECK constraint
    backs this up)."""
    result = await session.execute(
        update(CapacityOffer)
        .where(
            CapacityOffer.id == offer_id,
            CapacityOffer.status == OfferStatus.ACTIVE,
            CapacityOffer.reserved + amount <= CapacityOffer.total_capacity,
        )
        .values(reserved=CapacityOffer.reserved + amount, version=CapacityOffer.version + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def release_capacity(session: AsyncSession, offer_id: uuid.UUID, amount: int) -> None:
    await session.execute(
        update(CapacityOffer)
        .where(CapacityOffer.id == offer_id)
        .values(reserved=CapacityOffer.reserved - amount, version=CapacityOffer.version + 1)
        .execution_options(synchronize_session=False)
    )


async def active_offers_of_resource(session: AsyncSession, resource_id: uuid.UUID) -> list[CapacityOffer]:
    statement = select(CapacityOffer).where(CapacityOffer.resource_id == resource_id, CapacityOffer.status == OfferStatus.ACTIVE)
    return list((await session.execute(statement.order_by(CapacityOffer.id))).scalars())


async def resource_days(session: AsyncSession, resource_ids: Iterable[uuid.UUID], start: date, end: date) -> dict[tuple[uuid.UUID, date], ResourceDay]:
    """The days of these resources between start and end (inclusive), by (resource, day)."""
    ids = sorted(set(resource_ids))
    if not ids:
        return {}
    statement = (
        select(ResourceDay)
        .where(ResourceDay.resource_id.in_(ids), ResourceDay.day >= start, ResourceDay.day <= end)
        .execution_options(populate_existing=True)
    )
    return {(row.resource_id, row.day): row for row in (await session.execute(statement)).scalars()}


async def add_resource_days(session: AsyncSession, organisation_id: uuid.UUID, resource_id: uuid.UUID, capacity: dict[date, int]) -> None:
    """Make sure the resource sells at least `capacity` on each day (an overlapping offer of
    the same resource shares its days: the day's capacity is the largest daily rate of its
    offers). The caller holds the resource's row lock, so two offers published at once on
    one resource do not both insert a day."""
    if not capacity:
        return
    existing = await resource_days(session, [resource_id], min(capacity), max(capacity))
    for day, amount in sorted(capacity.items()):
        row = existing.get((resource_id, day))
        if row is None:
            session.add(ResourceDay(organisation_id=organisation_id, resource_id=resource_id, day=day, capacity=amount, booked=0))
        elif row.capacity < amount:
            await session.execute(
                update(ResourceDay).where(ResourceDay.id == row.id, ResourceDay.capacity < amount).values(capacity=amount)
                .execution_options(synchronize_session=False)
            )
    await session.flush()


async def set_resource_day_capacity(session: AsyncSession, resource_id: uuid.UUID, day: date, capacity: int) -> bool:
    """Set a day's capacity unless it would fall below what is already booked that day."""
    result = await session.execute(
        update(ResourceDay)
        .where(ResourceDay.resource_id == resource_id, ResourceDay.day == day, ResourceDay.booked <= capacity)
        .values(capacity=capacity)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def book_resource_day(session: AsyncSession, resource_id: uuid.UUID, day: date, use: int) -> bool:
    """Book `use` capacity units of a resource's day if they still fit.

    The rule "a resource is never booked past its capacity on any day" lives here, in one
    conditional UPDATE (backed by the CHECK booked_within_capacity): PostgreSQL locks the
    day's row, so concurrent plans on the same day, also through different offers of the
    resource, are serialised and the rowcount tells which of them still fit. Callers book
    their days in a fixed order (by resource, then day) so that concurrent plans cannot
    deadlock."""
    result = await session.execute(
        update(ResourceDay)
        .where(ResourceDay.resource_id == resource_id, ResourceDay.day == day, ResourceDay.booked + use <= ResourceDay.capacity)
        .values(booked=ResourceDay.booked + use)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def release_resource_day(session: AsyncSession, resource_id: uuid.UUID, day: date, use: int) -> None:
    await session.execute(
        update(ResourceDay)
        .where(ResourceDay.resource_id == resource_id, ResourceDay.day == day)
        .values(booked=ResourceDay.booked - use)
        .execution_options(synchronize_session=False)
    )


async def allocation_days(session: AsyncSession, allocation_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[AllocationDay]]:
    """The per-day slots of these allocations, by allocation, in day order."""
    ids = list(set(allocation_ids))
    out: dict[uuid.UUID, list[AllocationDay]] = {i: [] for i in ids}
    if not ids:
        return out
    statement = select(AllocationDay).where(AllocationDay.allocation_id.in_(ids)).order_by(AllocationDay.allocation_id, AllocationDay.day)
    for row in (await session.execute(statement)).scalars():
        out[row.allocation_id].append(row)
    return out


async def booked_by_offer_day(session: AsyncSession, offer_ids: Iterable[uuid.UUID], start: date, end: date) -> dict[tuple[uuid.UUID, date], int]:
    """Capacity units each offer's active allocations book per day (an offer never sells more
    than its own daily rate on a day, even when its resource has more)."""
    ids = sorted(set(offer_ids))
    if not ids:
        return {}
    statement = (
        select(AllocationDay.offer_id, AllocationDay.day, func.sum(AllocationDay.use))
        .join(Allocation, Allocation.id == AllocationDay.allocation_id)
        .where(AllocationDay.offer_id.in_(ids), AllocationDay.day >= start, AllocationDay.day <= end, Allocation.status.in_(ACTIVE_ALLOCATION))
        .group_by(AllocationDay.offer_id, AllocationDay.day)
    )
    return {(offer_id, day): int(total) for offer_id, day, total in await session.execute(statement)}


async def factory_booked_days(session: AsyncSession, actor: Actor, offer_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[AllocationDay]]:
    """The per-day slots of the active allocations on these offers of the actor's factory."""
    ids = sorted(set(offer_ids))
    out: dict[uuid.UUID, list[AllocationDay]] = {}
    if not ids:
        return out
    statement = (
        scoped(select(AllocationDay), actor, AllocationDay)
        .join(Allocation, Allocation.id == AllocationDay.allocation_id)
        .where(AllocationDay.offer_id.in_(ids), AllocationDay.factory_org_id == actor.organisation_id, Allocation.status.in_(ACTIVE_ALLOCATION))
        .order_by(AllocationDay.allocation_id, AllocationDay.day)
    )
    for row in (await session.execute(statement)).scalars():
        out.setdefault(row.allocation_id, []).append(row)
    return out


@dataclass(frozen=True)
class OverbookedDay:
    """A resource-day that breaks the capacity invariant: booked past its capacity, or a
    booked total that disagrees with the active allocations' slots on that day."""

    resource_id: uuid.UUID
    day: date
    capacity: int
    booked: int
    slots: int
    """Capacity units the active allocations' per-day slots put on this resource-day."""


async def overbooked_resource_days(session: AsyncSession) -> list[OverbookedDay]:
    """Every resource-day over capacity or out of step with the allocations' slots: the
    invariant "no resource over capacity on any day", checked against the database (the
    simulation and the tests call it; an empty list means it holds)."""
    slots = (
        select(AllocationDay.resource_id.label("resource_id"), AllocationDay.day.label("day"), func.sum(AllocationDay.use).label("used"))
        .join(Allocation, Allocation.id == AllocationDay.allocation_id)
        .where(Allocation.status.in_(ACTIVE_ALLOCATION))
        .group_by(AllocationDay.resource_id, AllocationDay.day)
        .subquery()
    )
    used = func.coalesce(slots.c.used, 0)
    statement = (
        select(ResourceDay.resource_id, ResourceDay.day, ResourceDay.capacity, ResourceDay.booked, used)
        .outerjoin(slots, and_(slots.c.resource_id == ResourceDay.resource_id, slots.c.day == ResourceDay.day))
        .where(or_(ResourceDay.booked > ResourceDay.capacity, ResourceDay.booked != used, used > ResourceDay.capacity))
        .order_by(ResourceDay.resource_id, ResourceDay.day)
    )
    out = [OverbookedDay(r, d, int(c), int(b), int(u)) for r, d, c, b, u in await session.execute(statement)]
    # Slots on a day the resource does not have at all are over capacity too.
    orphans = (
        select(slots.c.resource_id, slots.c.day, slots.c.used)
        .outerjoin(ResourceDay, and_(slots.c.resource_id == ResourceDay.resource_id, slots.c.day == ResourceDay.day))
        .where(ResourceDay.id.is_(None))
    )
    out += [OverbookedDay(r, d, 0, 0, int(u)) for r, d, u in await session.execute(orphans)]
    return out


async def claim_lot_quantity(session: AsyncSession, allocation_id: uuid.UUID, amount: int) -> bool:
    """Add `amount` units to the allocation's inspection lots if they still fit its quantity.

    One conditional UPDATE, as in `reserve_capacity`: PostgreSQL locks the row, so lots
    opened concurrently on one allocation are serialised and their total cannot pass the
    allocation's quantity (CHECK lots_within_quantity backs this up)."""
    result = await session.execute(
        update(Allocation)
        .where(Allocation.id == allocation_id, Allocation.lot_quantity + amount <= Allocation.quantity)
        .values(lot_quantity=Allocation.lot_quantity + amount)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def release_lot_quantity(session: AsyncSession, allocation_id: uuid.UUID, amount: int) -> None:
    """A rejected lot's units go back to the allocation: the reworked goods may be presented again."""
    await session.execute(
        update(Allocation)
        .where(Allocation.id == allocation_id)
        .values(lot_quantity=Allocation.lot_quantity - amount)
        .execution_options(synchronize_session=False)
    )


async def add_paid_quantity(session: AsyncSession, allocation_id: uuid.UUID, amount: int) -> bool:
    """Count `amount` paid units on the allocation if the total stays within its quantity:
    the database, not the caller, guarantees that an allocation is never paid for more
    than quantity x unit price (CHECK paid_within_quantity backs this up)."""
    result = await session.execute(
        update(Allocation)
        .where(Allocation.id == allocation_id, Allocation.paid_quantity + amount <= Allocation.quantity)
        .values(paid_quantity=Allocation.paid_quantity + amount)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def active_partnership(session: AsyncSession, buyer_org_id: uuid.UUID, factory_org_id: uuid.UUID) -> Partnership | None:
    statement = select(Partnership).where(
        Partnership.buyer_org_id == buyer_org_id,
        Partnership.factory_org_id == factory_org_id,
        Partnership.active.is_(True),
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def organisation(session: AsyncSession, organisation_id: uuid.UUID) -> Organisation | None:
    return await session.get(Organisation, organisation_id)


async def organisation_names(session: AsyncSession, ids: set[uuid.UUID], *, alliance_id: uuid.UUID | None = None) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    statement = select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    if alliance_id is not None:
        statement = statement.where(Organisation.alliance_id == alliance_id)
    rows = await session.execute(statement)
    return {ident: name for ident, name in rows}


async def offer_names(session: AsyncSession, offer_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    """(factory name, resource name) of each offer; the caller checked the offers are visible."""
    if not offer_ids:
        return {}
    rows = await session.execute(
        select(CapacityOffer.id, Organisation.name, Resource.name)
        .join(Organisation, Organisation.id == CapacityOffer.organisation_id)
        .join(Resource, Resource.id == CapacityOffer.resource_id)
        .where(CapacityOffer.id.in_(offer_ids))
    )
    return {ident: (org, resource) for ident, org, resource in rows}


def partnerships_query(actor: Actor) -> Select[Any]:
    return scoped(select(Partnership), actor, Partnership)


async def find_partnership(session: AsyncSession, buyer_org_id: uuid.UUID, factory_org_id: uuid.UUID) -> Partnership | None:
    statement = select(Partnership).where(
        Partnership.buyer_org_id == buyer_org_id, Partnership.factory_org_id == factory_org_id
    )
    return (await session.execute(statement)).scalar_one_or_none()


def orders_query(actor: Actor, *, status: str | None = None, process: str | None = None, buyer_org_id: uuid.UUID | None = None) -> Select[Any]:
    statement = scoped(select(Order), actor, Order)
    if buyer_org_id:
        statement = statement.where(Order.buyer_org_id == buyer_org_id)
    if status:
        statement = statement.where(Order.status == status)
    if process:
        statement = statement.where(Order.process == process)
    return statement


async def order_by_reference(session: AsyncSession, buyer_org_id: uuid.UUID, reference: str) -> Order | None:
    statement = select(Order).where(Order.buyer_org_id == buyer_org_id, Order.reference == reference)
    return (await session.execute(statement)).scalar_one_or_none()


def allocations_query(
    actor: Actor, *, order_id: uuid.UUID | None = None, status: str | None = None, offer_id: uuid.UUID | None = None,
    factory_org_id: uuid.UUID | None = None, buyer_org_id: uuid.UUID | None = None,
) -> Select[Any]:
    statement = scoped(select(Allocation), actor, Allocation)
    if factory_org_id:
        statement = statement.where(Allocation.factory_org_id == factory_org_id)
    if buyer_org_id:
        statement = statement.where(Allocation.buyer_org_id == buyer_org_id)
    if order_id:
        statement = statement.where(Allocation.order_id == order_id)
    if status:
        statement = statement.where(Allocation.status == status)
    if offer_id:
        statement = statement.where(Allocation.offer_id == offer_id)
    return statement


async def order_allocations(session: AsyncSession, order_id: uuid.UUID, *, active_only: bool = False) -> list[Allocation]:
    """All allocations of an order, for service rules that need the whole picture (the
    caller has already been allowed to act on the order)."""
    statement = select(Allocation).where(Allocation.order_id == order_id)
    if active_only:
        statement = statement.where(Allocation.status.in_(ACTIVE_ALLOCATION))
    return list((await session.execute(statement.order_by(Allocation.id))).scalars())


async def active_allocations_on_offer(session: AsyncSession, offer_id: uuid.UUID) -> list[Allocation]:
    statement = select(Allocation).where(Allocation.offer_id == offer_id, Allocation.status.in_(ACTIVE_ALLOCATION))
    return list((await session.execute(statement.order_by(Allocation.id))).scalars())


async def visible_allocations_of_order(session: AsyncSession, actor: Actor, order_id: uuid.UUID) -> list[Allocation]:
    statement = allocations_query(actor, order_id=order_id).order_by(Allocation.id)
    return list((await session.execute(statement)).scalars())


async def progress_of_allocations(session: AsyncSession, allocation_ids: list[uuid.UUID]) -> list[ProgressReport]:
    if not allocation_ids:
        return []
    statement = (
        select(ProgressReport)
        .where(ProgressReport.allocation_id.in_(allocation_ids))
        .order_by(ProgressReport.occurred_at, ProgressReport.id)
    )
    return list((await session.execute(statement)).scalars())


async def last_progress(session: AsyncSession, allocation_id: uuid.UUID, operation: str) -> ProgressReport | None:
    statement = (
        select(ProgressReport)
        .where(ProgressReport.allocation_id == allocation_id, ProgressReport.operation == operation)
        .order_by(ProgressReport.id.desc())
        .limit(1)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def confirmed_quantity(session: AsyncSession, allocation_id: uuid.UUID, operation: str) -> int:
    statement = select(func.coalesce(func.sum(ProgressReport.quantity), 0)).where(
        ProgressReport.allocation_id == allocation_id,
        ProgressReport.operation == operation,
        ProgressReport.step == "confirm",
    )
    return int((await session.execute(statement)).scalar_one())


def progress_query(actor: Actor, *, order_id: uuid.UUID | None = None, allocation_id: uuid.UUID | None = None) -> Select[Any]:
    statement = scoped(select(ProgressReport), actor, ProgressReport)
    if order_id:
        statement = statement.where(ProgressReport.order_id == order_id)
    if allocation_id:
        statement = statement.where(ProgressReport.allocation_id == allocation_id)
    return statement


async def status_history(session: AsyncSession, actor: Actor, order_id: uuid.UUID) -> list[OrderStatusChange]:
    statement = (
        scoped(select(OrderStatusChange), actor, OrderStatusChange)
        .where(OrderStatusChange.order_id == order_id)
        .order_by(OrderStatusChange.occurred_at, OrderStatusChange.id)
    )
    return list((await session.execute(statement)).scalars())


async def offers_in_window(session: AsyncSession, actor: Actor, start: date, end: date) -> list[tuple[CapacityOffer, Resource, str]]:
    """Offers overlapping [start, end] of the organisations whose aggregates the actor reads."""
    statement = (
        select(CapacityOffer, Resource, Organisation.name)
        .join(Resource, Resource.id == CapacityOffer.resource_id)
        .join(Organisation, Organisation.id == CapacityOffer.organisation_id)
        .where(
            org_members_clause(actor, CapacityOffer.organisation_id),
            CapacityOffer.window_start <= end,
            CapacityOffer.window_end >= start,
        )
    )
    return [tuple(row) for row in await session.execute(statement)]


async def allocations_in_window(
    session: AsyncSession, actor: Actor, start: datetime, end: datetime, *, as_buyer: bool = False
) -> list[tuple[Allocation, CapacityOffer]]:
    """Allocations placed on the actor's capacity, or with `as_buyer` by the actor's orders."""
    party = Allocation.buyer_org_id if as_buyer else Allocation.factory_org_id
    statement = (
        select(Allocation, CapacityOffer)
        .join(CapacityOffer, CapacityOffer.id == Allocation.offer_id)
        .where(
            org_members_clause(actor, party),
            Allocation.status.in_(ACTIVE_ALLOCATION),
            Allocation.slot_start < end,
            Allocation.slot_end > start,
        )
    )
    return [tuple(row) for row in await session.execute(statement)]


async def delivered_orders(session: AsyncSession, actor: Actor, start: datetime, end: datetime) -> list[Order]:
    visible = org_members_clause(actor, Order.buyer_org_id) if actor.is_alliance_admin else read_clause(actor, Order)
    statement = select(Order).where(visible, Order.delivered_at >= start, Order.delivered_at < end)
    return list((await session.execute(statement)).scalars())


async def visible_by_ids(session: AsyncSession, actor: Actor, model: type, ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """Batch lookup for dataloaders; ids the actor may not read are simply absent."""
    rows = (await session.execute(scoped(select(model), actor, model).where(model.id.in_(ids)))).scalars()  # type: ignore[attr-defined]
    return {row.id: row for row in rows}


async def visible_allocations_of_orders(session: AsyncSession, actor: Actor, order_ids: list[uuid.UUID]) -> list[Allocation]:
    statement = allocations_query(actor).where(Allocation.order_id.in_(order_ids)).order_by(Allocation.id)
    return list((await session.execute(statement)).scalars())
