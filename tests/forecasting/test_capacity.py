"""The capacity forecast (published minus booked per process and ISO week) on hand-checked numbers."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from forecasting.capacity import OfferFacts, ResourceDayFacts, demand_by_week, iso_week, sellable_days, weekly_capacity

MON = date(2026, 12, 7)  # ISO week 2026-W50; Sunday 2026-12-13; W51 starts 2026-12-14
WEEKDAYS = (1, 2, 3, 4, 5)
R1, R2 = uuid.UUID(int=1), uuid.UUID(int=2)
A, B, C = uuid.UUID(int=11), uuid.UUID(int=12), uuid.UUID(int=13)
FACTORY = uuid.UUID(int=99)


def offer(offer_id: uuid.UUID, resource: uuid.UUID = R1, rate: int = 100, *, per_unit: int = 1, remaining: int = 10_000,
          start: date = MON, days: int = 14, lead: int = 0, today: date = MON, cut: float = 0.0, process: str = "sewing") -> OfferFacts:
    sells = sellable_days(start, start + timedelta(days=days - 1), WEEKDAYS, today, lead)
    return OfferFacts(offer_id, FACTORY, resource, process, rate, per_unit, remaining, sells, cut)


def day(n: int) -> date:
    return MON + timedelta(days=n)


def test_sellable_days_follow_the_calendar_and_the_lead_time() -> None:
    # Mon 7 .. Sun 20 December, Monday-Friday, lead time 2 from Monday: Wed 9 .. Fri 11, Mon 14 .. Fri 18.
    days = sellable_days(MON, day(13), WEEKDAYS, MON, 2)
    assert sorted(days) == [day(2), day(3), day(4), day(7), day(8), day(9), day(10), day(11)]
    assert iso_week(MON) == "2026-W50" and iso_week(day(6)) == "2026-W50" and iso_week(day(7)) == "2026-W51"


def test_published_minus_booked_per_iso_week() -> None:
    # Rate 100 a day, Monday-Friday. Week 50: Tuesday has 30 booked, Wednesday is fully booked,
    # Thursday's resource-day row was cut to 80 (a capacity change) -> published
    # 100 + 100 + 100 + 80 + 100 = 480, booked 30 + 100 = 130, free 100 + 70 + 0 + 80 + 100 = 350.
    # Week 51 has no bookings: 5 x 100 = 500 published and free.
    rows = {(R1, day(1)): ResourceDayFacts(100, 30), (R1, day(2)): ResourceDayFacts(100, 100), (R1, day(3)): ResourceDayFacts(80, 0)}
    weeks = weekly_capacity([offer(A)], rows, MON, day(13))["sewing"]
    assert [(w.week, w.start, w.end, w.published, w.booked, w.free) for w in weeks] == [
        ("2026-W50", MON, day(6), 480, 130, 350), ("2026-W51", day(7), day(13), 500, 0, 500)]
    assert weeks[0].by_offer == {A: 350}


def test_overlapping_offers_of_one_resource_share_its_day_and_resources_add_up() -> None:
    # A (100/day) and B (60/day) on the same resource: each day sells 100, not 160. C on a
    # second resource adds its 40/day. Week 50: 5 x 100 + 5 x 40 = 700.
    weeks = weekly_capacity([offer(A), offer(B, rate=60), offer(C, R2, rate=40)], {}, MON, day(6))["sewing"]
    assert [w.free for w in weeks] == [700]
    assert weeks[0].by_offer == {A: 500, C: 200}


def test_hours_become_pieces_and_maintenance_cuts_the_rate() -> None:
    # 8 hours a day at 5 pieces an hour = 40 pieces a day; an open maintenance alert that did
    # not cut this offer yet takes half: 4 hours = 20 pieces, 5 days = 100 pieces in week 50.
    assert weekly_capacity([offer(A, rate=8, per_unit=5)], {}, MON, day(6))["sewing"][0].free == 200
    cut = weekly_capacity([offer(A, rate=8, per_unit=5, cut=0.5)], {}, MON, day(6))["sewing"][0]
    assert (cut.published, cut.free) == (100, 100)
    # Booked load on the cut resource-day counts against the cut capacity: 4 hours, 3 booked.
    booked = weekly_capacity([offer(A, rate=8, per_unit=5, cut=0.5)], {(R1, MON): ResourceDayFacts(8, 3)}, MON, day(6))["sewing"][0]
    assert (booked.published, booked.booked, booked.free) == (100, 15, 85)


def test_an_offer_never_gives_more_than_it_may_still_sell() -> None:
    # 250 units left of its total: Monday 100, Tuesday 70 (30 booked), Wednesday 80 -> 250;
    # nothing is left for Thursday, Friday or the next week.
    rows = {(R1, day(1)): ResourceDayFacts(100, 30)}
    weeks = weekly_capacity([offer(A, remaining=250)], rows, MON, day(13))["sewing"]
    assert [w.free for w in weeks] == [250, 0]


def test_days_outside_the_window_and_before_the_lead_time_give_nothing() -> None:
    # Lead time 3 from Monday: Thursday and Friday of week 50 (200), all of week 51 (500).
    weeks = weekly_capacity([offer(A, lead=3)], {}, MON, day(13))["sewing"]
    assert [w.free for w in weeks] == [200, 500]
    # A window starting Friday of week 51 gives that Friday only.
    weeks = weekly_capacity([offer(A, start=day(11), days=3)], {}, MON, day(13))["sewing"]
    assert [w.free for w in weeks] == [0, 100]


def test_demand_by_week_sums_daily_points() -> None:
    points = [("sewing", day(i), 10.0) for i in range(10)] + [("cutting", day(0), 4.0)]
    assert demand_by_week(points) == {("sewing", "2026-W50"): 70.0, ("sewing", "2026-W51"): 30.0, ("cutting", "2026-W50"): 4.0}
