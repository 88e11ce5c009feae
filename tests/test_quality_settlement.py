"""Across capabilities, through the real outbox worker: the factory's inspection report
decides the lot (quality), and the decision pays out or holds and refunds (settlement)."""

from __future__ import annotations

from capool.clock import utcnow
from tests.conftest import World, allocate, place, publish


async def _inspected(client, world: World, defects: int) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    offer = await publish(client, world.floating, per_day=100, days=10, price=300)
    order = await place(client, world.brand, quantity=50)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 50)])
    assert (await client.post(f"/v1/allocations/{allocation['id']}/response", headers=world.floating.headers, json={"accept": True})).status_code == 200
    lot = await client.post("/v1/quality/lots", headers=world.floating.headers,
                            json={"allocation_id": allocation["id"], "quantity": 50, "level": "II", "aqls": {"major": 1.0}})
    assert lot.status_code == 201, lot.text
    result = await client.post(f"/v1/quality/lots/{lot.json()['id']}/results", headers=world.floating.headers,
                               json={"defects": [{"defect_class": "misprint", "severity": "major", "count": defects}], "final": True})
    assert result.status_code in (200, 201), result.text
    return order, result.json()


async def _statement(client, member) -> list[dict]:  # type: ignore[no-untyped-def]
    response = await client.get(f"/v1/settlement/statements/{utcnow():%Y-%m}", headers=member.headers)
    assert response.status_code == 200, response.text
    return response.json()["currencies"]


async def test_an_accepted_lot_pays_the_factory(client, world: World, outbox_worker) -> None:
    _, lot = await _inspected(client, world, defects=0)
    assert lot["decision"] == "accepted"
    await outbox_worker.drain()
    [factory] = await _statement(client, world.floating)
    assert (factory["currency"], factory["earned_minor"], factory["refunded_minor"]) == ("CNY", 50 * 300, 0)


async def test_a_rejected_lot_holds_the_payment_and_refunds_the_buyer(client, world: World, outbox_worker) -> None:
    _, lot = await _inspected(client, world, defects=6)
    assert lot["decision"] == "rejected"
    await outbox_worker.drain()
    factory = await _statement(client, world.floating)
    assert all(row["earned_minor"] == 0 for row in factory)
    [buyer] = await _statement(client, world.brand)
    assert buyer["refunded_minor"] == 50 * 300 and buyer["paid_minor"] == 0
    entries = (await client.get("/v1/ledger/entries", headers=world.floating.headers)).json()
    assert "inspection.lot_decision" in str(entries)
