"""The arithmetic of DCM, per ISO week, without database or web imports.

Capacity of one factory for one customer and process in the week starting Monday `m`:

- published: per resource and day, the largest daily rate of the open offers that sell that
  day (overlapping offers of one resource share its days, as resource_days do), in pieces
  (an hour-based offer counts `units_per_hour` pieces per hour), summed over the week; an
  offer sells the days of its window on which its resource works (marketplace.days);
- booked: the pieces an allocation's production days (allocation_days) make inside the
  week; an allocation without day rows is spread over its slot in proportion to time;
- an offer is *open to* the customer when it is the customer's own, or visible to the
  alliance, or visible to partners and the customer has an active partnership with the
  factory; private offers of others are not;
- actualCapacity = what is booked for the customer;
- maximumCapacity = the published capacity open to the customer less what other customers
  booked on those resource-days, never below actualCapacity;
- agreedCapacity (only with an active partnership) = the partnership's reserved share of
  the published capacity open to the customer.

Matching a week's demand D with actual A and maximum M (CX-0128 / DCM kit "match and
comparison"): D = A zero deviation, D < A surplus (both green), A < D <= M a bottleneck
within the maximum (flexible capacity needed: yellow), D > M a bottleneck beyond it (red).

Demand volatility: a bucket's quantity against the quantity it replaced (previous import of
the same material demand). A week is flagged when the increase exceeds the relative or the
absolute positive threshold of the sub-horizon the week falls in, or the decrease exceeds a
negative one; each threshold given triggers on its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

WEEK = timedelta(weeks=1)
EPSILON = 1e-9

# The standard defines the parameters; these values are the official example aspect's
# (one sub-horizon: +20% / -30% or +-100 units), applied over the whole 104-week DCM horizon.
DEFAULT_VOLATILITY: dict[str, Any] = {
    "measurementInterval": 4,
    "rollingHorizonAlertThresholds": [
        {"sequenceNumber": 1, "subhorizonLength": 104, "relativePositiveDeviation": 0.2, "relativeNegativeDeviation": 0.3,
         "absolutePositiveDeviation": 100.0, "absoluteNegativeDeviation": 100.0},
    ],
}


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_from(start: date, count: int) -> list[date]:
    first = monday(start)
    return [first + i * WEEK for i in range(count)]


@dataclass(frozen=True)
class OfferFacts:
    id: uuid.UUID
    factory_id: uuid.UUID
    process: str
    window_start: date
    window_end: date  # inclusive
    pieces_per_day: int
    visibility: str  # private | partners | alliance
    resource_id: uuid.UUID | None = None
    # The days it sells (its window's working days of its resource); None: every window day.
    days: frozenset[date] | None = None

    def sells_on(self, day: date) -> bool:
        return self.window_start <= day <= self.window_end and (self.days is None or day in self.days)


@dataclass(frozen=True)
class BookingFacts:
    offer: OfferFacts
    buyer_id: uuid.UUID
    quantity: int
    slot_start: datetime
    slot_end: datetime
    # Pieces per production day (allocation_days); empty: spread over the slot by time.
    days: dict[date, int] = field(default_factory=dict)

    def on(self, day: date) -> float:
        if self.days:
            return float(self.days.get(day, 0))
        start = datetime.combine(day, time.min, UTC)
        overlap = (min(self.slot_end, start + timedelta(days=1)) - max(self.slot_start, start)).total_seconds()
        return self.quantity * overlap / (self.slot_end - self.slot_start).total_seconds() if overlap > 0 else 0.0


@dataclass(frozen=True)
class WeekCapacity:
    week: date
    actual: float
    maximum: float
    agreed: float | None


def days_of(week: date) -> list[date]:
    return [week + timedelta(days=i) for i in range(7)]


def published(offer: OfferFacts, week: date) -> float:
    return float(sum(offer.pieces_per_day for day in days_of(week) if offer.sells_on(day)))


def booked(booking: BookingFacts, week: date) -> float:
    return sum(booking.on(day) for day in days_of(week))


def open_to(offer: OfferFacts, customer: uuid.UUID, partners: set[tuple[uuid.UUID, uuid.UUID]]) -> bool:
    if offer.factory_id == customer or offer.visibility == "alliance":
        return True
    return offer.visibility == "partners" and (customer, offer.factory_id) in partners


def capacity_weeks(factory: uuid.UUID, customer: uuid.UUID, process: str, weeks: list[date], offers: Iterable[OfferFacts],
                   bookings: Iterable[BookingFacts], shares: dict[tuple[uuid.UUID, uuid.UUID], int]) -> list[WeekCapacity]:
    """The factory's capacity for the customer and process in each week; `shares` holds the
    reserved share (percent) of each active partnership by (buyer, factory)."""
    partners = set(shares)
    open_offers = [o for o in offers if o.factory_id == factory and o.process == process and open_to(o, customer, partners)]
    mine = [b for b in bookings if b.offer.factory_id == factory and b.offer.process == process and b.buyer_id == customer]
    others = [b for b in bookings if b.offer.factory_id == factory and b.offer.process == process and b.buyer_id != customer
              and open_to(b.offer, customer, partners)]
    share = shares.get((customer, factory))
    result = []
    for week in weeks:
        rates: dict[tuple[object, date], int] = {}
        for o in open_offers:
            for day in days_of(week):
                if o.sells_on(day):
                    key = (o.resource_id or o.id, day)
                    rates[key] = max(rates.get(key, 0), o.pieces_per_day)
        taken: dict[tuple[object, date], float] = {}
        for b in others:
            for day in days_of(week):
                key = (b.offer.resource_id or b.offer.id, day)
                taken[key] = taken.get(key, 0.0) + b.on(day)
        open_capacity = float(sum(rates.values()))
        actual = sum(booked(b, week) for b in mine)
        maximum = max(sum(max(0.0, rate - taken.get(key, 0.0)) for key, rate in rates.items()), actual)
        agreed = None if share is None else open_capacity * share / 100
        result.append(WeekCapacity(week, actual, maximum, agreed))
    return result


# ----------------------------------------------------------------- matching
@dataclass(frozen=True)
class Match:
    status: str  # zero_deviation | surplus | bottleneck_actual | bottleneck_maximum
    colour: str  # green | yellow | red


def match(demand: float, actual: float, maximum: float) -> Match:
    if demand > maximum + EPSILON:
        return Match("bottleneck_maximum", "red")
    if demand > actual + EPSILON:
        return Match("bottleneck_actual", "yellow")
    if demand < actual - EPSILON:
        return Match("surplus", "green")
    return Match("zero_deviation", "green")


# ----------------------------------------------------------------- volatility
def thresholds_for(parameters: dict[str, Any], offset_weeks: int) -> dict[str, Any] | None:
    """The thresholds of the sub-horizon that a week `offset_weeks` after the first one falls in."""
    reached = 0
    for entity in sorted(parameters.get("rollingHorizonAlertThresholds", []), key=lambda e: e["sequenceNumber"]):
        reached += int(entity["subhorizonLength"])
        if offset_weeks < reached:
            return entity
    return None


def volatility(current: float, previous: float | None, thresholds: dict[str, Any] | None) -> str | None:
    """"increase" / "decrease" when the change from `previous` exceeds a threshold, else None."""
    if previous is None or thresholds is None:
        return None
    change = current - previous
    if change > EPSILON:
        relative, absolute = thresholds.get("relativePositiveDeviation"), thresholds.get("absolutePositiveDeviation")
        direction = "increase"
    elif change < -EPSILON:
        relative, absolute = thresholds.get("relativeNegativeDeviation"), thresholds.get("absoluteNegativeDeviation")
        direction = "decrease"
    else:
        return None
    size = abs(change)
    if absolute is not None and size > absolute + EPSILON:
        return direction
    if relative is not None and (previous <= EPSILON or size / previous > relative + EPSILON):
        return direction
    return None
