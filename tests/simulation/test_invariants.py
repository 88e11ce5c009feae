"""Each of the simulation's invariant checks passes on a market traded through the API and
reports the violation when a row that breaks its promise is seeded directly in the
database (so that every check can fail)."""

from __future__ import annotations

import json
import uuid

import httpx
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from capool import jobs
from capool.db import create_session_factory
from capool.events import OutboxEvent
from capool.simulation.invariants import CHECKS, CheckContext, Violation, run_checks
from capool.tenancy import service as members
from capool.tenancy.models import Role
from marketplace.models import Allocation, AllocationDay, AllocationStatus, CapacityOffer, Order, OrderStatus
from matching.models import MatchApproval, MatchRun
from settlement import service as ledger
from settlement.ledger.entries import EntryType
from settlement.models import LedgerEntryRow
from tests.conftest import World, allocate, place, publish

PRICE = 500


async def _traded(client: httpx.AsyncClient, world: World, db: AsyncEngine) -> dict:
    """One order through the whole flow over REST: allocated, accepted, produced, a lot
    accepted, inspected, delivered; the outbox worked off into the ledger."""
    offer = await publish(client, world.floating, per_day=100, days=10, price=PRICE)
    order = await place(client, world.brand, quantity=300, operations=["screen_printing"])
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 300)])
    assert (await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": True}, headers=world.floating.headers)).status_code == 200
    for step in ("scan", "done", "confirm"):
        reported = await client.post(f"/v1/allocations/{allocation['id']}/progress", headers=world.floating.headers,
                                     json={"operation": "screen_printing", "step": step, "quantity": 300, "operator": "li"})
        assert reported.status_code == 201, reported.text
    lot = await client.post("/v1/quality/lots", headers=world.floating.headers, json={"allocation_id": allocation["id"], "quantity": 300})
    assert lot.status_code == 201, lot.text
    decided = await client.post(f"/v1/quality/lots/{lot.json()['id']}/results", headers=world.floating.headers, json={"defects": []})
    assert decided.json()["decision"] == "accepted"
    for who, to in ((world.floating, "inspected"), (world.brand, "delivered")):
        moved = await client.post(f"/v1/orders/{order['id']}/transitions", headers=who.headers, json={"to": to})
        assert moved.status_code == 200, moved.text
    await _work_off(db)
    return {"offer": offer, "order": order, "allocation": allocation, "lot": lot.json()}


async def _work_off(db: AsyncEngine) -> None:
    async with create_session_factory(db)() as session:
        await jobs.work_off_outbox(session)
        await session.commit()


async def _check(db: AsyncEngine, ctx: CheckContext, name: str) -> list[Violation]:
    async with create_session_factory(db)() as session:
        found = await CHECKS[name](session, ctx)
        await session.rollback()
    return found


async def _execute(db: AsyncEngine, *statements) -> None:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        for statement in statements:
            await session.execute(statement)
        await session.commit()


async def test_every_check_passes_on_an_honest_market(client, world: World, db) -> None:
    await _traded(client, world, db)
    async with create_session_factory(db)() as session:
        results = await run_checks(session, CheckContext(world.alliance_id))
    assert results == {name: [] for name in CHECKS}


async def test_capacity_check_finds_a_reservation_that_disagrees_with_the_allocations(client, world: World, db) -> None:
    traded = await _traded(client, world, db)
    offer_id = uuid.UUID(traded["offer"]["id"])
    await _execute(db, update(CapacityOffer).where(CapacityOffer.id == offer_id).values(reserved=200))
    [found] = await _check(db, CheckContext(world.alliance_id), "capacity")
    assert found.subject == f"offer {offer_id}"
    assert found.detail == "reserved says 200, its active allocations use 300"


async def test_capacity_check_finds_a_resource_day_booked_past_its_capacity(client, world: World, db) -> None:
    traded = await _traded(client, world, db)
    offer = traded["offer"]
    # The 300 units are booked 100 a day on a resource that makes 100 a day; one day's slot
    # seeded directly at 150: the day is over capacity and out of step with its booking.
    async with create_session_factory(db)() as session:
        first = (await session.execute(
            select(AllocationDay).where(AllocationDay.allocation_id == uuid.UUID(traded["allocation"]["id"])).order_by(AllocationDay.day)
        )).scalars().first()
        assert first is not None and first.use == 100
        first.use = 150
        day = first.day
        await session.commit()
    found = await _check(db, CheckContext(world.alliance_id), "capacity")
    assert {(v.subject, v.detail) for v in found} == {
        (f"offer {offer['id']}", f"150 piece(s) booked on {day}; it sells 100 a day"),
        (f"resource {offer['resource_id']}", f"on {day}: capacity 100, booked 100, the active allocations' slots use 150"),
    }


async def test_approvals_check_finds_a_large_plan_applied_without_approvals(client, world: World, db) -> None:
    traded = await _traded(client, world, db)
    # 300 units at 10,000 = 3,000,000 minor units, above the 2,000,000 threshold, with no run.
    await _execute(db, update(Allocation).where(Allocation.id == uuid.UUID(traded["allocation"]["id"])).values(unit_price_minor=10_000))
    found = await _check(db, CheckContext(world.alliance_id), "approvals")
    assert [(v.subject, v.detail) for v in found] == [
        (f"plan {traded['allocation']['plan_id']}", "worth 3000000 minor units (threshold 2000000) but applied without a run and its approvals")]


async def _approved_large_run(client: httpx.AsyncClient, world: World, db: AsyncEngine) -> dict:
    """A manual plan of 5,000 x 500 = 2,500,000: stored as a run, approved twice, applied."""
    async with create_session_factory(db)() as session:
        approvers = []
        for n in (1, 2):
            user = await members.create_user(session, world.brand.org_id, f"approver{n}-{uuid.uuid4().hex[:6]}@brand.test", f"approver {n}", Role.ORG_ADMIN)
            approvers.append({"Authorization": f"Bearer {(await members.issue_api_key(session, user.id, 'test')).token}"})
        await session.commit()
    offer = await publish(client, world.floating, per_day=1000, days=10, price=PRICE)
    order = await place(client, world.brand, quantity=5000)
    run = await client.post("/v1/allocation-plans", headers=world.brand.headers, json={"items": [{"order_id": order["id"], "offer_id": offer["id"], "quantity": 5000}]})
    assert run.status_code == 202, run.text
    for headers in approvers:
        approved = await client.post(f"/v1/matching/runs/{run.json()['id']}/approve", headers=headers, json={"plan_digest": run.json()["plan_digest"]})
        assert approved.status_code == 200, approved.text
    applied = await client.post(f"/v1/matching/runs/{run.json()['id']}/apply", headers=world.brand.headers)
    assert applied.status_code == 200, applied.text
    return applied.json()


async def test_approvals_check_finds_a_run_applied_with_one_valid_approval(client, world: World, db) -> None:
    run = await _approved_large_run(client, world, db)
    ctx = CheckContext(world.alliance_id)
    assert await _check(db, ctx, "approvals") == []
    async with create_session_factory(db)() as session:
        first = (await session.execute(select(MatchApproval).where(MatchApproval.run_id == uuid.UUID(run["id"])).order_by(MatchApproval.id))).scalars().first()
        assert first is not None
        # An approval of another plan does not count for this one.
        first.plan_digest = "0" * 64
        await session.commit()
    found = await _check(db, ctx, "approvals")
    assert [(v.subject, v.detail) for v in found] == [(f"run {run['id']}", "applied with 1 valid approval(s) of its plan; two are required")]


async def test_approvals_check_finds_a_run_whose_plan_is_not_what_was_approved(client, world: World, db) -> None:
    run = await _approved_large_run(client, world, db)
    async with create_session_factory(db)() as session:
        row = await session.get(MatchRun, uuid.UUID(run["id"]))
        assert row is not None
        row.plan = [dict(row.plan[0], unit_price_minor=PRICE * 2)]
        await session.commit()
    found = await _check(db, CheckContext(world.alliance_id), "approvals")
    assert {v.detail for v in found} == {
        f"plan {run['applied_plan_id']} created allocations other than the run's plan",
        "its plan digest is not the digest of its plan: the approvals signed something else",
    }


async def test_payments_check_finds_a_lot_paid_twice(client, world: World, db) -> None:
    traded = await _traded(client, world, db)
    lot, allocation = traded["lot"], traded["allocation"]
    async with create_session_factory(db)() as session:
        [paid] = (await session.execute(select(LedgerEntryRow).where(LedgerEntryRow.type == EntryType.PAYMENT_RELEASED.value))).scalars()
        # The same payment again under another key: the ledger takes it, the check must not.
        await ledger.append(session, world.alliance_id, EntryType.PAYMENT_RELEASED, json.loads(paid.payload_json), parties=paid.parties, source_key="seeded:twice")
        await ledger.issue_checkpoint(session, world.alliance_id)
        await session.commit()
    found = await _check(db, CheckContext(world.alliance_id), "payments")
    assert {(v.subject, v.detail) for v in found} == {
        (f"lot {lot['id']}", "settled 2 times; each lot is settled once"),
        (f"allocation {allocation['id']}", "paid for 600 units of its 300"),
        (f"allocation {allocation['id']}", f"paid 300000 minor units; it is worth {300 * PRICE}"),
        (f"allocation {allocation['id']}", "paid_quantity says 300; the ledger paid 600 units"),
    }


async def test_payments_check_finds_an_accepted_lot_never_paid(client, world: World, db) -> None:
    traded = await _traded(client, world, db)
    await _execute(db, delete(LedgerEntryRow).where(LedgerEntryRow.type == EntryType.PAYMENT_RELEASED.value))
    found = await _check(db, CheckContext(world.alliance_id), "payments")
    assert {(v.subject, v.detail) for v in found} == {
        (f"lot {traded['lot']['id']}", "accepted but never paid"),
        (f"allocation {traded['allocation']['id']}", "paid_quantity says 300; the ledger paid 0 units"),
    }


async def test_order_history_check_finds_a_status_its_history_does_not_explain(client, world: World, db) -> None:
    traded = await _traded(client, world, db)
    order = traded["order"]
    await _execute(db, update(Order).where(Order.id == uuid.UUID(order["id"])).values(status=OrderStatus.SETTLED))
    [found] = await _check(db, CheckContext(world.alliance_id), "order_history")
    assert (found.subject, found.detail) == (f"order {order['reference']} ({order['id']})", "status settled but its history ends at delivered")


async def test_order_history_check_finds_an_allocated_order_without_its_allocations(client, world: World, db) -> None:
    offer = await publish(client, world.floating, per_day=100, days=10, price=PRICE)
    order = await place(client, world.brand, quantity=100)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 100)])
    ctx = CheckContext(world.alliance_id)
    assert await _check(db, ctx, "order_history") == []
    await _execute(db, update(Allocation).where(Allocation.id == uuid.UUID(allocation["id"])).values(status=AllocationStatus.CANCELLED))
    [found] = await _check(db, ctx, "order_history")
    assert found.detail == "allocated with 0 of 100 units on active allocations"


