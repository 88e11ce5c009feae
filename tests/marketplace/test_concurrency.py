"""Reserving capacity under 50 concurrent plans never over-books an offer."""

from __future__ import annotations

import asyncio

from tests.conftest import World, place, publish


async def test_fifty_concurrent_reservations_at_one_offer(client, world: World) -> None:
    offer = await publish(client, world.floating, per_day=20, days=10)  # 200 pieces in all
    orders = [await place(client, world.brand, quantity=10) for _ in range(50)]

    async def plan(order: dict):
        return await client.post("/v1/allocation-plans", headers=world.brand.headers,
                                 json={"items": [{"order_id": order["id"], "offer_id": offer["id"], "quantity": 10}]})

    responses = await asyncio.gather(*(plan(o) for o in orders))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 20 + [409] * 30
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"capacity_exhausted"}

    after = (await client.get(f"/v1/offers/{offer['id']}", headers=world.floating.headers)).json()
    assert after["reserved"] == 200 and after["remaining"] == 0
    allocated = (await client.get("/v1/allocations", params={"offer_id": offer["id"], "limit": 200}, headers=world.brand.headers)).json()
    assert len(allocated["items"]) == 20
    submitted = (await client.get("/v1/orders", params={"status": "submitted", "limit": 200}, headers=world.brand.headers)).json()
    assert len(submitted["items"]) == 30  # the refused plans left their orders untouched
