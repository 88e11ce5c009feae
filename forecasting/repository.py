"""All SQL of forecasting. Reads of tenant rows go through capool.tenancy.policy; the
alliance-wide aggregates use org_members_clause exactly as marketplace analytics does."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from capool.tenancy.actor import Actor
from capool.tenancy.models import Organisation
from capool.tenancy.policy import org_members_clause, read_clause, scoped
from forecasting.models import AlertKind, ForecastPoint, ForecastRun, Granularity, HealthAlert, TelemetryReading
from marketplace.models import (
    Allocation,
    AllocationStatus,
    CapacityOffer,
    OfferStatus,
    Order,
    OrderStatus,
    OrderStatusChange,
    Partnership,
    Resource,
)

NOT_DEMAND = (OrderStatus.DRAFT, OrderStatus.CANCELLED)


# ----------------------------------------------------------------- order history
async def buyers_with_orders(session: AsyncSession) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(organisation id, alliance id) of every organisation that has placed orders; for the job."""
    statement = (
        select(Organisation.id, Organisation.alliance_id)
        .where(Organisation.id.in_(select(Order.buyer_org_id).where(Order.status.not_in(NOT_DEMAND))))
        .order_by(Organisation.id)
    )
    return [(a, b) for a, b in await session.execute(statement)]


async def order_history(session: AsyncSession, actor: Actor, since: datetime) -> list[tuple[str, datetime, int]]:
    """(process, placed at, quantity) of the actor's own orders placed since `since`."""
    statement = (
        select(Order.process, Order.created_at, Order.quantity)
        .where(read_clause(actor, Order), Order.buyer_org_id == actor.organisation_id)
        .where(Order.status.not_in(NOT_DEMAND), Order.created_at >= since)
        .order_by(Order.created_at)
    )
    return [(p, c, q) for p, c, q in await session.execute(statement)]


# ----------------------------------------------------------------- forecasts
async def retire_latest(session: AsyncSession, organisation_id: uuid.UUID, granularity: Granularity) -> None:
    await session.execute(
        update(ForecastRun)
        .where(ForecastRun.organisation_id == organisation_id, ForecastRun.granularity == granularity, ForecastRun.is_latest.is_(True))
        .values(is_latest=False)
        .execution_options(synchronize_session=False)
    )


