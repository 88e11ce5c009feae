"""The order lifecycle, supplier answers, offer changes and withdrawals."""

from __future__ import annotations

from tests.conftest import World, allocate, place, publish


async def _status(client, world: World, order_id: str) -> str:
    return (await client.get(f"/v1/orders/{order_id}", headers=world.brand.headers)).json()["status"]


async def test_illegal_transition_answers_409_with_the_allowed_moves(client, world: World) -> None:
    order = await place(client, world.brand)
    response = await client.post(f"/v1/orders/{order['id']}/transitions", json={"to": "delivered"}, headers=world.brand.headers)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "illegal_transition"
    assert "is submitted and cannot become delivered" in body["detail"]
    assert "allowed next: allocated, cancelled, matching" in body["detail"]
    assert await _status(client, world, order["id"]) == "submitted"


async def test_draft_submit_and_final_states(client, world: World) -> None:
    order = await place(client, world.brand, submit=False)
    assert order["status"] == "draft"
    submitted = await client.post(f"/v1/orders/{order['id']}/transitions", json={"to": "submitted"}, headers=world.brand.headers)
    assert submitted.json()["status"] == "submitted"
    cancelled = await client.post(f"/v1/orders/{order['id']}/transitions", json={"to": "cancelled", "reason": "design changed"}, headers=world.brand.headers)
    assert cancelled.json()["status"] == "cancelled"
    again = await client.post(f"/v1/orders/{order['id']}/transitions", json={"to": "submitted"}, headers=world.brand.headers)
    assert again.status_code == 409 and "none: it is final" in again.json()["detail"]


async def test_buyer_cannot_jump_to_system_states(client, world: World) -> None:
    order = await place(client, world.brand)
    response = await client.post(f"/v1/orders/{order['id']}/transitions", json={"to": "allocated"}, headers=world.brand.headers)
    assert response.status_code == 403
    assert await _status(client, world, order["id"]) == "submitted"


async def test_decline_releases_capacity_and_returns_order_to_matching(client, world: World) -> None:
    offer = await publish(client, world.floating, per_day=50, days=4)
    order = await place(client, world.brand, quantity=120)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 120)])
    assert allocation["tier"] == "floating" and allocation["unit_price_minor"] == 500
    no_reason = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": False}, headers=world.floating.headers)
    assert no_reason.status_code == 422 and no_reason.json()["errors"] == [{"pointer": "/reason", "detail": "a decline needs a reason"}]
    declined = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": False, "reason": "machine down"}, headers=world.floating.headers)
    assert declined.json()["status"] == "declined"
    assert (await client.get(f"/v1/offers/{offer['id']}", headers=world.floating.headers)).json()["reserved"] == 0
    assert await _status(client, world, order["id"]) == "submitted"
    twice = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": True}, headers=world.floating.headers)
    assert twice.status_code == 409 and twice.json()["code"] == "already_answered"


async def test_split_order_confirms_when_every_part_is_accepted(client, world: World) -> None:
    core = await publish(client, world.brand_ops, per_day=10, days=5, visibility="private")
    floating = await publish(client, world.floating, per_day=100, days=5)
    order = await place(client, world.brand, quantity=80, split_allowed=True)
    first, second = await allocate(client, world.brand, [(order["id"], core["id"], 50), (order["id"], floating["id"], 30)])
    assert (first["tier"], second["tier"]) == ("core", "floating")
    await client.post(f"/v1/allocations/{first['id']}/response", json={"accept": True}, headers=world.brand_ops.headers)
    assert await _status(client, world, order["id"]) == "allocated"
    await client.post(f"/v1/allocations/{second['id']}/response", json={"accept": True}, headers=world.floating.headers)
    assert await _status(client, world, order["id"]) == "confirmed"


async def test_plan_is_all_or_nothing(client, world: World) -> None:
    small = await publish(client, world.floating, per_day=10, days=2)  # 20 pieces
    big = await publish(client, world.brand_ops, per_day=100, days=2, visibility="private")
    first = await place(client, world.brand, quantity=100)
    second = await place(client, world.brand, quantity=50)
    response = await client.post("/v1/allocation-plans", headers=world.brand.headers, json={"items": [
        {"order_id": first["id"], "offer_id": big["id"], "quantity": 100},
        {"order_id": second["id"], "offer_id": small["id"], "quantity": 50},
    ]})
    assert response.status_code == 409 and response.json()["code"] == "capacity_exhausted"
    assert (await client.get(f"/v1/offers/{big['id']}", headers=world.brand_ops.headers)).json()["reserved"] == 0
    assert await _status(client, world, first["id"]) == "submitted"


async def test_plan_validation_names_each_bad_item(client, world: World) -> None:
    offer = await publish(client, world.floating, min_batch=50)
    embroidery = await publish(client, world.floating, process="embroidery")
    order = await place(client, world.brand, quantity=40)
    response = await client.post("/v1/allocation-plans", headers=world.brand.headers, json={"items": [
        {"order_id": order["id"], "offer_id": offer["id"], "quantity": 20},
        {"order_id": order["id"], "offer_id": embroidery["id"], "quantity": 20},
    ]})
    assert response.status_code == 422
    pointers = [e["pointer"] for e in response.json()["errors"]]
    assert pointers == ["/items/0/order_id", "/items/0/quantity", "/items/1/offer_id"]


async def test_offer_cannot_shrink_below_reserved_and_withdrawal_keeps_allocations(client, world: World) -> None:
    offer = await publish(client, world.floating, per_day=100, days=3)
    order = await place(client, world.brand, quantity=250)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 250)])
    shrink = await client.patch(f"/v1/offers/{offer['id']}", json={"capacity_per_day": 50}, headers=world.floating.headers)
    assert shrink.status_code == 409 and shrink.json()["code"] == "capacity_below_reserved"
    grow = await client.patch(f"/v1/offers/{offer['id']}", json={"capacity_per_day": 120}, headers=world.floating.headers)
    assert grow.json()["total_capacity"] == 360 and grow.json()["reserved"] == 250
    withdrawn = await client.post(f"/v1/offers/{offer['id']}/withdraw", json={"reason": "maintenance"}, headers=world.floating.headers)
    assert withdrawn.json()["affected_allocations"] == [allocation["id"]]
    still = (await client.get(f"/v1/allocations/{allocation['id']}", headers=world.brand.headers)).json()
    assert still["status"] == "proposed" and still["quantity"] == 250


async def test_progress_must_follow_scan_done_confirm(client, world: World) -> None:
    offer = await publish(client, world.floating)
    order = await place(client, world.brand, quantity=30)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 30)])
    path = f"/v1/allocations/{allocation['id']}/progress"
    early = await client.post(path, json={"operation": "screen_printing", "step": "scan", "quantity": 30, "operator": "a"}, headers=world.floating.headers)
    assert early.status_code == 409 and early.json()["code"] == "not_accepted"
    await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": True}, headers=world.floating.headers)
    skip = await client.post(path, json={"operation": "screen_printing", "step": "done", "quantity": 30, "operator": "a"}, headers=world.floating.headers)
    assert skip.status_code == 409 and skip.json()["code"] == "out_of_sequence"
    too_many = await client.post(path, json={"operation": "screen_printing", "step": "scan", "quantity": 31, "operator": "a"}, headers=world.floating.headers)
    assert too_many.status_code == 422
    ok = await client.post(path, json={"operation": "screen_printing", "step": "scan", "quantity": 30, "operator": "a"}, headers=world.floating.headers)
    assert ok.status_code == 201
    assert await _status(client, world, order["id"]) == "in_production"
