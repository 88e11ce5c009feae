"""Webhook URLs are checked when they are entered (create and update) by the same function
that guards each send: loopback, link-local and private addresses in every spelling, and
names that resolve to them, answer 422 at `/url`; a name that turns private later is
refused at send time, and the delivery log says "address not allowed" without the address.

Names are pointed at addresses through the guard's own resolver (`http.resolve`)."""

from __future__ import annotations

import asyncio
import ipaddress
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.config import get_settings
from capool.db import create_session_factory
from marketplace.integrations import http, webhooks
from marketplace.integrations.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.conftest import World, place
from tests.integrations.receiver import Receiver

PUBLIC = "93.184.216.34"
TYPES = ["order.submitted"]

REFUSED_URLS = [
    "http://127.0.0.1/hook",
    "http://2130706433/hook",  # decimal
    "http://0177.0.0.1/hook",  # octal
    "http://0x7f.1/hook",  # hex, short form
    "http://0x7f000001/hook",
    "http://127.1/hook",  # short form
    "http://127.0.0.1./hook",  # trailing dot on an address
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped IPv6
    "http://[::]/hook",
    "http://0.0.0.0/hook",
    "http://localhost/hook",
    "http://localhost./hook",  # trailing dot
    "http://LocalHost:8080/hook",
    "http://api.localhost/hook",
    "http://good.example@127.0.0.1/hook",  # userinfo trick
    "http://good.example:pw@partner.example/hook",
    "http://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
    "http://[fe80::1]/hook",
    "http://10.1.2.3/hook",
    "http://192.168.1.10/hook",
    "http://172.16.0.1/hook",
    "http://100.64.0.1/hook",  # carrier-grade NAT
    "http://[fd00::1]/hook",  # unique local
    "http://internal.partner.example/hook",  # resolves to loopback
    "http://mixed.partner.example/hook",  # one public, one private answer
    "http://partner%2eexample/hook",  # percent-encoded host
    "ftp://partner.example/hook",
    "file:///etc/passwd",
    "gopher://partner.example/hook",
    "https:///hook",
]


@pytest.fixture
def names(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[str]]]:
    """What the guard's resolver answers for each name (a missing name does not resolve)."""
    table: dict[str, list[str]] = {
        "partner.example": [PUBLIC],
        "hooks.partner.example": [PUBLIC],
        "internal.partner.example": ["127.0.0.1"],
        "mixed.partner.example": [PUBLIC, "10.0.0.7"],
    }

    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise http.UnresolvedHost(f"cannot resolve {host}")
        return list(table[host])

    monkeypatch.setattr(http, "resolve", resolve)
    yield table


async def _create(client, member, url: str):  # type: ignore[no-untyped-def]
    return await client.post("/v1/webhooks", json={"url": url, "event_types": TYPES}, headers=member.headers)


async def _endpoints(db: AsyncEngine) -> list[WebhookEndpoint]:
    async with create_session_factory(db)() as session:
        return list((await session.execute(select(WebhookEndpoint).order_by(WebhookEndpoint.created_at))).scalars())