async def latest_run(session: AsyncSession, actor: Actor, granularity: Granularity) -> ForecastRun | None:
    statement = (
        scoped(select(ForecastRun), actor, ForecastRun)
        .where(ForecastRun.organisation_id == actor.organisation_id, ForecastRun.granularity == granularity, ForecastRun.is_latest.is_(True))
        .order_by(ForecastRun.id.desc())
        .limit(1)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def run_points(session: AsyncSession, actor: Actor, run_id: uuid.UUID, process: str | None, max_step: int) -> list[ForecastPoint]:
    statement = scoped(select(ForecastPoint), actor, ForecastPoint).where(ForecastPoint.run_id == run_id, ForecastPoint.step <= max_step)
    if process:
        statement = statement.where(ForecastPoint.process == process)
    return list((await session.execute(statement.order_by(ForecastPoint.process, ForecastPoint.step))).scalars())


async def partner_forecast_points(session: AsyncSession, factory_org_id: uuid.UUID, processes: set[str], max_days: int) -> list[tuple[ForecastPoint, str]]:
    """Latest daily forecast points of the buyers that have an active partnership with the
    factory, for the processes the factory supplies (seed 003: partners read 15 days).

    Not through scoped(): forecast points belong to the buyer; this read is granted by the
    partnership itself, which the join checks."""
    if not processes:
        return []
    statement = (
        select(ForecastPoint, Organisation.name)
        .join(ForecastRun, ForecastRun.id == ForecastPoint.run_id)
        .join(Partnership, Partnership.buyer_org_id == ForecastPoint.organisation_id)
        .join(Organisation, Organisation.id == ForecastPoint.organisation_id)
        .where(
            Partnership.factory_org_id == factory_org_id,
            Partnership.active.is_(True),
            ForecastRun.is_latest.is_(True),
            ForecastRun.granularity == Granularity.DAILY,
            ForecastPoint.process.in_(processes),
            ForecastPoint.step <= max_days,
        )
        .order_by(Organisation.name, ForecastPoint.process, ForecastPoint.step)
    )
    return [(p, name) for p, name in await session.execute(statement)]


# ----------------------------------------------------------------- capacity
async def own_processes(session: AsyncSession, actor: Actor) -> set[str]:
    statement = scoped(select(Resource.processes), actor, Resource).where(Resource.organisation_id == actor.organisation_id, Resource.active.is_(True))
    return {p for (processes,) in await session.execute(statement) for p in processes}


async def offers_for_buyer(session: AsyncSession, actor: Actor, process: str | None, start: date, end: date) -> list[tuple[CapacityOffer, Partnership | None]]:
    """Active offers the buyer can see that overlap [start, end], with the buyer's active
    partnership with the offering factory, if any."""
    statement = (
        scoped(select(CapacityOffer, Partnership), actor, CapacityOffer)
        .outerjoin(
            Partnership,
            (Partnership.factory_org_id == CapacityOffer.organisation_id)
            & (Partnership.buyer_org_id == actor.organisation_id)
            & Partnership.active.is_(True),
        )
        .where(CapacityOffer.status == OfferStatus.ACTIVE, CapacityOffer.window_start <= end, CapacityOffer.window_end >= start)
        .order_by(CapacityOffer.id)
    )
    if process:
        statement = statement.where(CapacityOffer.process == process)
    return [(o, p) for o, p in await session.execute(statement)]


async def suppliers_by_process(session: AsyncSession, actor: Actor, today: date) -> dict[str, set[uuid.UUID]]:
    """Factories qualified for each process: an active resource for it (alliance-wide for
    admins, else the factories whose current offers the actor can see plus its own)."""
    suppliers: dict[str, set[uuid.UUID]] = {}
    if actor.is_alliance_admin:
        statement: Any = select(Resource.organisation_id, Resource.processes).where(
            org_members_clause(actor, Resource.organisation_id), Resource.active.is_(True)
        )
        for org, processes in await session.execute(statement):
            for process in processes:
                suppliers.setdefault(process, set()).add(org)
        return suppliers
    statement = (
        scoped(select(CapacityOffer.organisation_id, CapacityOffer.process), actor, CapacityOffer)
        .where(CapacityOffer.status == OfferStatus.ACTIVE, CapacityOffer.window_end >= today)
        .distinct()
    )
    for org, process in await session.execute(statement):
        suppliers.setdefault(process, set()).add(org)
    return suppliers


async def alliance_factories(session: AsyncSession, actor: Actor) -> dict[uuid.UUID, str]:
    from capool.tenancy.models import OrgKind

    statement = select(Organisation.id, Organisation.name).where(
        org_members_clause(actor, Organisation.id), Organisation.kind.in_((OrgKind.FACTORY, OrgKind.BOTH))
    )
    return {i: n for i, n in await session.execute(statement)}


# ----------------------------------------------------------------- alerts
async def open_alerts(session: AsyncSession, actor: Actor, kind: AlertKind | None = None, *, alliance_wide: bool = False) -> list[HealthAlert]:
    statement = select(HealthAlert).where(HealthAlert.resolved_at.is_(None))
    if alliance_wide:
        statement = statement.where(org_members_clause(actor, HealthAlert.organisation_id))
    else:
        statement = scoped(statement, actor, HealthAlert)
    if kind:
        statement = statement.where(HealthAlert.kind == kind)
    return list((await session.execute(statement.order_by(HealthAlert.id))).scalars())


async def organisation_names(session: AsyncSession, actor: Actor, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of these organisations among those whose aggregates the actor reads."""
    if not ids:
        return {}
    statement = select(Organisation.id, Organisation.name).where(org_members_clause(actor, Organisation.id), Organisation.id.in_(ids))
    return {i: n for i, n in await session.execute(statement)}


async def open_alert(session: AsyncSession, organisation_id: uuid.UUID, kind: AlertKind, subject: str) -> HealthAlert | None:
    statement = select(HealthAlert).where(
        HealthAlert.organisation_id == organisation_id, HealthAlert.kind == kind, HealthAlert.subject == subject, HealthAlert.resolved_at.is_(None)
    )
    return (await session.execute(statement.limit(1))).scalar_one_or_none()


async def resources_by_id(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, Resource]:
    """Resources named by alerts the caller may already read (their names and processes)."""
    if not ids:
        return {}
    return {r.id: r for r in (await session.execute(select(Resource).where(Resource.id.in_(ids)))).scalars()}


# ----------------------------------------------------------------- telemetry
async def cycle_peaks(session: AsyncSession, resource_id: uuid.UUID, last: int) -> list[tuple[int, float]]:
    """(cycle, peak current) of the newest `last` cycles of a resource, oldest first."""
    statement = (
        select(TelemetryReading.cycle, func.max(TelemetryReading.current_a))
        .where(TelemetryReading.resource_id == resource_id)
        .group_by(TelemetryReading.cycle)
        .order_by(TelemetryReading.cycle.desc())
        .limit(last)
    )
    return [(c, float(p)) for c, p in reversed(list(await session.execute(statement)))]


async def active_offers_of_resource(session: AsyncSession, resource_id: uuid.UUID, today: date) -> list[CapacityOffer]:
    statement = select(CapacityOffer.id).where(
        CapacityOffer.resource_id == resource_id, CapacityOffer.status == OfferStatus.ACTIVE, CapacityOffer.window_end >= today
    )
    ids = list((await session.execute(statement.order_by(CapacityOffer.id))).scalars())
    return [await session.get_one(CapacityOffer, i) for i in ids]


# ----------------------------------------------------------------- KPIs
async def orders_due(session: AsyncSession, actor: Actor, start: datetime, end: datetime) -> list[Order]:
    statement = select(Order).where(
        org_members_clause(actor, Order.buyer_org_id), Order.status.not_in(NOT_DEMAND), Order.due_at >= start, Order.due_at < end
    )
    return list((await session.execute(statement.order_by(Order.id))).scalars())


async def orders_delivered(session: AsyncSession, actor: Actor, start: datetime, end: datetime) -> list[Order]:
    statement = select(Order).where(
        org_members_clause(actor, Order.buyer_org_id), Order.delivered_at.is_not(None), Order.delivered_at >= start, Order.delivered_at < end
    )
    return list((await session.execute(statement.order_by(Order.id))).scalars())


async def submissions_and_allocations(session: AsyncSession, actor: Actor, start: datetime, end: datetime) -> list[tuple[uuid.UUID, OrderStatus, datetime]]:
    """(order id, to status, when) of every "submitted" and "allocated" change of the orders
    (of the actor, or the alliance's) that were submitted in [start, end) and are still
    demand (not draft or cancelled), in time order. One query: the orders are picked by a
    subquery, not passed back in as a list of ids."""
    submitted = (
        select(OrderStatusChange.order_id)
        .where(org_members_clause(actor, OrderStatusChange.buyer_org_id), OrderStatusChange.to_status == OrderStatus.SUBMITTED,
               OrderStatusChange.occurred_at >= start, OrderStatusChange.occurred_at < end)
    )
    statement = (
        select(OrderStatusChange.order_id, OrderStatusChange.to_status, OrderStatusChange.occurred_at)
        .join(Order, Order.id == OrderStatusChange.order_id)
        .where(
            org_members_clause(actor, OrderStatusChange.buyer_org_id),
            OrderStatusChange.to_status.in_((OrderStatus.SUBMITTED, OrderStatus.ALLOCATED)),
            OrderStatusChange.order_id.in_(submitted),
            Order.status.not_in(NOT_DEMAND),
        )
        .order_by(OrderStatusChange.occurred_at, OrderStatusChange.id)
    )
    return [(o, s, at) for o, s, at in await session.execute(statement)]


async def allocations_of_buyer(session: AsyncSession, actor: Actor, start: datetime, end: datetime) -> list[Allocation]:
    """Every allocation (any status) of the actor's (or the alliance's) orders placed in the window."""
    statement = select(Allocation).where(
        org_members_clause(actor, Allocation.buyer_org_id), Allocation.created_at >= start, Allocation.created_at < end
    )
    return list((await session.execute(statement.order_by(Allocation.id))).scalars())


async def current_offer_exists(session: AsyncSession, actor: Actor, today: date) -> bool:
    statement = select(func.count()).select_from(CapacityOffer).where(
        org_members_clause(actor, CapacityOffer.organisation_id),
        CapacityOffer.status == OfferStatus.ACTIVE,
        CapacityOffer.window_start <= today,
        CapacityOffer.window_end >= today,
    )
    return bool(await session.scalar(statement))


ACTIVE_OR_DONE = (AllocationStatus.PROPOSED, AllocationStatus.ACCEPTED)


async def open_maintenance(session: AsyncSession, resource_ids: set[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
    """resource id -> the offers its open maintenance (equipment) alert already cut, for the
    resources that have one. System read: the capacity forecast of a buyer accounts for the
    factories' maintenance, whose alerts the buyer does not read itself."""
    if not resource_ids:
        return {}
    statement = select(HealthAlert).where(
        HealthAlert.kind == AlertKind.EQUIPMENT, HealthAlert.resolved_at.is_(None), HealthAlert.resource_id.in_(resource_ids)
    )
    out: dict[uuid.UUID, set[str]] = {}
    for alert in (await session.execute(statement)).scalars():
        if alert.resource_id is not None:
            out.setdefault(alert.resource_id, set()).update(str(i) for i in (alert.details or {}).get("offers_reduced", []))
    return out
