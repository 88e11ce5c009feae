"""The DCM arithmetic (marketplace/integrations/catenax/weekly.py) on hand-checked numbers."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from marketplace.integrations.catenax import weekly

FACTORY, BUYER, OTHER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
MONDAY = date(2026, 12, 7)


def offer(start: date, end: date, per_day: int, visibility: str = "alliance", process: str = "sewing") -> weekly.OfferFacts:
    return weekly.OfferFacts(uuid.uuid4(), FACTORY, process, start, end, per_day, visibility)


def test_iso_weeks_and_mondays() -> None:
    assert weekly.monday(date(2026, 12, 10)) == MONDAY
    assert weekly.iso_week(date(2026, 12, 28)) == "2026-W53"  # 2026 has 53 ISO weeks
    assert weekly.iso_week(date(2027, 1, 4)) == "2027-W01"
    assert weekly.weeks_from(date(2026, 12, 31), 2) == [date(2026, 12, 28), date(2027, 1, 4)]


def test_published_counts_the_window_days_inside_the_week() -> None:
    # Wednesday to the next Tuesday: 5 days in the first week, 2 in the second.
    o = offer(date(2026, 12, 9), date(2026, 12, 15), 30)
    assert weekly.published(o, MONDAY) == 150
    assert weekly.published(o, date(2026, 12, 14)) == 60
    assert weekly.published(o, date(2026, 12, 21)) == 0


def test_booked_spreads_the_quantity_over_the_slot_by_time() -> None:
    # 90 pieces from Sunday 12:00 to Monday 12:00 plus 24 h: 12 h in the first week, 36 h in the second.
    b = weekly.BookingFacts(offer(MONDAY, date(2026, 12, 20), 10), BUYER, 90, datetime(2026, 12, 13, 12, tzinfo=UTC), datetime(2026, 12, 15, 12, tzinfo=UTC))
    assert weekly.booked(b, MONDAY) == 22.5
    assert weekly.booked(b, date(2026, 12, 14)) == 67.5


def day(n: int) -> date:
    return date(2026, 12, 7 + n)


def test_capacity_for_a_customer() -> None:
    shared = offer(MONDAY, date(2026, 12, 13), 100)  # 700 in the week
    partners_only = offer(MONDAY, date(2026, 12, 13), 10, visibility="partners")  # 70, open only to partners
    private = offer(MONDAY, date(2026, 12, 13), 1000, visibility="private")
    slot = (datetime(2026, 12, 7, tzinfo=UTC), datetime(2026, 12, 14, tzinfo=UTC))
    bookings = [weekly.BookingFacts(shared, BUYER, 100, *slot, {day(3): 100}),
                weekly.BookingFacts(shared, OTHER, 250, *slot, {day(0): 100, day(1): 100, day(2): 50}),
                weekly.BookingFacts(private, OTHER, 900, *slot, {day(0): 900})]
    offers = [shared, partners_only, private]
    # Without a partnership: open 700, other customers booked 250 of it (the private booking does not count).
    [week] = weekly.capacity_weeks(FACTORY, BUYER, "sewing", [MONDAY], offers, bookings, {})
    assert (week.actual, week.maximum, week.agreed) == (100, 450, None)
    # With one reserving 10%: open 770, agreed 77.
    [week] = weekly.capacity_weeks(FACTORY, BUYER, "sewing", [MONDAY], offers, bookings, {(BUYER, FACTORY): 10})
    assert (week.actual, week.maximum, week.agreed) == (100, 520, 77)
    assert weekly.capacity_weeks(FACTORY, BUYER, "sewing", [MONDAY + weekly.WEEK], offers, bookings, {})[0].maximum == 0
    assert weekly.capacity_weeks(FACTORY, BUYER, "cutting", [MONDAY], offers, bookings, {})[0].maximum == 0


def test_the_maximum_never_falls_below_what_the_customer_booked() -> None:
    shared = offer(MONDAY, date(2026, 12, 13), 100)
    partners_only = offer(MONDAY, date(2026, 12, 13), 10, visibility="partners")
    slot = (datetime(2026, 12, 7, tzinfo=UTC), datetime(2026, 12, 14, tzinfo=UTC))
    # The buyer booked the partners-only offer while it had a partnership; others took all of the shared one.
    bookings = [weekly.BookingFacts(partners_only, BUYER, 70, *slot, {day(i): 10 for i in range(7)}),
                weekly.BookingFacts(shared, OTHER, 700, *slot, {day(i): 100 for i in range(7)})]
    [week] = weekly.capacity_weeks(FACTORY, BUYER, "sewing", [MONDAY], [shared, partners_only], bookings, {})
    assert (week.actual, week.maximum) == (70, 70)


def test_offers_of_one_resource_share_its_days() -> None:
    """Two overlapping offers of one resource: each day sells the larger daily rate, not the sum."""
    resource = uuid.uuid4()
    weekdays = frozenset(day(i) for i in range(5))  # the resource works Monday to Friday
    wide = weekly.OfferFacts(uuid.uuid4(), FACTORY, "sewing", MONDAY, date(2026, 12, 13), 100, "alliance", resource, weekdays)
    narrow = weekly.OfferFacts(uuid.uuid4(), FACTORY, "sewing", day(3), date(2026, 12, 13), 160, "alliance", resource, weekdays)
    assert weekly.published(wide, MONDAY) == 500
    [week] = weekly.capacity_weeks(FACTORY, BUYER, "sewing", [MONDAY], [wide, narrow], [], {})
    assert week.maximum == 3 * 100 + 2 * 160


def test_matching_results() -> None:
    assert weekly.match(100, 100, 150) == weekly.Match("zero_deviation", "green")
    assert weekly.match(99, 100, 150) == weekly.Match("surplus", "green")
    assert weekly.match(150, 100, 150) == weekly.Match("bottleneck_actual", "yellow")
    assert weekly.match(151, 100, 150) == weekly.Match("bottleneck_maximum", "red")


def test_volatility_thresholds() -> None:
    thresholds = weekly.thresholds_for(weekly.DEFAULT_VOLATILITY, 0)
    assert thresholds is not None and weekly.thresholds_for(weekly.DEFAULT_VOLATILITY, 104) is None
    assert weekly.volatility(1000, 1000, thresholds) is None
    assert weekly.volatility(1150, 1000, thresholds) == "increase"  # +150 units, +15%: the absolute threshold
    assert weekly.volatility(1100, 1000, thresholds) is None  # +100 units, +10%: neither exceeded
    assert weekly.volatility(61, 50, thresholds) == "increase"  # +11 units, +22%: the relative threshold
    assert weekly.volatility(60, 50, thresholds) is None  # exactly +20%
    assert weekly.volatility(34, 50, thresholds) == "decrease"  # -32%
    assert weekly.volatility(36, 50, thresholds) is None  # -28%
    assert weekly.volatility(5, 0, thresholds) == "increase"  # from nothing
    assert weekly.volatility(5, None, thresholds) is None  # no reference


def test_sub_horizons_roll_in_sequence() -> None:
    parameters = {"rollingHorizonAlertThresholds": [
        {"sequenceNumber": 2, "subhorizonLength": 8, "absolutePositiveDeviation": 500},
        {"sequenceNumber": 1, "subhorizonLength": 4, "absolutePositiveDeviation": 50},
    ]}
    assert weekly.thresholds_for(parameters, 3)["absolutePositiveDeviation"] == 50  # type: ignore[index]
    assert weekly.thresholds_for(parameters, 4)["absolutePositiveDeviation"] == 500  # type: ignore[index]
    assert weekly.thresholds_for(parameters, 12) is None
