"""Idempotency-Key: same key and body replays, another body is refused, races resolve to one."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from capool.db import create_session_factory
from marketplace.models import Order
from tests.conftest import World, future


def _order(reference: str, quantity: int = 100) -> dict:
    return {"reference": reference, "product": "tee", "process": "screen_printing", "quantity": quantity, "due_at": future(10), "currency": "CNY"}


async def _count_orders(db) -> int:
    async with create_session_factory(db)() as session:
        return (await session.execute(select(func.count()).select_from(Order))).scalar_one()


async def test_same_key_and_body_replays_the_first_response(client, db, world: World) -> None:
    headers = world.brand.headers | {"Idempotency-Key": "order-7"}
    body = _order("PO-7")
    first = await client.post("/v1/orders", json=body, headers=headers)
    second = await client.post("/v1/orders", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert await _count_orders(db) == 1


async def test_same_key_other_body_is_422_and_changes_nothing(client, db, world: World) -> None:
    headers = world.brand.headers | {"Idempotency-Key": "order-8"}
    assert (await client.post("/v1/orders", json=_order("PO-8"), headers=headers)).status_code == 201
    reused = await client.post("/v1/orders", json=_order("PO-8", quantity=999), headers=headers)
    assert reused.status_code == 422
    assert reused.headers["content-type"] == "application/problem+json"
    assert reused.json()["code"] == "idempotency_key_reused"
    assert await _count_orders(db) == 1


async def test_keys_are_private_to_the_caller(client, db, world: World) -> None:
    body = _order("PO-9")
    assert (await client.post("/v1/orders", json=body, headers=world.brand.headers | {"Idempotency-Key": "shared"})).status_code == 201
    other = await client.post("/v1/orders", json=body, headers=world.other_buyer.headers | {"Idempotency-Key": "shared"})
    assert other.status_code == 201
    assert other.json()["buyer_org_id"] == str(world.other_buyer.org_id)
    assert await _count_orders(db) == 2


async def test_failed_requests_are_not_stored(client, db, world: World) -> None:
    headers = world.brand.headers | {"Idempotency-Key": "fix-and-retry"}
    bad = await client.post("/v1/orders", json=_order("PO-10", quantity=0), headers=headers)
    assert bad.status_code == 422
    good = await client.post("/v1/orders", json=_order("PO-10"), headers=headers)
    assert good.status_code == 201
    assert await _count_orders(db) == 1


async def test_concurrent_requests_with_one_key_create_one_order(client, db, world: World) -> None:
    headers = world.brand.headers | {"Idempotency-Key": "race"}
    body = _order("PO-RACE")
    responses = await asyncio.gather(*(client.post("/v1/orders", json=body, headers=headers) for _ in range(8)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert await _count_orders(db) == 1
