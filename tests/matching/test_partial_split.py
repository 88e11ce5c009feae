"""A split order that only part of the capacity can take is held back, whole, from the plan,
so that the rest of the run applies (found by the whole-market simulation: the run used to
carry 2,000 of a 3,000-unit order and every apply answered 422)."""

from __future__ import annotations

from tests.conftest import World, place, publish


async def test_a_split_order_placed_in_part_is_held_back_and_the_rest_of_the_run_applies(client, db, world: World) -> None:
    await publish(client, world.floating, per_day=200, days=10, price=100)  # 2,000 units in all
    split = await place(client, world.brand, quantity=3000, split_allowed=True)
    small = await place(client, world.brand, quantity=300)
    run = await client.post("/v1/matching/runs", headers=world.brand.headers, json={"time_limit_s": 2})
    assert run.status_code == 201, run.text
    body = run.json()
    # The small order is placed whole; the split one cannot be (2,000 units exist in all).
    assert [(p["order_id"], p["quantity"]) for p in body["plan"]] == [(small["id"], 300)], {k: body["result"][k] for k in ("assignments", "unassigned_reasons", "held_back", "orders") if k in body["result"]}
    assert split["id"] in body["result"]["held_back"] and body["result"]["held_back"][split["id"]].startswith("only 2000 of 3000 units")
    applied = await client.post(f"/v1/matching/runs/{body['id']}/apply", headers=world.brand.headers)
    assert applied.status_code == 200, applied.text
    orders = {o["id"]: o for o in (await client.get("/v1/orders", headers=world.brand.headers)).json()["items"]}
    assert orders[small["id"]]["status"] == "allocated"
    assert orders[split["id"]]["status"] == "submitted"  # open for the next run, nothing half-allocated
    # With more capacity the next run places it.
    await publish(client, world.partner, per_day=200, days=10, price=120)
    again = await client.post("/v1/matching/runs", headers=world.brand.headers, json={"time_limit_s": 2})
    assert again.status_code == 201, again.text
    assert sum(p["quantity"] for p in again.json()["plan"] if p["order_id"] == split["id"]) == 3000
    assert "held_back" not in again.json()["result"]
