"""All SQL of the marketplace. Reads of tenant rows go through capool.tenancy.policy."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from capool.tenancy.actor import Actor
from capool.tenancy.models import Organisation
from capool.tenancy.policy import org_members_clause, read_clause, scoped
from marketplace.models import (
    ACTIVE_ALLOCATION,
    Allocation,
    CapacityOffer,
    OfferStatus,
    Order,
    OrderStatusChange,
    Partnership,
    ProgressReport,
    Resource,
    Site,
)


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


async def organisation_names(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids)))
    return {ident: name for ident, name in rows}


def partnerships_query(actor: Actor) -> Select[Any]:
    return scoped(select(Partnership), actor, Partnership)


async def find_partnership(session: AsyncSession, buyer_org_id: uuid.UUID, factory_org_id: uuid.UUID) -> Partnership | None:
    statement = select(Partnership).where(
        Partnership.buyer_org_id == buyer_org_id, Partnership.factory_org_id == factory_org_id
    )
    return (await session.execute(statement)).scalar_one_or_none()


def orders_query(actor: Actor, *, status: str | None = None, process: str | None = None) -> Select[Any]:
    statement = scoped(select(Order), actor, Order)
    if status:
        statement = statement.where(Order.status == status)
    if process:
        statement = statement.where(Order.process == process)
    return statement


async def order_by_reference(session: AsyncSession, buyer_org_id: uuid.UUID, reference: str) -> Order | None:
    statement = select(Order).where(Order.buyer_org_id == buyer_org_id, Order.reference == reference)
    return (await session.execute(statement)).scalar_one_or_none()


def allocations_query(
    actor: Actor, *, order_id: uuid.UUID | None = None, status: str | None = None, offer_id: uuid.UUID | None = None
) -> Select[Any]:
    statement = scoped(select(Allocation), actor, Allocation)
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
