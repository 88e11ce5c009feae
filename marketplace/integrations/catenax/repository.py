"""All SQL of the DCM exchange. Demand rows are read through capool.tenancy.policy; the
capacity figures are aggregates over the actor's alliance (offers, bookings, partnerships)
that the service turns into numbers per week and never hands out as rows."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from capool.tenancy.actor import Actor
from capool.tenancy.models import Organisation
from capool.tenancy.policy import scoped
from marketplace.integrations.catenax.models import MaterialDemand, MaterialDemandWeek
from marketplace.integrations.models import CodeMapping
from marketplace.models import ACTIVE_ALLOCATION, Allocation, AllocationDay, CapacityOffer, OfferStatus, Partnership, Resource


# ----------------------------------------------------------------- demands
async def own_demand(session: AsyncSession, actor: Actor, material_demand_id: uuid.UUID) -> MaterialDemand | None:
    """The actor's own stored demand with this materialDemandId, locked for the replacement."""
    statement = (
        scoped(select(MaterialDemand), actor, MaterialDemand)
        .where(MaterialDemand.buyer_org_id == actor.organisation_id, MaterialDemand.material_demand_id == material_demand_id)
        .with_for_update()
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def other_demand_for_material(session: AsyncSession, actor: Actor, supplier_bpnl: str, material_number: str,
                                    material_demand_id: uuid.UUID) -> MaterialDemand | None:
    """Another of the actor's demands for the same material at the same supplier."""
    statement = scoped(select(MaterialDemand), actor, MaterialDemand).where(
        MaterialDemand.buyer_org_id == actor.organisation_id,
        MaterialDemand.supplier_bpnl == supplier_bpnl,
        MaterialDemand.material_number_customer == material_number,
        MaterialDemand.material_demand_id != material_demand_id,
    )
    return (await session.execute(statement.limit(1))).scalar_one_or_none()


async def customer_bpnl_used_by_another(session: AsyncSession, actor: Actor, bpnl: str) -> bool:
    """Whether another member of the actor's alliance already imported demand as this BPNL
    (an existence check across tenants that names nobody)."""
    members = select(Organisation.id).where(Organisation.alliance_id == actor.alliance_id)
    statement = select(MaterialDemand.id).where(
        MaterialDemand.customer_bpnl == bpnl, MaterialDemand.buyer_org_id != actor.organisation_id, MaterialDemand.buyer_org_id.in_(members))
    return (await session.execute(statement.limit(1))).first() is not None


async def weeks_of(session: AsyncSession, actor: Actor, demand_id: uuid.UUID) -> list[MaterialDemandWeek]:
    statement = scoped(select(MaterialDemandWeek), actor, MaterialDemandWeek).where(MaterialDemandWeek.demand_id == demand_id)
    return list((await session.execute(statement.order_by(MaterialDemandWeek.week))).scalars())


async def delete_weeks(session: AsyncSession, actor: Actor, demand_id: uuid.UUID) -> None:
    await session.execute(
        delete(MaterialDemandWeek)
        .where(MaterialDemandWeek.demand_id == demand_id, MaterialDemandWeek.buyer_org_id == actor.organisation_id)
        .execution_options(synchronize_session=False)
    )


async def visible_demands(session: AsyncSession, actor: Actor, limit: int) -> list[MaterialDemand]:
    """The actor's own demands and those naming it as supplier, newest change first."""
    statement = scoped(select(MaterialDemand), actor, MaterialDemand).order_by(MaterialDemand.changed_at.desc(), MaterialDemand.id)
    return list((await session.execute(statement.limit(limit))).scalars())


async def demand_weeks_between(session: AsyncSession, actor: Actor, start: date, end: date, *, buyer_org_id: uuid.UUID | None = None,
                               supplier_org_id: uuid.UUID | None = None) -> list[tuple[MaterialDemandWeek, MaterialDemand]]:
    """Buckets of [start, end) of the demands the actor reads (optionally of one buyer / naming one supplier)."""
    statement = (
        scoped(select(MaterialDemandWeek, MaterialDemand), actor, MaterialDemandWeek)
        .join(MaterialDemand, MaterialDemand.id == MaterialDemandWeek.demand_id)
        .where(MaterialDemandWeek.week >= start, MaterialDemandWeek.week < end)
    )
    if buyer_org_id is not None:
        statement = statement.where(MaterialDemand.buyer_org_id == buyer_org_id)
    if supplier_org_id is not None:
        statement = statement.where(MaterialDemand.supplier_org_id == supplier_org_id)
    return [tuple(row) for row in await session.execute(statement.order_by(MaterialDemandWeek.week))]


async def alliance_demand_weeks(session: AsyncSession, actor: Actor, start: date, end: date) -> list[tuple[MaterialDemandWeek, MaterialDemand]]:
    """Buckets of [start, end) of every member of the actor's alliance: the alliance-wide
    comparison (alliance admins only, checked by the service)."""
    members = select(Organisation.id).where(Organisation.alliance_id == actor.alliance_id)
    statement = (
        select(MaterialDemandWeek, MaterialDemand)
        .join(MaterialDemand, MaterialDemand.id == MaterialDemandWeek.demand_id)
        .where(MaterialDemand.buyer_org_id.in_(members), MaterialDemandWeek.week >= start, MaterialDemandWeek.week < end)
        .order_by(MaterialDemandWeek.week)
    )
    return [tuple(row) for row in await session.execute(statement)]  # type: ignore[misc]


# ----------------------------------------------------------------- capacity aggregates
async def capacity_facts(session: AsyncSession, actor: Actor, start: date, end: date, *, factory_org_id: uuid.UUID | None = None
                         ) -> tuple[list[tuple[CapacityOffer, Resource]], list[tuple[Allocation, CapacityOffer, Resource]],
                                    dict[uuid.UUID, dict[date, int]], list[Partnership]]:
    """The alliance's active offers overlapping [start, end) with their resources, the
    bookings (proposed or accepted allocations) whose slots overlap it with their offers and
    resources, the bookings' pieces per production day inside it, and the active
    partnerships; with `factory_org_id` only that factory's."""
    members = select(Organisation.id).where(Organisation.alliance_id == actor.alliance_id)
    first, last = datetime.combine(start, time.min, UTC), datetime.combine(end, time.min, UTC)
    offers = select(CapacityOffer, Resource).join(Resource, Resource.id == CapacityOffer.resource_id).where(
        CapacityOffer.organisation_id.in_(members), CapacityOffer.status == OfferStatus.ACTIVE,
        CapacityOffer.window_start < end, CapacityOffer.window_end >= start,
    )
    bookings = (
        select(Allocation, CapacityOffer, Resource)
        .join(CapacityOffer, CapacityOffer.id == Allocation.offer_id)
        .join(Resource, Resource.id == CapacityOffer.resource_id)
        .where(Allocation.factory_org_id.in_(members), Allocation.status.in_(ACTIVE_ALLOCATION))
        .where(Allocation.slot_start < last, Allocation.slot_end > first)
    )
    partnerships = select(Partnership).where(Partnership.factory_org_id.in_(members), Partnership.active.is_(True))
    if factory_org_id is not None:
        offers = offers.where(CapacityOffer.organisation_id == factory_org_id)
        bookings = bookings.where(Allocation.factory_org_id == factory_org_id)
        partnerships = partnerships.where(Partnership.factory_org_id == factory_org_id)
    booked = [tuple(row) for row in await session.execute(bookings.order_by(Allocation.id))]
    days: dict[uuid.UUID, dict[date, int]] = {}
    ids = [row[0].id for row in booked]
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        statement = select(AllocationDay.allocation_id, AllocationDay.day, AllocationDay.quantity).where(
            AllocationDay.allocation_id.in_(chunk), AllocationDay.day >= start, AllocationDay.day < end)
        for allocation_id, day, quantity in await session.execute(statement):
            days.setdefault(allocation_id, {})[day] = quantity
    return (
        [tuple(row) for row in await session.execute(offers.order_by(CapacityOffer.id))],  # type: ignore[misc]
        booked,  # type: ignore[return-value]
        days,
        list((await session.execute(partnerships.order_by(Partnership.id))).scalars()),
    )


async def alliance_organisations(session: AsyncSession, actor: Actor, ids: set[uuid.UUID] | None = None) -> dict[uuid.UUID, Organisation]:
    statement = select(Organisation).where(Organisation.alliance_id == actor.alliance_id)
    if ids is not None:
        statement = statement.where(Organisation.id.in_(ids))
    return {org.id: org for org in (await session.execute(statement)).scalars()}


# ----------------------------------------------------------------- BPNLs (code mapping "catenax")
async def codes_of(session: AsyncSession, actor: Actor, system: str, kind: str, master_refs: set[str]) -> dict[str, str]:
    """The actor's external codes of these master records (master ref -> the first code)."""
    if not master_refs:
        return {}
    statement = (
        scoped(select(CodeMapping.master_ref, CodeMapping.external_code), actor, CodeMapping)
        .where(CodeMapping.system == system, CodeMapping.kind == kind, CodeMapping.master_ref.in_(master_refs))
        .order_by(CodeMapping.external_code)
    )
    found: dict[str, str] = {}
    for ref, code in await session.execute(statement):
        found.setdefault(ref, code)
    return found
