"""Utilisation (allocated / published capacity) and on-time delivery over a time window.

Members read their own organisation's figures; alliance admins read every member's,
as aggregates without prices.
"""

from __future__ import annotations

import bisect
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from capool.clock import ensure_utc
from capool.errors import InvalidInput
from capool.tenancy.actor import Actor, Permission
from marketplace import repository
from marketplace.days import calendar_days
from marketplace.models import Allocation, AllocationDay, CapacityOffer, Resource

GROUPS = ("factory", "resource", "process", "tier")


@dataclass
class UtilisationRow:
    group: str
    key: str
    label: str
    unit: str
    published: int | None
    allocated: int
    utilisation: float | None
    # Share of all allocated capacity in this group (how work spreads over tiers).
    share: float | None = None


@dataclass
class OnTime:
    delivered: int
    on_time: int
    rate: float | None


def _working_days(start: date, end: date, window_start: date, window_end: date, resource: Resource) -> list[date]:
    """Days of [start, end] (inclusive) inside [window_start, window_end) that the resource works."""
    first = max(start, window_start)
    last = min(end, window_end - timedelta(days=1))
    return calendar_days(first, last, resource) if last >= first else []


def _check_window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    start, end = ensure_utc(start), ensure_utc(end)
    if end <= start:
        raise InvalidInput.at("/end", "end must be after start")
    if end - start > timedelta(days=400):
        raise InvalidInput.at("/end", "the window may span at most 400 days")
    return start, end


@dataclass(frozen=True)
class UtilisationFacts:
    """What utilisation is computed from, loaded once for a window: the offers overlapping it
    (with their resource and organisation name) and the active allocations overlapping it
    (with their offer and per-day slots). `aggregate` groups any sub-window of it, so a page
    that shows one window several ways (per week, per factory, per tier) reads it once."""

    start: datetime
    end: datetime
    as_buyer: bool
    offers: list[tuple[CapacityOffer, Resource, str]]
    allocations: list[tuple[Allocation, CapacityOffer]]
    slots: dict[uuid.UUID, list[AllocationDay]]
    # offer id -> the days of the window it sells on (its window, its resource's weekdays), in order.
    offer_days: dict[uuid.UUID, list[date]]


def _days_of(start: datetime, end: datetime) -> tuple[date, date]:
    """[first day, end day) of a window; a window ending inside a day includes that day."""
    return start.date(), (end.date() if end.time() == time.min else end.date() + timedelta(days=1))


async def load_utilisation(session: AsyncSession, actor: Actor, start: datetime, end: datetime, *, as_buyer: bool = False) -> UtilisationFacts:
    """The facts of `utilisation` over [start, end): three queries, whatever is grouped later.
    `as_buyer`: the allocations of the actor's own orders instead of those on its capacity."""
    actor.require(Permission.ANALYTICS_READ)
    return await utilisation_facts(session, actor, start, end, as_buyer=as_buyer)


async def utilisation_facts(session: AsyncSession, actor: Actor, start: datetime, end: datetime, *, as_buyer: bool = False) -> UtilisationFacts:
    """`load_utilisation` over the rows the actor may read, for services that checked their own
    permission (forecast readers' traffic lights and KPIs read utilisation without
    analytics:read; no service widens its actor's permissions)."""
    start, end = _check_window(start, end)
    first_day, end_day = _days_of(start, end)
    offers = await repository.offers_in_window(session, actor, first_day, end_day)
    in_window = await repository.allocations_in_window(session, actor, start, end, as_buyer=as_buyer)
    slots = await repository.allocation_days(session, [a.id for a, _ in in_window])
    offer_days = {offer.id: _working_days(offer.window_start, offer.window_end, first_day, end_day, resource) for offer, resource, _ in offers}
    return UtilisationFacts(start, end, as_buyer, offers, in_window, slots, offer_days)


