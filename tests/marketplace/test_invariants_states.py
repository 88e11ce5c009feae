"""Consistent states: an order's status always agrees with its allocations. An allocated
order is not submitted for matching again while its allocations are active (409 naming
them, over REST and the portal); it returns to matching only when they end, and ending
them releases their reserved capacity."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.db import create_session_factory
from marketplace.models import ACTIVE_ALLOCATION, Allocation, Order, OrderStatus
from tests.conftest import World, allocate, place, publish
from tests.portal.conftest import csrf_of, portal, sign_in  # noqa: F401  (portal: the fixture)
from tests.tenancy import snapshot


async def _agree(db: AsyncEngine) -> None:
    """Every order: allocated or later exactly when its active allocations cover it;
    submitted orders hold less than their quantity; cancelled ones hold nothing."""
    async with create_session_factory(db)() as session:
        for order in (await session.execute(select(Order))).scalars():
            active = (await session.execute(
                select(Allocation.quantity).where(Allocation.order_id == order.id, Allocation.status.in_(ACTIVE_ALLOCATION))
            )).scalars().all()
            if order.status in (OrderStatus.ALLOCATED, OrderStatus.CONFIRMED, OrderStatus.IN_PRODUCTION):
                assert sum(active) == order.quantity, (order.reference, order.status, active)
            elif order.status in (OrderStatus.SUBMITTED, OrderStatus.MATCHING):
                assert sum(active) < order.quantity, (order.reference, order.status, active)
            elif order.status in (OrderStatus.DRAFT, OrderStatus.CANCELLED):
                assert active == [], (order.reference, order.status, active)


async def _reserved(client: httpx.AsyncClient, world: World, offer: dict) -> int:
    return (await client.get(f"/v1/offers/{offer['id']}", headers=world.floating.headers)).json()["reserved"]


async def test_resubmitting_an_allocated_order_is_refused_naming_its_allocations(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    offer = await publish(client, world.floating)
    order = await place(client, world.brand, quantity=60, split_allowed=True)
    first, second = await allocate(client, world.brand, [(order["id"], offer["id"], 40), (order["id"], offer["id"], 20)])
    accepted = await client.post(f"/v1/allocations/{first['id']}/response", json={"accept": True}, headers=world.floating.headers)
    assert accepted.status_code == 200
    before = await snapshot(db)
    refused = await client.post(f"/v1/orders/{order['id']}/transitions", json={"to": "submitted"}, headers=world.brand.headers)
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "active_allocations"
    assert f"{first['id']} (accepted)" in problem["detail"] and f"{second['id']} (proposed)" in problem["detail"]
    assert await snapshot(db) == before
    assert await _reserved(client, world, offer) == 60
    await _agree(db)


async def test_ending_the_allocations_returns_the_order_to_matching_and_frees_capacity(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    offer = await publish(client, world.floating)
    order = await place(client, world.brand, quantity=50)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 50)])
    assert await _reserved(client, world, offer) == 50
    declined = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": False, "reason": "full"}, headers=world.floating.headers)
    assert declined.status_code == 200
    assert (await client.get(f"/v1/orders/{order['id']}", headers=world.brand.headers)).json()["status"] == "submitted"
    assert await _reserved(client, world, offer) == 0
    await _agree(db)

    [again] = await allocate(client, world.brand, [(order["id"], offer["id"], 50)])
    assert again["status"] == "proposed" and await _reserved(client, world, offer) == 50
    cancelled = await client.post(f"/v1/orders/{order['id']}/transitions", json={"to": "cancelled", "reason": "design changed"}, headers=world.brand.headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (await client.get(f"/v1/allocations/{again['id']}", headers=world.brand.headers)).json()["status"] == "cancelled"
    assert await _reserved(client, world, offer) == 0
    await _agree(db)


async def test_the_portal_offers_no_resubmission_and_refuses_one(portal: httpx.AsyncClient, client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    offer = await publish(client, world.floating)
    order = await place(client, world.brand, quantity=50)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 50)])
    await sign_in(portal, db, world.brand)
    page = await portal.get(f"/portal/buyer/orders/{order['id']}")
    assert page.status_code == 200
    assert 'value="cancelled"' in page.text and 'value="submitted"' not in page.text
    before = await snapshot(db)
    refused = await portal.post(f"/portal/buyer/orders/{order['id']}/transition", data={"_csrf": csrf_of(page.text), "to": "submitted"})
    assert refused.status_code == 409 and allocation["id"] in refused.text
    assert await snapshot(db) == before
    async with create_session_factory(db)() as session:
        row = await session.get(Order, uuid.UUID(order["id"]))
        assert row is not None and row.status == OrderStatus.ALLOCATED
    await _agree(db)
