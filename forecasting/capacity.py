"""The capacity forecast: what a buyer can still get, per process and ISO week. Pure (no
database or web imports); forecasting.service loads the facts and feeds the warning line.

Capacity of one process on one day, summed over the resources that sell it to the buyer:

- *published*: the largest daily rate (in its unit) of the resource's active offers of the
  process that the buyer sees and that sell that day (the offer's window, its resource's
  working weekdays, not before today plus the offer's lead time). Withdrawn offers publish
  nothing. Overlapping offers of one resource share its day, so they do not add up.
- *maintenance*: while a resource has an open maintenance (equipment) alert, an offer of it
  that the alert did not already cut loses `maintenance_cut` of its rate (the alert's own
  cut is in the offer's rate already, so it is not applied twice).
- *booked*: what allocations have booked on the resource that day (resource_days.booked,
  all buyers and processes: the load occupies the machine); a resource-day row's capacity
  also caps published.
- *free* = max(0, published - booked), given to the offer with the largest rate that day
  and capped by what that offer may still sell in total (its remaining capacity).

Units become pieces by the offer's pieces per unit (units_per_hour for hour-based offers).
A week is the ISO week (Monday to Sunday) of the day; a window's first and last weeks may
be partial.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class OfferFacts:
    offer_id: uuid.UUID
    organisation_id: uuid.UUID
    resource_id: uuid.UUID
    process: str
    rate: int  # capacity units per day
    pieces_per_unit: int
    remaining: int  # capacity units the offer may still sell in total
    days: frozenset[date]  # the days it sells (window, working weekdays, lead time)
    # Share of its rate taken by an open maintenance alert not yet applied to the offer.
    maintenance_cut: float = 0.0

    def effective_rate(self) -> int:
        return int(self.rate * (1 - self.maintenance_cut))


@dataclass(frozen=True)
class ResourceDayFacts:
    capacity: int
    booked: int


@dataclass
class WeekCapacity:
    process: str
    week: str  # ISO week, e.g. 2026-W49
    start: date  # first day of the week inside the window
    end: date  # last day of the week inside the window
    published: int = 0  # pieces
    booked: int = 0  # pieces
    free: int = 0  # pieces
    by_offer: dict[uuid.UUID, int] = field(default_factory=dict)  # free pieces per offer


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def sellable_days(window_start: date, window_end: date, working_weekdays: Iterable[int], today: date, lead_time_days: int) -> frozenset[date]:
    """The days an offer sells: its window, on its resource's ISO weekdays, from today plus its lead time."""
    weekdays = set(working_weekdays)
    first = max(window_start, today + timedelta(days=lead_time_days))
    return frozenset(first + timedelta(days=i) for i in range((window_end - first).days + 1) if (first + timedelta(days=i)).isoweekday() in weekdays)


def weekly_capacity(offers: Iterable[OfferFacts], resource_days: dict[tuple[uuid.UUID, date], ResourceDayFacts], start: date, end: date) -> dict[str, list[WeekCapacity]]:
    """process -> its weeks (in order) from start to end inclusive; see the module docstring."""
    by_key: dict[tuple[str, uuid.UUID], list[OfferFacts]] = defaultdict(list)
    for offer in offers:
        by_key[(offer.process, offer.resource_id)].append(offer)
    left: dict[uuid.UUID, int] = {}
    weeks: dict[str, dict[str, WeekCapacity]] = defaultdict(dict)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    for (process, resource_id), group in sorted(by_key.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        for offer in group:
            left.setdefault(offer.offer_id, max(0, offer.remaining))
        for day in days:
            label = iso_week(day)
            week = weeks[process].get(label)
            if week is None:
                week = weeks[process][label] = WeekCapacity(process, label, day, day)
            week.end = max(week.end, day)
            sellers = [o for o in group if day in o.days]
            if not sellers:
                continue
            # The largest effective rate sells the day; ties go to the lower offer id.
            offer = min(sellers, key=lambda o: (-o.effective_rate(), str(o.offer_id)))
            published = offer.effective_rate()
            row = resource_days.get((resource_id, day))
            booked = 0
            if row is not None:
                published = min(published, row.capacity)
                booked = row.booked
            free = min(max(0, published - booked), left[offer.offer_id])
            left[offer.offer_id] -= free
            week.published += published * offer.pieces_per_unit
            week.booked += min(booked, published) * offer.pieces_per_unit
            week.free += free * offer.pieces_per_unit
            week.by_offer[offer.offer_id] = week.by_offer.get(offer.offer_id, 0) + free * offer.pieces_per_unit
    return {process: sorted(ws.values(), key=lambda w: w.start) for process, ws in weeks.items()}


def demand_by_week(points: Iterable[tuple[str, date, float]]) -> dict[tuple[str, str], float]:
    """(process, ISO week) -> forecast demand, from (process, period start, yhat) daily points."""
    out: dict[tuple[str, str], float] = defaultdict(float)
    for process, day, yhat in points:
        out[(process, iso_week(day))] += yhat
    return dict(out)