def aggregate(facts: UtilisationFacts, group_by: str, start: datetime | None = None, end: datetime | None = None) -> list[UtilisationRow]:
    """Utilisation rows of [start, end) (default: the facts' whole window, which must hold it)
    grouped by factory, resource, process or tier. Pure: no queries."""
    if group_by not in GROUPS:
        raise InvalidInput.at("/group_by", f"group_by must be one of {', '.join(GROUPS)}")
    start, end = _check_window(start or facts.start, end or facts.end)
    if start < facts.start or end > facts.end:
        raise ValueError("the window lies outside the loaded facts")
    first_day, end_day = _days_of(start, end)

    published: dict[tuple[str, str], int] = defaultdict(int)
    allocated: dict[tuple[str, str], float] = defaultdict(float)
    labels: dict[str, str] = {}

    def key_of(offer, resource_name: str, org_name: str, tier: str | None) -> str:
        if group_by == "factory":
            labels[str(offer.organisation_id)] = org_name
            return str(offer.organisation_id)
        if group_by == "resource":
            labels[str(offer.resource_id)] = f"{org_name} / {resource_name}"
            return str(offer.resource_id)
        if group_by == "process":
            labels[offer.process] = offer.process
            return offer.process
        labels[tier or ""] = tier or ""
        return tier or ""

    resources: dict[object, tuple[str, str]] = {}
    for offer, resource, org_name in facts.offers:
        resources[offer.id] = (resource.name, org_name)
        if group_by == "tier" or offer.window_start > end_day or offer.window_end < first_day:
            continue
        worked = facts.offer_days[offer.id]
        days = bisect.bisect_left(worked, end_day) - bisect.bisect_left(worked, first_day)
        published[(key_of(offer, resource.name, org_name, None), offer.capacity_unit.value)] += days * offer.capacity_per_day

    for allocation, offer in facts.allocations:
        if not (ensure_utc(allocation.slot_start) < end and ensure_utc(allocation.slot_end) > start):
            continue
        resource_name, org_name = resources.get(offer.id, ("", ""))
        key = key_of(offer, resource_name, org_name, allocation.tier.value)
        # The capacity booked on the window's days, as the allocation's per-day slots have it.
        allocated[(key, offer.capacity_unit.value)] += sum(s.use for s in facts.slots.get(allocation.id, []) if first_day <= s.day < end_day)

    rows = []
    for key, unit in sorted(set(published) | set(allocated)):
        pub = None if group_by == "tier" else published.get((key, unit), 0)
        alloc = round(allocated.get((key, unit), 0.0))
        rows.append(UtilisationRow(group_by, key, labels.get(key, key), unit, pub, alloc, (alloc / pub) if pub else None))
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row.unit] += row.allocated
    for row in rows:
        row.share = row.allocated / totals[row.unit] if totals[row.unit] else None
    return rows


async def utilisation(session: AsyncSession, actor: Actor, start: datetime, end: datetime, group_by: str) -> list[UtilisationRow]:
    actor.require(Permission.ANALYTICS_READ)
    return await utilisation_rows(session, actor, start, end, group_by)


async def utilisation_rows(session: AsyncSession, actor: Actor, start: datetime, end: datetime, group_by: str) -> list[UtilisationRow]:
    """`utilisation` for services that checked their own permission."""
    if group_by not in GROUPS:
        raise InvalidInput.at("/group_by", f"group_by must be one of {', '.join(GROUPS)}")
    # A member's tier mix is about where its own orders went; capacity use is about its own plant.
    as_buyer = group_by == "tier" and not actor.is_alliance_admin
    return aggregate(await utilisation_facts(session, actor, start, end, as_buyer=as_buyer), group_by)


async def on_time_rate(session: AsyncSession, actor: Actor, start: datetime, end: datetime) -> OnTime:
    actor.require(Permission.ANALYTICS_READ)
    return await on_time_of(session, actor, start, end)


async def on_time_of(session: AsyncSession, actor: Actor, start: datetime, end: datetime) -> OnTime:
    """`on_time_rate` for services that checked their own permission."""
    start, end = _check_window(start, end)
    orders = await repository.delivered_orders(session, actor, start, end)
    on_time = sum(1 for o in orders if o.delivered_at is not None and o.delivered_at <= o.due_at)
    return OnTime(len(orders), on_time, (on_time / len(orders)) if orders else None)


def default_window(now: datetime) -> tuple[datetime, datetime]:
    today = datetime.combine(now.date(), time.min, UTC)
    return today - timedelta(days=30), today + timedelta(days=30)