async def test_ledger_check_finds_a_tampered_entry(client, world: World, db) -> None:
    await _traded(client, world, db)
    ctx = CheckContext(world.alliance_id)
    assert await _check(db, ctx, "ledger") == []
    assert ctx.ledger.size > 0 and ctx.ledger.root is not None
    async with create_session_factory(db)() as session:
        row = (await session.execute(select(LedgerEntryRow).where(LedgerEntryRow.type == EntryType.PAYMENT_RELEASED.value))).scalar_one()
        row.payload_json = row.payload_json.replace('"quantity":300', '"quantity":3000')
        await session.commit()
    [found] = await _check(db, ctx, "ledger")
    assert found.check == "ledger" and found.detail.startswith(f"the export does not verify: entry {row.seq}")


async def test_ledger_check_finds_a_delivery_before_production(client, world: World, db) -> None:
    await _traded(client, world, db)
    await _execute(db, delete(LedgerEntryRow).where(LedgerEntryRow.type == EntryType.PRODUCED.value))
    found = await _check(db, CheckContext(world.alliance_id), "ledger")
    # The export no longer verifies (an entry is missing) and the delivery has no production before it.
    assert [v.detail.split(" (entry")[0] for v in found][-1] == "delivered"
    assert len(found) == 2 and found[0].detail.startswith("the export does not verify")


async def test_outbox_check_finds_an_unprocessed_event(client, world: World, db) -> None:
    await _traded(client, world, db)
    ctx = CheckContext(world.alliance_id)
    assert await _check(db, ctx, "outbox") == []
    async with create_session_factory(db)() as session:
        stuck = OutboxEvent(alliance_id=world.alliance_id, organisation_id=world.brand.org_id, type="order.delivered", aggregate_type="order",
                            aggregate_id=uuid.uuid4(), payload={}, attempts=3, last_error="consumer failed")
        session.add(stuck)
        await session.commit()
    [found] = await _check(db, ctx, "outbox")
    assert (found.subject, found.detail) == (f"event {stuck.id}", "order.delivered unprocessed after 3 attempt(s): consumer failed")
