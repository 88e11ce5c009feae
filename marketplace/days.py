"""Capacity in time: the days an offer sells, what is still free on them, and how a quantity
is laid out over them.

A resource has capacity per day (resource_days); an offer sells a window of its resource's
days at its own daily rate, on the days of the resource's calendar, from its lead time on.
Overlapping offers of one resource share its days. Free capacity of an offer on a day is the
least of what the offer may still sell that day and what the resource has left.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from marketplace import repository
from marketplace.models import CapacityOffer, CapacityUnit, Resource


def calendar_days(start: date, end: date, resource: Resource) -> list[date]:
    """The days from start to end (inclusive) on which the resource works."""
    return [d for d in (start + timedelta(days=n) for n in range((end - start).days + 1)) if resource.works_on(d)]


def window_days(offer: CapacityOffer, resource: Resource) -> list[date]:
    """The days of the offer's window on which its resource works."""
    return calendar_days(offer.window_start, offer.window_end, resource)


def earliest_day(offer: CapacityOffer, today: date) -> date:
    """The first day the offer can produce on: its window start, or today plus its lead time."""
    return max(offer.window_start, today + timedelta(days=offer.lead_time_days))


def pieces_for(offer: CapacityOffer, use: int) -> int:
    """Pieces `use` capacity units make on this offer."""
    return use * offer.units_per_hour if offer.capacity_unit == CapacityUnit.HOUR else use


@dataclass
class FreeDays:
    """Free capacity per day of a set of offers, kept in step as a plan is laid out: booking
    on one offer takes the day from every offer of the same resource."""

    offers: dict[uuid.UUID, CapacityOffer]
    resources: dict[uuid.UUID, Resource]
    resource_free: dict[tuple[uuid.UUID, date], int]
    offer_booked: dict[tuple[uuid.UUID, date], int]
    remaining: dict[uuid.UUID, int] = field(default_factory=dict)
    """offer id -> capacity left of its total (the offer's own limit)."""

    def sellable(self, offer_id: uuid.UUID, today: date, start: date | None = None, end: date | None = None) -> list[date]:
        offer = self.offers[offer_id]
        first = max(earliest_day(offer, today), start or offer.window_start)
        last = min(offer.window_end, end or offer.window_end)
        return [d for d in window_days(offer, self.resources[offer.resource_id]) if first <= d <= last]

    def free_on(self, offer_id: uuid.UUID, day: date) -> int:
        offer = self.offers[offer_id]
        own = offer.capacity_per_day - self.offer_booked.get((offer_id, day), 0)
        return max(0, min(own, self.resource_free.get((offer.resource_id, day), 0)))

    def free(self, offer_id: uuid.UUID, today: date) -> list[tuple[date, int]]:
        """The offer's free capacity units per sellable day, days with none left out."""
        out = [(d, self.free_on(offer_id, d)) for d in self.sellable(offer_id, today)]
        return [(d, f) for d, f in out if f > 0]

    def take(self, offer_id: uuid.UUID, day: date, use: int) -> None:
        offer = self.offers[offer_id]
        self.offer_booked[(offer_id, day)] = self.offer_booked.get((offer_id, day), 0) + use
        key = (offer.resource_id, day)
        self.resource_free[key] = self.resource_free.get(key, 0) - use
        self.remaining[offer_id] = self.remaining.get(offer_id, offer.remaining) - use

    def lay_out(self, offer_id: uuid.UUID, use: int, today: date, start: date | None = None, end: date | None = None) -> list[tuple[date, int]] | None:
        """Earliest free days first: the (day, capacity units) slots that make `use` units on
        the offer between start and end, taken from the free capacity; None when they do not fit."""
        if use > self.remaining.get(offer_id, self.offers[offer_id].remaining):
            return None
        slots: list[tuple[date, int]] = []
        left = use
        for day in self.sellable(offer_id, today, start, end):
            if left <= 0:
                break
            take = min(left, self.free_on(offer_id, day))
            if take > 0:
                slots.append((day, take))
                left -= take
        if left > 0:
            return None
        for day, amount in slots:
            self.take(offer_id, day, amount)
        return slots


async def load_free_days(session: AsyncSession, offers: list[CapacityOffer], resources: dict[uuid.UUID, Resource]) -> FreeDays:
    """Free capacity of these offers' days as the database has it now (within the caller's
    transaction; the conditional bookings re-check every day atomically)."""
    if not offers:
        return FreeDays({}, resources, {}, {})
    start = min(o.window_start for o in offers)
    end = max(o.window_end for o in offers)
    days = await repository.resource_days(session, {o.resource_id for o in offers}, start, end)
    booked = await repository.booked_by_offer_day(session, [o.id for o in offers], start, end)
    free = {key: row.capacity - row.booked for key, row in days.items()}
    return FreeDays({o.id: o for o in offers}, resources, free, booked, {o.id: o.remaining for o in offers})


def split_pieces(offer: CapacityOffer, quantity: int, slots: list[tuple[date, int]]) -> list[tuple[date, int, int]]:
    """(day, use, pieces) per slot: the pieces made each day, earliest days full first."""
    out = []
    left = quantity
    for day, use in slots:
        pieces = min(left, pieces_for(offer, use))
        out.append((day, use, pieces))
        left -= pieces
    return out


def resource_day_capacities(offers: list[CapacityOffer], resource: Resource) -> dict[date, int]:
    """Each day's capacity of a resource from its active offers: the largest daily rate of
    the offers that sell that day (overlapping offers share the day, they do not add up)."""
    out: dict[date, int] = defaultdict(int)
    for offer in offers:
        for day in window_days(offer, resource):
            out[day] = max(out[day], offer.capacity_per_day)
    return dict(out)