def _assert_refused_at_url(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert [error["pointer"] for error in problem["errors"]] == ["/url"]


@pytest.mark.parametrize("url", REFUSED_URLS)
async def test_each_spelling_is_refused_at_registration_and_at_update(client, db, world: World, names, url: str) -> None:  # type: ignore[no-untyped-def]
    _assert_refused_at_url(await _create(client, world.brand, url))
    assert await _endpoints(db) == [], "nothing was registered"

    created = await _create(client, world.brand, "https://partner.example/hook")
    assert created.status_code == 201, created.text
    endpoint_id = created.json()["endpoint"]["id"]
    changed = await client.patch(f"/v1/webhooks/{endpoint_id}", json={"url": url}, headers=world.brand.headers)
    _assert_refused_at_url(changed)
    [endpoint] = await _endpoints(db)
    assert endpoint.url == "https://partner.example/hook", "the URL was not changed"


async def test_a_name_that_resolves_to_loopback_is_refused_without_naming_the_address(client, db, world: World, names) -> None:  # type: ignore[no-untyped-def]
    names["internal.partner.example"] = ["127.0.0.9"]
    refused = await _create(client, world.brand, "https://internal.partner.example/hook")
    _assert_refused_at_url(refused)
    detail = refused.json()["errors"][0]["detail"]
    assert detail == "address not allowed: internal.partner.example is or resolves to a private, loopback or link-local address"
    assert "127.0.0.9" not in refused.text
    assert await _endpoints(db) == []


async def test_public_and_not_yet_resolvable_names_are_accepted(client, db, world: World, names) -> None:  # type: ignore[no-untyped-def]
    for url in ("https://partner.example/hook", "https://[2606:4700::1111]/hook", "http://93.184.216.34:8080/hook",
                "https://not-yet-in-dns.partner.example/hook"):
        created = await _create(client, world.brand, url)
        assert created.status_code == 201, (url, created.text)
    assert [e.url for e in await _endpoints(db)] == [
        "https://partner.example/hook", "https://[2606:4700::1111]/hook", "http://93.184.216.34:8080/hook",
        "https://not-yet-in-dns.partner.example/hook"]


async def test_the_operators_network_list_is_honoured_at_registration(client, db, world: World, names, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(get_settings(), "integrations_private_networks", [ipaddress.ip_network("10.20.0.0/16")])
    assert (await _create(client, world.brand, "http://10.20.3.4:8443/hook")).status_code == 201
    _assert_refused_at_url(await _create(client, world.brand, "http://10.21.0.1/hook"))
    _assert_refused_at_url(await _create(client, world.brand, "http://127.0.0.1/hook"))
    assert [e.url for e in await _endpoints(db)] == ["http://10.20.3.4:8443/hook"]


async def test_the_operators_endpoint_exception_holds_for_its_url_only(client, db, world: World, names) -> None:  # type: ignore[no-untyped-def]
    created = await _create(client, world.brand, "https://hooks.partner.example/hook")
    endpoint_id = created.json()["endpoint"]["id"]
    async with create_session_factory(db)() as session:
        await webhooks.set_allow_private(session, uuid.UUID(endpoint_id), True)
        await session.commit()
    names["hooks.partner.example"] = ["10.9.9.9"]  # the on-premises receiver's address
    same = await client.patch(f"/v1/webhooks/{endpoint_id}", json={"url": "https://hooks.partner.example/hook"}, headers=world.brand.headers)
    assert same.status_code == 200 and same.json()["allow_private"] is True, same.text
    other = await client.patch(f"/v1/webhooks/{endpoint_id}", json={"url": "https://10.9.9.10/hook"}, headers=world.brand.headers)
    _assert_refused_at_url(other)
    [endpoint] = await _endpoints(db)
    assert (endpoint.url, endpoint.allow_private) == ("https://hooks.partner.example/hook", True)


async def _wait_for(condition, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def test_a_name_that_turns_private_after_registration_is_refused_at_send_time(
    client, db, world: World, names, outbox_worker, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr(webhooks, "MAX_ATTEMPTS", 1)
    with Receiver() as receiver:
        port = receiver.server.server_address[1]
        created = await _create(client, world.brand, f"http://hooks.partner.example:{port}/brand")
        assert created.status_code == 201, created.text
        receiver.secrets = {"/brand": created.json()["secret"]}
        names["hooks.partner.example"] = ["127.0.0.1"]  # DNS now points at the loopback receiver
        await place(client, world.brand)
        await outbox_worker.drain()

        async def failed() -> bool:
            async with create_session_factory(db)() as session:
                found = list((await session.execute(select(WebhookDelivery))).scalars())
            return bool(found) and found[0].status == DeliveryStatus.FAILED

        await _wait_for(failed)
        assert receiver.requests == [], "nothing reached the loopback receiver"
        async with create_session_factory(db)() as session:
            [attempt] = (await session.execute(select(WebhookAttempt))).scalars()
            [delivery] = (await session.execute(select(WebhookDelivery))).scalars()
        assert attempt.error == "address not allowed" and delivery.last_error == "address not allowed"
        log = await client.get(f"/v1/webhook-deliveries/{delivery.id}", headers=world.brand.headers)
        assert log.status_code == 200 and log.json()["attempts"][0]["error"] == "address not allowed"
        assert "127.0.0.1" not in log.text

        # The operator's exception for this endpoint (`capool webhooks allow-private`) is honoured.
        async with create_session_factory(db)() as session:
            await webhooks.set_allow_private(session, uuid.UUID(created.json()["endpoint"]["id"]), True)
            await session.commit()
        replay = await client.post(f"/v1/webhook-deliveries/{delivery.id}/replay", headers=world.brand.headers)
        assert replay.status_code == 202, replay.text

        async def delivered() -> bool:
            return str(delivery.id) in receiver.accepted

        await _wait_for(delivered)
        assert receiver.requests[0]["headers"]["host"] == f"hooks.partner.example:{port}"
