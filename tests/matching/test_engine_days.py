"""The engine plans per day (issue 13 item 1): on-time capacity is what the days before the
due date can make, lead time and due dates hold per part of a split order, overlapping
offers of one resource share its days, and every assignment gets its per-day slots.

Expected values are worked out by hand in each test's comments."""

from __future__ import annotations

from datetime import date, timedelta

from matching import engine

TODAY = date(2026, 12, 7)


def day(n: int) -> date:
    return TODAY + timedelta(days=n)


def offer(ident: str, per_day: int, days: int, *, price: int = 500, start: int = 0, resource: str | None = None, **extra: object) -> engine.Offer:
    free = tuple((day(start + n), per_day) for n in range(days))
    return engine.Offer(id=ident, capacity=per_day * days, process="print", org=f"factory-{ident}", resource=resource or ident,
                        window_start=day(0), window_end=day(start + days - 1), capacity_per_day=per_day, unit_price=price, currency="CNY",
                        days=free, **extra)  # type: ignore[arg-type]


def order(ident: str, quantity: int, due: int, **extra: object) -> engine.Order:
    return engine.Order(id=ident, quantity=quantity, process="print", buyer="brand", due=day(due), currency="CNY", **extra)  # type: ignore[arg-type]


def solve(orders: list[engine.Order], offers: list[engine.Offer], limits: list[engine.ResourceLimit] | None = None) -> engine.Result:
    return engine.solve(engine.Problem(orders=orders, offers=offers, resource_limits=limits or [], today=TODAY), time_limit=5)


def slots(result: engine.Result) -> dict[tuple[str, str], tuple[int, int, list[tuple[date, int]]]]:
    return {(a.order, a.offer): (a.quantity, a.late_days, list(a.days)) for a in result.allocations}


def test_two_orders_due_today_on_a_hundred_a_day_cannot_both_be_on_time() -> None:
    # 100/day: one order is made today (0 days late), the other tomorrow (1 day late).
    result = solve([order("a", 100, 0), order("b", 100, 0)], [offer("press", 100, 10)])
    placed = slots(result)
    assert sorted(late for _, late, _ in placed.values()) == [0, 1]
    assert sorted(days[0] for _, _, days in placed.values()) == [(day(0), 100), (day(1), 100)]
    for a in result.allocations:
        assert a.slot_start == a.slot_end == a.days[0][0]


def test_eight_hundred_do_not_fit_on_time_where_five_hundred_can_be_made() -> None:
    # Due on day 4: days 0-4 make 500. 800 alone on the press end on day 7, 3 days late.
    alone = slots(solve([order("big", 800, 4)], [offer("press", 100, 10)]))
    assert alone == {("big", "press"): (800, 3, [(day(n), 100) for n in range(8)])}
    # A dearer press making 200/day finishes on day 3: lateness is the last resort.
    both = slots(solve([order("big", 800, 4)], [offer("press", 100, 10), offer("fast", 200, 10, price=700)]))
    assert both == {("big", "fast"): (800, 0, [(day(n), 200) for n in range(4)])}


def test_lead_time_moves_the_first_day() -> None:
    # The service gives the days after the lead time: this press sells from day 3.
    placed = slots(solve([order("a", 150, 10)], [offer("press", 100, 8, start=3, lead_time_days=3)]))
    assert placed == {("a", "press"): (150, 0, [(day(3), 100), (day(4), 50)])}


def test_a_split_order_is_late_per_part() -> None:
    # 300 due on day 1, split allowed. The cheap press makes 200 by day 1, the dear one the
    # other 100 on day 0: both parts on time. (Whole-order lateness would call both late,
    # 300 taking 3 days on either press.)
    result = solve([order("split", 300, 1, split_allowed=True)], [offer("cheap", 100, 10, price=400), offer("dear", 100, 10, price=500)])
    assert slots(result) == {
        ("split", "cheap"): (200, 0, [(day(0), 100), (day(1), 100)]),
        ("split", "dear"): (100, 0, [(day(0), 100)]),
    }


def test_a_late_part_counts_from_its_own_last_day() -> None:
    # 450 due day 1 on one press at 100/day plus a second press at 100/day: 400 fit by day 1,
    # the other 50 go on day 2 of one press: that part alone is 1 day late.
    result = solve([order("split", 450, 1, split_allowed=True)], [offer("one", 100, 10, price=400), offer("two", 100, 10, price=410)])
    placed = slots(result)
    assert sum(q for q, _, _ in placed.values()) == 450
    lates = {o: late for (_, o), (_, late, _) in placed.items()}
    last = {o: days[-1][0] for (_, o), (_, _, days) in placed.items()}
    assert lates == {o: max(0, (last[o] - day(1)).days) for o in lates}
    assert sorted(lates.values()) == [0, 1]


def test_offers_of_one_resource_share_its_days() -> None:
    # Two offers of one 100/day press: the first order takes days 0-2, the second days 3-6
    # and is on time (due day 6) only because it comes after; at no day is the press over 100.
    press = engine.ResourceLimit("press", 1000, ("a", "b"), days=tuple((day(n), 100) for n in range(10)))
    result = solve([order("first", 300, 2), order("second", 400, 6)],
                   [offer("a", 100, 10, resource="press"), offer("b", 100, 10, price=450, resource="press")], [press])
    per_day: dict[date, int] = {}
    for a in result.allocations:
        for d, use in a.days:
            per_day[d] = per_day.get(d, 0) + use
    assert per_day == {day(n): 100 for n in range(7)}
    assert {a.order: a.late_days for a in result.allocations} == {"first": 0, "second": 0}
    # Without sharing, the second would be made on days 0-3 of the other offer: now it cannot.
    second = next(a for a in result.allocations if a.order == "second")
    assert second.slot_start == day(3) and second.slot_end == day(6)


def test_a_resource_too_busy_for_both_makes_one_late() -> None:
    press = engine.ResourceLimit("press", 1000, ("a", "b"), days=tuple((day(n), 100) for n in range(10)))
    result = solve([order("first", 300, 2), order("second", 300, 2)],
                   [offer("a", 100, 10, resource="press"), offer("b", 100, 10, price=450, resource="press")], [press])
    assert sorted(a.late_days for a in result.allocations) == [0, 3]
    assert sorted(a.slot_end for a in result.allocations) == [day(2), day(5)]


def test_results_name_real_offers_only() -> None:
    result = solve([order("a", 100, 0), order("b", 100, 5)], [offer("press", 100, 10), offer("other", 100, 10, price=900)])
    text = repr(result.to_json())
    assert "@" not in text
    for a in result.allocations:
        assert all(b["offer"] != a.offer for b in result.backups[f"{a.order}|{a.offer}"])
