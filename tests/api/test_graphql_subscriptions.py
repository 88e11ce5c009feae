"""GraphQL subscriptions of order status (issue 17) with a real websocket client against the
app: on SQLite with the in-process transport, on PostgreSQL through Redis pub/sub (required
when CI=true). A committed change is an event; a rolled-back one is none; another tenant's
order, a key without orders:read and a missing or revoked key are refused; the server-sent
event stream reads from the same source."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from litestar.exceptions import WebSocketDisconnect
from sqlalchemy.ext.asyncio import AsyncEngine

from capool import live
from capool.clock import utcnow
from capool.db import create_session_factory
from capool.tenancy import service as members
from capool.tenancy.models import ApiKey
from marketplace import orders
from marketplace.models import Order, OrderStatus
from tests.conftest import World, future, place, redis_url_or_skip, today_plus
from tests.websocket import GraphQLSocket, live_app

STATUS = """subscription($id: UUID!, $replay: Boolean!) { orderStatus(orderId: $id, replay: $replay) {
    id orderId fromStatus toStatus reason occurredAt } }"""


@pytest.fixture
def live_redis(backend: str) -> str | None:
    """SQLite runs the embedded setup (no Redis); PostgreSQL the production one (Redis)."""
    if backend == "sqlite":
        return None
    url = redis_url_or_skip()
    import redis

    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def app(database_url: str, live_redis: str | None, db: AsyncEngine) -> Iterator[object]:
    with live_app(database_url, live_redis) as client:
        yield client


def _place(client, member, submit: bool = False) -> dict:  # type: ignore[no-untyped-def]
    response = client.post("/v1/orders", headers=member.headers, json={
        "reference": f"PO-{uuid.uuid4().hex[:8]}", "product": "tee", "process": "screen_printing", "quantity": 10,
        "due_at": future(20), "currency": "CNY", "submit": submit})
    assert response.status_code == 201, response.text
    return response.json()


def _move(client, member, order_id: str, to: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post(f"/v1/orders/{order_id}/transitions", headers=member.headers, json={"to": to})
    assert response.status_code == 200, response.text


def _event(message: dict, id: str = "1") -> dict:
    assert message["type"] == "next" and message["id"] == id, message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["orderStatus"]


def _wait_subscribed(order_id: str, count: int = 1, *, exactly: bool = False) -> None:
    channel = orders.status_channel(uuid.UUID(order_id))
    deadline = time.monotonic() + 10
    while live.subscribers(channel) < count or (exactly and live.subscribers(channel) != count):
        assert time.monotonic() < deadline, "the subscription never started"
        time.sleep(0.01)


def test_a_committed_status_change_is_an_event(app, world: World) -> None:  # type: ignore[no-untyped-def]
    order = _place(app, world.brand)
    with GraphQLSocket.connect(app, world.brand.headers) as socket:
        socket.subscribe(STATUS, {"id": order["id"], "replay": True})
        draft = _event(socket.receive())
        assert (draft["orderId"], draft["fromStatus"], draft["toStatus"]) == (order["id"], None, "DRAFT")

        _move(app, world.brand, order["id"], "submitted")
        submitted = _event(socket.receive())
        assert (submitted["fromStatus"], submitted["toStatus"]) == ("DRAFT", "SUBMITTED")
        assert submitted["id"] != draft["id"]
        # The same ids as the server-sent event stream's (its history, ended with follow=false).
        stream = app.get(f"/v1/orders/{order['id']}/events", params={"follow": "false"}, headers=world.brand.headers).text
        assert [line[4:] for line in stream.splitlines() if line.startswith("id: ")] == [draft["id"], submitted["id"]]

        # Without replay only what follows the subscription; each change once.
        socket.subscribe(STATUS, {"id": order["id"], "replay": False}, id="2")
        _wait_subscribed(order["id"], 2)
        _move(app, world.brand, order["id"], "cancelled")
        received = {m["id"]: _event(m, m["id"]) for m in (socket.receive(), socket.receive())}
        assert {k: (v["fromStatus"], v["toStatus"]) for k, v in received.items()} == {"1": ("SUBMITTED", "CANCELLED"), "2": ("SUBMITTED", "CANCELLED")}
        socket.complete("1")
        socket.complete("2")
        assert socket.nothing_within(0.3)
        _wait_subscribed(order["id"], 0, exactly=True)  # completing ends the feeds' subscriptions


async def test_a_rolled_back_change_is_no_event(app, world: World, db: AsyncEngine) -> None:  # type: ignore[no-untyped-def]
    order = _place(app, world.brand)
    with GraphQLSocket.connect(app, world.brand.headers) as socket:
        socket.subscribe(STATUS, {"id": order["id"], "replay": True})
        assert _event(socket.receive())["toStatus"] == "DRAFT"

        async with create_session_factory(db)() as session:
            row = await session.get(Order, uuid.UUID(order["id"]))
            assert row is not None
            await orders.change_status(session, world.brand.actor, row, OrderStatus.CANCELLED, "then rolled back")
            await session.flush()
            await session.rollback()
        assert socket.nothing_within(0.5)

        _move(app, world.brand, order["id"], "submitted")
        assert (_event(socket.receive())["toStatus"]) == "SUBMITTED"
        assert socket.nothing_within(0.3)


def _allocated_to_partner(app, world: World) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    site = app.post("/v1/sites", headers=world.partner.headers, json={"name": "s", "region": "foshan"}).json()
    resource = app.post("/v1/resources", headers=world.partner.headers, json={
        "site_id": site["id"], "name": "line", "kind": "crew", "processes": ["screen_printing"], "materials": ["cotton"]}).json()
    offer = app.post("/v1/offers", headers=world.partner.headers, json={
        "resource_id": resource["id"], "process": "screen_printing", "window_start": today_plus(0), "window_end": today_plus(9),
        "capacity_per_day": 100, "unit_price_minor": 500, "currency": "CNY"}).json()
    order = _place(app, world.brand, submit=True)
    planned = app.post("/v1/allocation-plans", headers=world.brand.headers, json={"items": [{"order_id": order["id"], "offer_id": offer["id"], "quantity": 10}]})
    assert planned.status_code == 201, planned.text
    [allocation] = planned.json()
    return order, allocation


def test_a_factory_of_the_order_follows_it(app, world: World) -> None:  # type: ignore[no-untyped-def]
    """Row rules as for queries: the factory with an allocation on the order reads it, so it may follow it."""
    order, allocation = _allocated_to_partner(app, world)
    with GraphQLSocket.connect(app, world.partner.headers) as socket:
        socket.subscribe(STATUS, {"id": order["id"], "replay": False})
        _wait_subscribed(order["id"])
        accepted = app.post(f"/v1/allocations/{allocation['id']}/response", headers=world.partner.headers, json={"accept": True})
        assert accepted.status_code == 200, accepted.text
        assert (_event(socket.receive())["toStatus"]) == "CONFIRMED"
    # The client went away without completing: its feed's subscription ends with the socket.
    _wait_subscribed(order["id"], 0, exactly=True)


def test_a_factory_that_loses_the_order_stops_following_it(app, world: World) -> None:  # type: ignore[no-untyped-def]
    """Declining its allocation ends the factory's right to read the order: the change that
    follows (back to submitted) is not sent to it; its subscription ends with NOT_FOUND."""
    order, allocation = _allocated_to_partner(app, world)
    with GraphQLSocket.connect(app, world.partner.headers) as socket:
        socket.subscribe(STATUS, {"id": order["id"], "replay": True})
        assert [_event(socket.receive())["toStatus"] for _ in range(3)] == ["DRAFT", "SUBMITTED", "ALLOCATED"]
        declined = app.post(f"/v1/allocations/{allocation['id']}/response", headers=world.partner.headers, json={"accept": False, "reason": "full"})
        assert declined.status_code == 200, declined.text
        ended = socket.receive()
        assert ended["type"] == "next" and [e["extensions"]["code"] for e in ended["payload"]["errors"]] == ["NOT_FOUND"], ended
        assert "SUBMITTED" not in json.dumps(ended)
        assert socket.receive()["type"] == "complete"
    assert app.get(f"/v1/orders/{order['id']}", headers=world.brand.headers).json()["status"] == "submitted"


def test_other_tenants_and_keys_without_the_permission_are_refused(app, world: World) -> None:  # type: ignore[no-untyped-def]
    order = _place(app, world.brand)
    for attacker in (world.other_buyer, world.floating, world.outsider):
        with GraphQLSocket.connect(app, attacker.headers) as socket:
            socket.subscribe(STATUS, {"id": order["id"], "replay": True})
            refusal = socket.receive()
            assert refusal["type"] == "error", refusal
            assert [e["extensions"]["code"] for e in refusal["payload"]] == ["NOT_FOUND"]
            assert "DRAFT" not in json.dumps(refusal)
    assert live.subscribers(orders.status_channel(uuid.UUID(order["id"]))) == 0

    # The key in the init payload (clients that cannot set handshake headers) works as a header does.
    with GraphQLSocket.connect(app, params={"apiKey": world.brand.token}) as socket:
        socket.subscribe(STATUS, {"id": order["id"], "replay": True})
        assert _event(socket.receive())["toStatus"] == "DRAFT"
        # Queries and mutations go over HTTP, where the unit of work commits them.
        socket.subscribe("{ orders { items { id } } }", id="q")
        answer = socket.receive()
        assert answer["payload"]["errors"][0]["extensions"]["code"] == "SUBSCRIPTIONS_ONLY", answer

    for headers, params in (({}, {}), ({"Authorization": "Bearer cpk_nope_nope"}, {}), ({}, {"apiKey": "cpk_nope_nope"})):
        with app.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"], headers=headers) as session:
            session.send_json({"type": "connection_init", "payload": params})
            with pytest.raises(WebSocketDisconnect) as closed:
                session.receive_json(timeout=10)
            assert closed.value.code == 4403


async def test_a_revoked_key_ends_the_subscription(app, world: World, db: AsyncEngine) -> None:  # type: ignore[no-untyped-def]
    order = _place(app, world.brand)
    async with create_session_factory(db)() as session:
        issued = await members.issue_api_key(session, world.brand.user_id, "short-lived")
        await session.commit()
    with GraphQLSocket.connect(app, {"Authorization": f"Bearer {issued.token}"}) as socket:
        socket.subscribe(STATUS, {"id": order["id"], "replay": True})
        assert _event(socket.receive())["toStatus"] == "DRAFT"
        async with create_session_factory(db)() as session:
            key = await session.get(ApiKey, issued.key.id)
            assert key is not None
            key.revoked_at = utcnow()
            await session.commit()
        _move(app, world.brand, order["id"], "submitted")
        ended = socket.receive()
        assert ended["type"] == "next" and ended["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", ended
        assert "SUBMITTED" not in json.dumps(ended)
        assert socket.receive()["type"] == "complete"


async def test_the_event_stream_reads_the_same_source(db: AsyncEngine, world: World, live_redis: str | None) -> None:
    """The server-sent events of an order come over the same transport as the subscriptions
    (the app on the test's loop; httpx's ASGI transport hands over the body when it ends)."""
    from api.app import create_app
    from capool import jobs

    jobs.use_broker(live_redis)
    try:
        transport = httpx.ASGITransport(app=create_app(engine=db, run_worker=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://capool.test") as client:
            order = await place(client, world.brand, submit=False)

            async def move_once_streaming() -> None:
                while not live.subscribers(orders.status_channel(uuid.UUID(order["id"]))):
                    await asyncio.sleep(0.01)
                moved = await client.post(f"/v1/orders/{order['id']}/transitions", headers=world.brand.headers, json={"to": "submitted"})
                assert moved.status_code == 200, moved.text

            mover = asyncio.create_task(move_once_streaming())
            response = await client.get(f"/v1/orders/{order['id']}/events", params={"max_wait": 2}, headers=world.brand.headers)
            await asyncio.wait_for(mover, 5)
    finally:
        jobs.use_broker(None)
    assert response.status_code == 200
    events = [json.loads(line[6:]) for line in response.text.splitlines() if line.startswith("data: ")]
    assert [(e["from"], e["to"]) for e in events] == [(None, "draft"), ("draft", "submitted")]
