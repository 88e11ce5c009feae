"""Capacity in time (issue 13 item 1): a resource has capacity per day, every reservation
books resource-days in the database, and no path can book a resource past its capacity on
any day, also when plans race each other on PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

from sqlalchemy import select

from capool.db import create_session_factory
from marketplace import repository
from marketplace.models import AllocationDay, ResourceDay
from matching import service as matching_service
from tests.conftest import Member, World, place, today_plus


async def _resource(client, member: Member, *, weekdays: list[int] | None = None) -> str:
    site = await client.post("/v1/sites", json={"name": f"site-{uuid.uuid4().hex[:6]}", "region": "foshan"}, headers=member.headers)
    assert site.status_code == 201, site.text
    body = {"site_id": site.json()["id"], "name": f"press-{uuid.uuid4().hex[:6]}", "kind": "machine", "processes": ["screen_printing", "embroidery"],
            "materials": ["cotton"]}
    if weekdays is not None:
        body["working_weekdays"] = weekdays
    resource = await client.post("/v1/resources", json=body, headers=member.headers)
    assert resource.status_code == 201, resource.text
    return resource.json()["id"]


async def _offer(client, member: Member, resource_id: str, *, per_day: int = 100, start: int = 0, days: int = 10, price: int = 500,
                 unit: str = "piece", expect: int = 201, process: str = "screen_printing", **extra: object) -> dict:
    response = await client.post("/v1/offers", headers=member.headers, json={
        "resource_id": resource_id, "process": process, "window_start": today_plus(start), "window_end": today_plus(start + days - 1),
        "capacity_per_day": per_day, "unit_price_minor": price, "currency": "CNY", "capacity_unit": unit, **extra,
    })
    assert response.status_code == expect, response.text
    return response.json()


async def _plan(client, member: Member, items: list[tuple[str, str, int]]):
    return await client.post("/v1/allocation-plans", headers=member.headers,
                             json={"items": [{"order_id": o, "offer_id": f, "quantity": q} for o, f, q in items]})


async def _days(db, resource_id: str) -> dict[date, tuple[int, int]]:
    async with create_session_factory(db)() as session:
        rows = (await session.execute(select(ResourceDay).where(ResourceDay.resource_id == uuid.UUID(resource_id)))).scalars()
        return {r.day: (r.capacity, r.booked) for r in rows}


async def _slots(db, allocation_id: str) -> list[tuple[date, int, int]]:
    async with create_session_factory(db)() as session:
        rows = (await session.execute(select(AllocationDay).where(AllocationDay.allocation_id == uuid.UUID(allocation_id)).order_by(AllocationDay.day))).scalars()
        return [(r.day, r.use, r.quantity) for r in rows]


async def _violations(db) -> list:
    async with create_session_factory(db)() as session:
        return await repository.overbooked_resource_days(session)


def _day(n: int) -> date:
    return date.today() + timedelta(days=n)


async def test_an_allocation_books_its_earliest_days_and_ends_on_its_last(client, db, world: World) -> None:
    resource = await _resource(client, world.floating)
    offer = await _offer(client, world.floating, resource, per_day=100, days=10)
    order = await place(client, world.brand, quantity=250)
    response = await _plan(client, world.brand, [(order["id"], offer["id"], 250)])
    assert response.status_code == 201, response.text
    allocation = response.json()[0]
    # 250 pieces at 100 a day: days 0, 1 (full) and 2 (50); the slot ends on day 2, not the window's end.
    assert await _slots(db, allocation["id"]) == [(_day(0), 100, 100), (_day(1), 100, 100), (_day(2), 50, 50)]
    assert allocation["slot_start"].startswith(_day(0).isoformat()) and allocation["slot_end"].startswith(_day(2).isoformat())
    days = await _days(db, resource)
    assert [days[_day(n)] for n in range(4)] == [(100, 100), (100, 100), (100, 50), (100, 0)]
    tracked = (await client.get(f"/v1/orders/{order['id']}/tracking", headers=world.brand.headers)).json()
    assert tracked["eta"].startswith(_day(2).isoformat())
    assert await _violations(db) == []


async def test_overlapping_offers_share_the_resource_days(client, db, world: World) -> None:
    """Two offers of 1,000 on one 100/day machine sell one machine: 1,000 in all, not 2,000."""
    resource = await _resource(client, world.floating)
    first = await _offer(client, world.floating, resource, per_day=100, days=10)
    second = await _offer(client, world.floating, resource, per_day=100, days=10, price=450)
    big = await place(client, world.brand, quantity=2000, split_allowed=True)
    refused = await _plan(client, world.brand, [(big["id"], first["id"], 1000), (big["id"], second["id"], 1000)])
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["code"] == "capacity_exhausted" and body["resource_id"] == resource
    assert refused.headers["content-type"].startswith("application/problem+json")
    # Nothing half-written: no day booked, no allocation, the order still open.
    assert all(booked == 0 for _, booked in (await _days(db, resource)).values())
    assert (await client.get(f"/v1/orders/{big['id']}", headers=world.brand.headers)).json()["status"] == "submitted"
    for offer in (first, second):
        assert (await client.get(f"/v1/offers/{offer['id']}", headers=world.floating.headers)).json()["reserved"] == 0

    a = await place(client, world.brand, quantity=1000)
    assert (await _plan(client, world.brand, [(a["id"], first["id"], 1000)])).status_code == 201
    b = await place(client, world.other_buyer, quantity=100)
    later = await _plan(client, world.other_buyer, [(b["id"], second["id"], 100)])
    assert later.status_code == 409 and later.json()["code"] == "capacity_exhausted", later.text
    assert all(day == (100, 100) for day in (await _days(db, resource)).values())
    assert await _violations(db) == []


async def test_overlapping_offer_in_another_unit_is_refused(client, world: World) -> None:
    resource = await _resource(client, world.floating)
    await _offer(client, world.floating, resource, per_day=100, days=10)
    refused = await _offer(client, world.floating, resource, per_day=8, start=5, days=10, unit="hour", units_per_hour=20, expect=409)
    assert refused["code"] == "capacity_unit_mismatch"
    # After the window, another unit is fine: the days are not shared.
    await _offer(client, world.floating, resource, per_day=8, start=10, days=5, unit="hour", units_per_hour=20)


async def test_declining_frees_the_days(client, db, world: World) -> None:
    resource = await _resource(client, world.floating)
    offer = await _offer(client, world.floating, resource, per_day=100, days=5)
    order = await place(client, world.brand, quantity=300)
    allocation = (await _plan(client, world.brand, [(order["id"], offer["id"], 300)])).json()[0]
    assert [b for _, (_, b) in sorted((await _days(db, resource)).items())] == [100, 100, 100, 0, 0]
    declined = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": False, "reason": "press down"}, headers=world.floating.headers)
    assert declined.status_code == 200, declined.text
    assert [b for _, (_, b) in sorted((await _days(db, resource)).items())] == [0, 0, 0, 0, 0]
    other = await place(client, world.other_buyer, quantity=500)
    assert (await _plan(client, world.other_buyer, [(other["id"], offer["id"], 500)])).status_code == 201
    assert await _violations(db) == []


async def test_cancelling_the_order_frees_the_days(client, db, world: World) -> None:
    resource = await _resource(client, world.floating)
    offer = await _offer(client, world.floating, resource, per_day=100, days=5)
    order = await place(client, world.brand, quantity=150)
    assert (await _plan(client, world.brand, [(order["id"], offer["id"], 150)])).status_code == 201
    cancelled = await client.post(f"/v1/orders/{order['id']}/transitions", json={"to": "cancelled"}, headers=world.brand.headers)
    assert cancelled.status_code == 200, cancelled.text
    assert all(booked == 0 for _, booked in (await _days(db, resource)).values())


async def test_the_calendar_and_lead_time_decide_the_days(client, db, world: World) -> None:
    """A Monday-to-Friday press sells 5 days a week; lead time moves the first day."""
    resource = await _resource(client, world.floating, weekdays=[1, 2, 3, 4, 5])
    offer = await _offer(client, world.floating, resource, per_day=100, days=14, lead_time_days=2)
    assert offer["total_capacity"] == 100 * 10
    order = await place(client, world.brand, quantity=300)
    allocation = (await _plan(client, world.brand, [(order["id"], offer["id"], 300)])).json()[0]
    working = [d for d in (_day(n) for n in range(2, 14)) if d.isoweekday() <= 5][:3]
    assert [d for d, _, _ in await _slots(db, allocation["id"])] == working


async def test_hour_offers_book_hours_per_day(client, db, world: World) -> None:
    resource = await _resource(client, world.floating)
    offer = await _offer(client, world.floating, resource, per_day=8, days=5, unit="hour", units_per_hour=20)
    order = await place(client, world.brand, quantity=330)  # 17 hours: 8 + 8 + 1
    allocation = (await _plan(client, world.brand, [(order["id"], offer["id"], 330)])).json()[0]
    assert await _slots(db, allocation["id"]) == [(_day(0), 8, 160), (_day(1), 8, 160), (_day(2), 1, 10)]


async def test_shrinking_an_offer_below_its_booked_days_is_refused(client, db, world: World) -> None:
    resource = await _resource(client, world.floating)
    offer = await _offer(client, world.floating, resource, per_day=100, days=10)
    order = await place(client, world.brand, quantity=200)
    assert (await _plan(client, world.brand, [(order["id"], offer["id"], 200)])).status_code == 201
    shrink = await client.patch(f"/v1/offers/{offer['id']}", json={"capacity_per_day": 60}, headers=world.floating.headers)
    assert shrink.status_code == 409 and shrink.json()["code"] == "capacity_below_reserved", shrink.text
    grow = await client.patch(f"/v1/offers/{offer['id']}", json={"capacity_per_day": 150}, headers=world.floating.headers)
    assert grow.status_code == 200, grow.text
    assert (await _days(db, resource))[_day(0)] == (150, 100)


async def test_concurrent_manual_plans_never_overbook_a_day(client, db, world: World) -> None:
    """Plans through two overlapping offers of one machine race each other: the database
    lets exactly the ones that fit through (on PostgreSQL they really run at once)."""
    resource = await _resource(client, world.floating)
    first = await _offer(client, world.floating, resource, per_day=100, days=5)
    second = await _offer(client, world.floating, resource, per_day=100, days=5, price=450)
    orders = [await place(client, world.brand if n % 2 else world.other_buyer, quantity=100) for n in range(8)]

    async def plan(n: int, order: dict):
        member = world.brand if n % 2 else world.other_buyer
        return await _plan(client, member, [(order["id"], (first if n < 4 else second)["id"], 100)])

    responses = await asyncio.gather(*(plan(n, o) for n, o in enumerate(orders)))
    assert sorted(r.status_code for r in responses) == [201] * 5 + [409] * 3
    assert all(day == (100, 100) for day in (await _days(db, resource)).values())
    assert await _violations(db) == []


async def test_two_runs_on_overlapping_offers_computed_before_either_is_applied(client, db, world: World) -> None:
    """One press sells screen printing and embroidery over the same ten days. Each buyer's run
    sees the whole press free; applied at once, the second gets 409 and the press is never
    booked past 100 on any day."""
    resource = await _resource(client, world.floating)
    await _offer(client, world.floating, resource, per_day=100, days=10)
    await _offer(client, world.floating, resource, per_day=100, days=10, process="embroidery")
    await place(client, world.brand, quantity=600)
    await place(client, world.other_buyer, quantity=600, process="embroidery")
    runs = []
    for member in (world.brand, world.other_buyer):
        run = await client.post("/v1/matching/runs", json={"time_limit_s": 2}, headers=member.headers)
        assert run.status_code == 201, run.text
        assert len(run.json()["plan"]) == 1
        runs.append((member, run.json()))
    applied = await asyncio.gather(*(client.post(f"/v1/matching/runs/{run['id']}/apply", headers=m.headers) for m, run in runs))
    assert sorted(r.status_code for r in applied) == [200, 409], [r.text for r in applied]
    refused = next(r for r in applied if r.status_code == 409).json()
    assert refused["code"] == "capacity_exhausted" and refused["resource_id"] == resource
    days = await _days(db, resource)
    assert all(booked <= capacity for capacity, booked in days.values())
    assert sum(booked for _, booked in days.values()) == 600
    assert await _violations(db) == []


async def test_a_manual_plan_beside_a_run(client, db, world: World) -> None:
    resource = await _resource(client, world.floating)
    offer = await _offer(client, world.floating, resource, per_day=100, days=10)
    await place(client, world.brand, quantity=700)
    run = await client.post("/v1/matching/runs", json={"time_limit_s": 2}, headers=world.brand.headers)
    assert run.status_code == 201 and len(run.json()["plan"]) == 1, run.text
    manual = await place(client, world.other_buyer, quantity=700)
    applied, planned = await asyncio.gather(
        client.post(f"/v1/matching/runs/{run.json()['id']}/apply", headers=world.brand.headers),
        _plan(client, world.other_buyer, [(manual["id"], offer["id"], 700)]),
    )
    assert sorted([applied.status_code, planned.status_code]) == [200, 409] or sorted([applied.status_code, planned.status_code]) == [201, 409], (
        applied.text, planned.text)
    days = await _days(db, resource)
    assert sum(booked for _, booked in days.values()) == 700
    assert await _violations(db) == []


async def test_overbooked_resource_days_reports_a_broken_day(db, world: World, client) -> None:
    """The helper the simulation relies on does see a day whose bookings disagree with the slots."""
    resource = await _resource(client, world.floating)
    offer = await _offer(client, world.floating, resource, per_day=100, days=3)
    order = await place(client, world.brand, quantity=50)
    assert (await _plan(client, world.brand, [(order["id"], offer["id"], 50)])).status_code == 201
    async with create_session_factory(db)() as session:
        await repository.release_resource_day(session, uuid.UUID(resource), _day(0), 20)
        await session.commit()
    violations = await _violations(db)
    assert [(str(v.resource_id), v.day, v.capacity, v.booked, v.slots) for v in violations] == [(resource, _day(0), 100, 30, 50)]


async def test_a_run_plans_days_and_applying_books_exactly_them(client, db, world: World) -> None:
    """250 due in 5 days on a 100/day press: the run's plan holds days 0, 1, 2 (100, 100, 50)
    and its slot ends on day 2; applied, the allocation books exactly those days and the
    order's ETA is day 2, not the offer window's last day."""
    resource = await _resource(client, world.floating)
    await _offer(client, world.floating, resource, per_day=100, days=30)
    order = await place(client, world.brand, quantity=250, due_at=f"{_day(5).isoformat()}T12:00:00+00:00")
    run = await client.post("/v1/matching/runs", json={"time_limit_s": 2}, headers=world.brand.headers)
    assert run.status_code == 201, run.text
    (item,) = run.json()["plan"]
    assert item["days"] == [[_day(0).isoformat(), 100], [_day(1).isoformat(), 100], [_day(2).isoformat(), 50]]
    assert item["slot_end"].startswith(_day(2).isoformat())
    applied = await client.post(f"/v1/matching/runs/{run.json()['id']}/apply", headers=world.brand.headers)
    assert applied.status_code == 200, applied.text
    (allocation,) = (await client.get("/v1/allocations", params={"order_id": order["id"]}, headers=world.brand.headers)).json()["items"]
    assert allocation["slot_end"].startswith(_day(2).isoformat())
    assert await _slots(db, allocation["id"]) == [(_day(0), 100, 100), (_day(1), 100, 100), (_day(2), 50, 50)]
    tracked = (await client.get(f"/v1/orders/{order['id']}/tracking", headers=world.brand.headers)).json()
    assert tracked["eta"].startswith(_day(2).isoformat())
    assert tracked["allocations"][0]["days"] == [{"day": _day(n).isoformat(), "quantity": q} for n, q in ((0, 100), (1, 100), (2, 50))]


async def test_two_thousand_on_a_thousand_piece_machine_is_refused(client, db, world: World) -> None:
    """POST /v1/allocation-plans with 2,000 on a 1,000-piece machine (one offer, or two
    offers of it) answers 409 and books nothing."""
    resource = await _resource(client, world.floating)
    offer = await _offer(client, world.floating, resource, per_day=100, days=10)
    order = await place(client, world.brand, quantity=2000)
    refused = await _plan(client, world.brand, [(order["id"], offer["id"], 2000)])
    assert refused.status_code == 409 and refused.json()["code"] == "capacity_exhausted", refused.text
    assert all(booked == 0 for _, booked in (await _days(db, resource)).values())


async def test_repair_after_withdrawal_frees_the_old_days_and_books_new_ones(client, db, world: World) -> None:
    """300 proposed on a withdrawn press move to the other factory's press: the old days are
    free again, the new allocation books days 0-2 there (100 a day)."""
    old = await _resource(client, world.floating)
    withdrawn = await _offer(client, world.floating, old, per_day=100, days=10)
    new = await _resource(client, world.partner)
    await _offer(client, world.partner, new, per_day=100, days=10, price=900)
    order = await place(client, world.brand, quantity=300)
    assert (await _plan(client, world.brand, [(order["id"], withdrawn["id"], 300)])).status_code == 201
    response = await client.post(f"/v1/offers/{withdrawn['id']}/withdraw", json={"reason": "press broken"}, headers=world.floating.headers)
    assert response.status_code == 200, response.text
    async with create_session_factory(db)() as session:
        (queued,) = await matching_service.queue_repairs(session, uuid.UUID(withdrawn["id"]), [uuid.UUID(a) for a in response.json()["affected_allocations"]])
        await session.commit()
    async with create_session_factory(db)() as session:
        run = await matching_service.execute_queued(session, queued.id)
        await session.commit()
    assert run is not None
    assert all(booked == 0 for _, booked in (await _days(db, old)).values())
    expected = {_day(0): 100, _day(1): 100, _day(2): 100}
    (item,) = run.plan
    assert {date.fromisoformat(d): u for d, u in item["days"]} == expected
    # A small repair applies by itself.
    booked_new = {d: b for d, (_, b) in (await _days(db, new)).items() if b}
    assert run.status.value == "applied", run.status
    assert booked_new == expected
    assert await _violations(db) == []
