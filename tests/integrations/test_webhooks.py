"""Webhooks against a real HTTP receiver: independent signature checks, an outage with
retries and recovery (nothing lost, nothing applied twice), the circuit breaker, replay,
the address filter and which organisations receive which events."""

from __future__ import annotations

import asyncio
import ipaddress
import time
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.config import get_settings
from capool.db import create_session_factory
from marketplace.integrations import http, webhooks
from marketplace.integrations.models import CircuitState, DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from marketplace.integrations.signing import sign, verify_signature
from tests.conftest import World, allocate, place, publish
from tests.integrations.receiver import Receiver

TYPES = ["allocation.proposed", "allocation.accepted", "progress.reported"]


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhooks, "BACKOFF_BASE_S", 0.05)
    monkeypatch.setattr(webhooks, "BACKOFF_CAP_S", 0.4)
    monkeypatch.setattr(webhooks, "BREAKER_THRESHOLD", 3)
    monkeypatch.setattr(webhooks, "BREAKER_COOLDOWN_S", 0.3)
    monkeypatch.setattr(webhooks, "MAX_ATTEMPTS", 30)


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    with Receiver() as r:
        yield r


async def subscribe(client, member, url: str, types: list[str] = TYPES) -> dict:  # type: ignore[no-untyped-def]
    response = await client.post("/v1/webhooks", json={"url": url, "event_types": types}, headers=member.headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def receiver_network_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The operator lists the local receiver's address as an on-premises network (the
    `integrations_private_networks` setting): endpoints there pass registration and sending."""
    monkeypatch.setattr(get_settings(), "integrations_private_networks", [ipaddress.ip_network("127.0.0.1/32")])


async def rows(db: AsyncEngine, model, *where):  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        return list((await session.execute(select(model).where(*where))).scalars())


async def wait_for(condition, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def _allocated_order(client, world: World) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    offer = await publish(client, world.floating, per_day=100, days=10)
    order = await place(client, world.brand, quantity=40)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 40)])
    return order, allocation


def test_signature_helper_and_replay_window() -> None:
    body = b'{"a":1}'
    now = int(time.time())
    header = sign("whsec_x", now, body)
    assert verify_signature("whsec_x", body, header, now)
    assert not verify_signature("whsec_y", body, header, now)
    assert not verify_signature("whsec_x", b'{"a":2}', header, now)
    assert not verify_signature("whsec_x", body, header, now - 301), "a timestamp outside the 5-minute window is a replay"
    assert verify_signature("whsec_x", body, sign("whsec_x", now - 299, body), now - 299)


async def test_outage_then_recovery_delivers_everything_once(client, db, world: World, outbox_worker, receiver: Receiver, fast_retries, receiver_network_listed) -> None:
    brand = await subscribe(client, world.brand, receiver.base + "/brand")
    floating = await subscribe(client, world.floating, receiver.base + "/floating")
    receiver.secrets = {"/brand": brand["secret"], "/floating": floating["secret"]}
    receiver.down = True

    order, allocation = await _allocated_order(client, world)
    accepted = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": True}, headers=world.floating.headers)
    assert accepted.status_code == 200, accepted.text
    await outbox_worker.drain()

    async def failing_repeatedly() -> bool:
        attempts = await rows(db, WebhookAttempt)
        return len(attempts) >= 6

    await wait_for(failing_repeatedly)
    assert not receiver.accepted
    endpoint_rows = await rows(db, WebhookEndpoint)
    assert any(e.circuit_state != CircuitState.CLOSED for e in endpoint_rows), "the breaker opened during the outage"

    receiver.down = False

    async def all_delivered() -> bool:
        deliveries = await rows(db, WebhookDelivery)
        return bool(deliveries) and all(d.status == DeliveryStatus.DELIVERED for d in deliveries)

    await wait_for(all_delivered)
    deliveries = await rows(db, WebhookDelivery)
    # brand: proposed + accepted; floating (the factory): proposed + accepted.
    assert sorted((d.event_type, d.organisation_id) for d in deliveries) == sorted(
        [("allocation.proposed", world.brand.org_id), ("allocation.accepted", world.brand.org_id),
         ("allocation.proposed", world.floating.org_id), ("allocation.accepted", world.floating.org_id)])
    assert set(receiver.accepted) == {str(d.id) for d in deliveries}, "nothing lost"
    assert all(count == 1 for count in receiver.acks.values()), f"acknowledged more than once: {receiver.acks}"
    assert receiver.bad_signatures == 0
    body = next(b for b in receiver.accepted.values() if b["type"] == "allocation.accepted")
    assert body["data"]["allocation_id"] == allocation["id"] and body["data"]["order_id"] == order["id"]
    for endpoint in await rows(db, WebhookEndpoint):
        assert endpoint.circuit_state == CircuitState.CLOSED and endpoint.consecutive_failures == 0

    # The delivery log tells the story, through the API.
    some = deliveries[0]
    log = await client.get(f"/v1/webhook-deliveries/{some.id}", headers=(world.brand if some.organisation_id == world.brand.org_id else world.floating).headers)
    assert log.status_code == 200, log.text
    assert log.json()["attempts"][-1]["status_code"] == 200
    listed = await client.get(f"/v1/webhooks/{brand['endpoint']['id']}/deliveries", headers=world.brand.headers)
    assert {d["status"] for d in listed.json()["items"]} == {"delivered"}

    # Manual replay sends the same delivery id again; the idempotent receiver applies it once.
    brand_delivery = next(d for d in deliveries if d.organisation_id == world.brand.org_id)
    replay = await client.post(f"/v1/webhook-deliveries/{brand_delivery.id}/replay", headers=world.brand.headers)
    assert replay.status_code == 202, replay.text

    async def replayed() -> bool:
        return receiver.acks[str(brand_delivery.id)] == 2

    await wait_for(replayed)
    assert len(receiver.accepted) == len(deliveries)
    denied = await client.post(f"/v1/webhook-deliveries/{brand_delivery.id}/replay", headers=world.other_buyer.headers)
    assert denied.status_code == 404


async def test_a_received_signature_verifies_with_the_helper(client, db, world: World, outbox_worker, receiver: Receiver, receiver_network_listed) -> None:
    created = await subscribe(client, world.brand, receiver.base + "/brand", ["order.submitted"])
    receiver.secrets = {"/brand": created["secret"]}
    await place(client, world.brand)
    await outbox_worker.drain()
    await wait_for(lambda: _true_when(bool(receiver.accepted)))
    request = receiver.requests[0]
    headers = request["headers"]
    assert verify_signature(created["secret"], request["body"], headers["capool-signature"], headers["capool-timestamp"])
    assert not verify_signature("whsec_wrong", request["body"], headers["capool-signature"], headers["capool-timestamp"])


async def _true_when(value: bool) -> bool:
    return value


async def test_only_organisations_that_may_see_an_event_receive_it(client, db, world: World, outbox_worker, receiver: Receiver, receiver_network_listed) -> None:
    for name in ("brand", "floating", "partner", "other_buyer", "outsider"):
        member = getattr(world, name)
        created = await subscribe(client, member, receiver.base + f"/{name}")
        receiver.secrets[f"/{name}"] = created["secret"]
    order, allocation = await _allocated_order(client, world)
    progress = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": True}, headers=world.floating.headers)
    assert progress.status_code == 200
    reported = await client.post(f"/v1/allocations/{allocation['id']}/progress", headers=world.floating.headers,
                                 json={"operation": "screen_printing", "step": "scan", "quantity": 40, "operator": "li.na"})
    assert reported.status_code == 201, reported.text
    await outbox_worker.drain()
    deliveries = await rows(db, WebhookDelivery)
    receivers = {(d.event_type, d.organisation_id) for d in deliveries}
    assert receivers == {(t, org) for t in TYPES for org in (world.brand.org_id, world.floating.org_id)}
    await wait_for(lambda: _true_when(len(receiver.accepted) == len(deliveries)))
    assert {r["path"] for r in receiver.requests} == {"/brand", "/floating"}


async def test_subscribing_needs_known_types_and_the_read_permission(client, world: World) -> None:
    unknown = await client.post("/v1/webhooks", json={"url": "https://example.com/h", "event_types": ["order.nope"]}, headers=world.brand.headers)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["pointer"] == "/event_types/0"
    # A caller may only subscribe to what it may read (an API key scoped to orders:read here).
    from dataclasses import replace

    from capool.errors import InvalidInput
    from capool.tenancy.actor import Permission

    narrow = replace(world.brand.actor, permissions=frozenset({Permission.ORDERS_READ}))
    with pytest.raises(InvalidInput) as denied:
        webhooks._check_types(narrow, ["allocation.accepted", "settlement.payment_released"])
    assert [e.path for e in denied.value.errors] == ["/event_types/1"]
    bad_url = await client.post("/v1/webhooks", json={"url": "ftp://example.com/x", "event_types": ["order.submitted"]}, headers=world.brand.headers)
    assert bad_url.status_code == 422 and bad_url.json()["errors"][0]["pointer"] == "/url"


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x", "http://10.1.2.3/x", "http://169.254.169.254/latest/meta-data",
                                 "http://[::1]:9/x", "http://localhost:9/x", "http://0.0.0.0/x", "http://192.168.1.10/x"])
async def test_the_address_filter_refuses_internal_addresses(url: str) -> None:
    with pytest.raises(http.AddressRefused):
        await http.guarded_request("POST", url, allow_private=False, content=b"{}")


async def test_allow_private_lets_one_endpoint_reach_a_local_receiver(receiver: Receiver) -> None:
    response = await http.guarded_request("POST", receiver.base + "/plain", allow_private=True, json={"x": 1})
    assert response.status_code == 200 and receiver.posted[0][2] == {"x": 1}
    assert receiver.posted[0][1]["host"] == receiver.base.removeprefix("http://")


async def test_public_addresses_pass_the_filter() -> None:
    assert http.is_public("93.184.216.34") and http.is_public("2606:4700::1111")
    assert not http.is_public("::ffff:127.0.0.1") and not http.is_public("100.64.0.1") and not http.is_public("fe80::1")


async def test_a_private_address_without_the_operators_leave_is_refused_at_registration(client, db, world: World, receiver: Receiver) -> None:
    # This used to be accepted and refused only at each send; the send-time refusal of a
    # name that turns private later is in tests/security/test_webhook_urls.py.
    refused = await client.post("/v1/webhooks", json={"url": receiver.base + "/brand", "event_types": ["order.submitted"]},
                                headers=world.brand.headers)
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["pointer"] == "/url"
    assert await rows(db, WebhookEndpoint) == []
    assert receiver.requests == []


async def test_the_breaker_opens_then_half_opens(db, world: World, monkeypatch) -> None:
    monkeypatch.setattr(webhooks, "BREAKER_COOLDOWN_S", 60.0)
    from datetime import timedelta

    from capool.clock import utcnow

    endpoint = WebhookEndpoint(organisation_id=world.brand.org_id, url="https://example.com", event_types=[], secret="s")
    endpoint.circuit_state, endpoint.consecutive_failures = CircuitState.CLOSED, 0
    now = utcnow()
    assert webhooks._circuit_allows(endpoint, now) == (True, 0.0)
    endpoint.circuit_state, endpoint.circuit_opened_at = CircuitState.OPEN, now
    allowed, wait = webhooks._circuit_allows(endpoint, now + timedelta(seconds=10))
    assert not allowed and 49 < wait <= 50
    assert webhooks._circuit_allows(endpoint, now + timedelta(seconds=61)) == (True, 0.0)
    assert endpoint.circuit_state == CircuitState.HALF_OPEN
    allowed, _ = webhooks._circuit_allows(endpoint, now + timedelta(seconds=62))
    assert not allowed, "one probe at a time while half-open"
    assert webhooks.backoff_s(1) < webhooks.backoff_s(2) < webhooks.backoff_s(3)


async def test_delivery_through_the_redis_broker(client, db, world: World, redis_outbox_worker, receiver: Receiver, fast_retries, receiver_network_listed) -> None:
    """The production setup: outbox and webhook jobs on Redis, an outage, then everything once."""
    created = await subscribe(client, world.brand, receiver.base + "/brand", ["order.submitted", "order.cancelled"])
    receiver.secrets = {"/brand": created["secret"]}
    receiver.down = True
    order = await place(client, world.brand)
    cancelled = await client.post(f"/v1/orders/{order['id']}/transitions", json={"to": "cancelled", "reason": "test"}, headers=world.brand.headers)
    assert cancelled.status_code == 200, cancelled.text
    await redis_outbox_worker.drain()
    await wait_for(lambda: _attempted(db, 3))
    receiver.down = False

    async def delivered() -> bool:
        found = await rows(db, WebhookDelivery)
        return len(found) == 2 and all(d.status == DeliveryStatus.DELIVERED for d in found)

    await wait_for(delivered)
    assert sorted(b["type"] for b in receiver.accepted.values()) == ["order.cancelled", "order.submitted"]
    assert all(count == 1 for count in receiver.acks.values())


async def _attempted(db: AsyncEngine, n: int) -> bool:
    return len(await rows(db, WebhookAttempt)) >= n


async def test_recipients_of_quality_settlement_and_alert_events(client, db, world: World) -> None:
    from capool.events import record

    order, allocation = await _allocated_order(client, world)
    async with create_session_factory(db)() as session:
        def event(type_: str, org, payload: dict):  # type: ignore[no-untyped-def]
            return record(session, alliance_id=world.alliance_id, organisation_id=org, type=type_, aggregate_type="x",
                          aggregate_id=uuid.uuid4(), payload=payload)

        lot = event("quality.lot_decided", world.brand.org_id, {"lot_id": "l", "order_id": order["id"], "allocation_id": allocation["id"],
                                                               "factory_org_id": str(world.floating.org_id), "buyer_org_id": str(world.brand.org_id)})
        paid = event("settlement.payment_released", world.brand.org_id, {"order_id": order["id"], "allocation_id": allocation["id"], "amount_minor": 1})
        alert = event("health.alert", world.partner.org_id, {"process": "screen_printing"})
        foreign = event("allocation.proposed", world.brand.org_id, {"factory_org_id": str(world.outsider.org_id)})
        assert await webhooks.recipients(session, lot) == {world.brand.org_id, world.floating.org_id}
        assert await webhooks.recipients(session, paid) == {world.brand.org_id, world.floating.org_id}
        assert await webhooks.recipients(session, alert) == {world.partner.org_id}
        assert await webhooks.recipients(session, foreign) == {world.brand.org_id}, "never an organisation of another alliance"
        await session.rollback()


async def test_oversized_answers_are_cut_off(receiver: Receiver, monkeypatch) -> None:
    monkeypatch.setattr(http, "MAX_RESPONSE_BYTES", 1000)
    receiver.json_routes["/big"] = {"x": "y" * 5000}
    receiver.json_routes["/small"] = {"x": "y"}
    with pytest.raises(http.ResponseTooLarge):
        await http.guarded_request("GET", receiver.base + "/big", allow_private=True)
    assert (await http.guarded_request("GET", receiver.base + "/small", allow_private=True)).json() == {"x": "y"}
