"""Pay once: inspection lots present quantities of one allocation, never more than it has,
and an allocation is paid at most quantity x agreed unit price, once per accepted unit, also
when lots are opened and decided concurrently and decision events are redelivered."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from capool import events
from capool.clock import utcnow
from capool.db import create_session_factory
from capool.events import OutboxEvent
from marketplace.models import Allocation, Order
from quality.models import InspectionLot
from settlement.models import LedgerEntryRow
from tests.conftest import World, allocate, place, publish
from tests.tenancy import snapshot

PRICE = 1_000


async def _allocation(client: httpx.AsyncClient, world: World, quantity: int = 10) -> dict:
    """An accepted allocation of `quantity` units at PRICE from the floating factory."""
    offer = await publish(client, world.floating, per_day=100, days=10, price=PRICE)
    order = await place(client, world.brand, quantity=quantity)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], quantity)])
    accepted = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": True}, headers=world.floating.headers)
    assert accepted.status_code == 200, accepted.text
    return allocation


async def _open(client: httpx.AsyncClient, world: World, allocation: dict, quantity: int) -> httpx.Response:
    return await client.post("/v1/quality/lots", headers=world.floating.headers, json={"allocation_id": allocation["id"], "quantity": quantity})


async def _decide(client: httpx.AsyncClient, world: World, lot_id: str, *, reject: bool = False) -> httpx.Response:
    defects = [{"defect_class": "crack", "severity": "critical", "count": 1}] if reject else []
    return await client.post(f"/v1/quality/lots/{lot_id}/results", headers=world.floating.headers, json={"defects": defects})


async def _handle(db, event_id: uuid.UUID) -> None:  # type: ignore[no-untyped-def]
    """One delivery of an outbox event to its consumers, in its own transaction (as a worker does)."""
    async with create_session_factory(db)() as session:
        row = await session.get(OutboxEvent, event_id)
        assert row is not None
        for handler in events.consumers_for(row.type):
            await handler(session, row)
        row.processed_at = utcnow()
        await session.commit()


async def _deliver_lot_decisions(db, *, copies: int = 1) -> None:  # type: ignore[no-untyped-def]
    """Every lot decision delivered `copies` times at once (redelivery racing the first delivery)."""
    async with create_session_factory(db)() as session:
        ids = list((await session.execute(
            select(OutboxEvent.id).where(OutboxEvent.type == "quality.lot_decided").order_by(OutboxEvent.created_at)
        )).scalars())
    await asyncio.gather(*(_handle(db, event_id) for event_id in ids for _ in range(copies)))


async def _payments(db, entry_type: str = "payment.released") -> list[dict]:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        rows = (await session.execute(select(LedgerEntryRow).where(LedgerEntryRow.type == entry_type).order_by(LedgerEntryRow.seq))).scalars()
        return [json.loads(row.payload_json) for row in rows]


async def _totals(db, allocation: dict) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        row = await session.get(Allocation, uuid.UUID(allocation["id"]))
        assert row is not None
        return row.lot_quantity, row.paid_quantity


async def test_lots_of_4_and_4_leave_2_so_a_lot_of_3_is_refused(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    allocation = await _allocation(client, world)
    for quantity in (4, 4):
        opened = await _open(client, world, allocation, quantity)
        assert opened.status_code == 201, opened.text
        assert opened.json()["quantity"] == quantity
    before = await snapshot(db)
    refused = await _open(client, world, allocation, 3)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "invalid_input" and problem["errors"][0]["pointer"] == "/quantity"
    assert "has 2 of its 10 units left" in problem["detail"] and "asks for 3" in problem["detail"]
    assert await snapshot(db) == before
    assert (await _open(client, world, allocation, 2)).status_code == 201
    assert await _totals(db, allocation) == (10, 0)
    full = await _open(client, world, allocation, 2)
    assert full.status_code == 422 and "has 0 of its 10 units left" in full.json()["detail"]


async def test_a_rejected_lot_gives_its_units_back_for_the_reworked_goods(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    allocation = await _allocation(client, world)
    first = (await _open(client, world, allocation, 6)).json()
    assert (await _open(client, world, allocation, 4)).status_code == 201
    assert (await _open(client, world, allocation, 2)).status_code == 422
    assert (await _decide(client, world, first["id"], reject=True)).json()["decision"] == "rejected"
    assert await _totals(db, allocation) == (4, 0)
    assert (await _open(client, world, allocation, 6)).status_code == 201
    assert (await _open(client, world, allocation, 2)).status_code == 422


async def test_accepted_lots_pay_their_quantity_x_price_less_the_penalty_once(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    allocation = await _allocation(client, world)
    on_time, late, rejected = [(await _open(client, world, allocation, q)).json() for q in (4, 4, 2)]
    assert (await _decide(client, world, on_time["id"])).json()["decision"] == "accepted"
    await _deliver_lot_decisions(db)
    async with create_session_factory(db)() as session:
        order = await session.get(Order, uuid.UUID(allocation["order_id"]))
        assert order is not None
        order.due_at = utcnow() - timedelta(days=2, hours=1)  # settled 3 started days late: 3% off
        await session.commit()
    assert (await _decide(client, world, late["id"])).json()["decision"] == "accepted"
    assert (await _decide(client, world, rejected["id"], reject=True)).json()["decision"] == "rejected"
    await _deliver_lot_decisions(db)

    paid = await _payments(db)
    assert [(p["lot_id"], p["quantity"], p["gross_minor"], p["penalty_minor"], p["amount_minor"]) for p in paid] == [
        (on_time["id"], 4, 4 * PRICE, 0, 4 * PRICE),
        (late["id"], 4, 4 * PRICE, 120, 4 * PRICE - 120),
    ]
    [credit] = await _payments(db, "payment.refunded")
    assert (credit["lot_id"], credit["quantity"], credit["amount_minor"]) == (rejected["id"], 2, 2 * PRICE)
    assert await _totals(db, allocation) == (8, 8)

    # Every decision delivered again, twice at once: nothing is paid or credited twice.
    await _deliver_lot_decisions(db, copies=2)
    assert await _payments(db) == paid
    assert len(await _payments(db, "payment.refunded")) == 1
    assert await _totals(db, allocation) == (8, 8)

    statement = (await client.get(f"/v1/settlement/statements/{utcnow():%Y-%m}", headers=world.floating.headers)).json()
    assert statement["currencies"][0]["earned_minor"] == 8 * PRICE - 120


async def test_concurrent_lot_creation_never_over_commits_the_allocation(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    allocation = await _allocation(client, world)
    responses = await asyncio.gather(*(_open(client, world, allocation, 4) for _ in range(6)))
    assert sorted(r.status_code for r in responses) == [201, 201] + [422] * 4
    assert await _totals(db, allocation) == (8, 0)
    async with create_session_factory(db)() as session:
        stored = (await session.execute(select(InspectionLot.quantity).where(InspectionLot.allocation_id == uuid.UUID(allocation["id"])))).scalars()
        assert sorted(stored) == [4, 4]


async def test_concurrent_decisions_and_redeliveries_never_overpay(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    allocation = await _allocation(client, world)
    lots = [(await _open(client, world, allocation, q)).json() for q in (4, 4, 2)]
    decided = await asyncio.gather(*(_decide(client, world, lot["id"]) for lot in lots))
    assert [r.json().get("decision") for r in decided] == ["accepted"] * 3, [r.text for r in decided]
    twice = await asyncio.gather(*(_decide(client, world, lot["id"]) for lot in lots))
    assert [r.status_code for r in twice] == [409] * 3
    await _deliver_lot_decisions(db, copies=3)
    paid = await _payments(db)
    assert sorted(p["lot_id"] for p in paid) == sorted(lot["id"] for lot in lots)
    assert sum(p["gross_minor"] for p in paid) == 10 * PRICE
    assert await _totals(db, allocation) == (10, 10)


@pytest.mark.parametrize("column", ["lot_quantity", "paid_quantity"])
async def test_the_database_refuses_totals_beyond_the_allocation(client: httpx.AsyncClient, world: World, db, column: str) -> None:  # type: ignore[no-untyped-def]
    allocation = await _allocation(client, world)
    async with create_session_factory(db)() as session:
        with pytest.raises(IntegrityError):
            await session.execute(update(Allocation).where(Allocation.id == uuid.UUID(allocation["id"])).values({column: 11}))
        await session.rollback()
        stored = (await session.execute(text(f"SELECT {column} FROM allocations WHERE quantity = 10"))).scalar_one()
    assert stored == 0
