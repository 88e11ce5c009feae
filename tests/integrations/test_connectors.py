"""Connectors against a test HTTP server: capacity pulled from a factory's own API through a
declarative JSON-path mapping (on demand and by the scheduled job), and accepted
allocations pushed to the factory's MES."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from capool.db import create_session_factory
from marketplace.integrations import connectors
from marketplace.integrations.models import Connector
from marketplace.models import CapacityOffer
from tests.conftest import World, allocate, place, publish
from tests.integrations.receiver import Receiver
from tests.integrations.test_webhooks import wait_for

MAPPING = {
    "items": "$.data.slots",
    "key": "$.slot_id",
    "fields": {"process": "$.proc", "capacity_per_day": "$.qty_per_day", "window_start": "$.window.from", "window_end": "$.window.to",
               "unit_price_minor": "$.price.fen", "resource_code": "$.line"},
    "defaults": {"currency": "CNY", "visibility": "alliance"},
}


def slot(slot_id: str, line: str = "LINE-7", qty: int = 80) -> dict:
    start = date.today() + timedelta(days=1)
    return {"slot_id": slot_id, "proc": "screen_printing", "qty_per_day": qty, "line": line,
            "window": {"from": start.isoformat(), "to": (start + timedelta(days=4)).isoformat()}, "price": {"fen": 520}}


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    with Receiver() as r:
        yield r


async def offers_of(db, org_id: uuid.UUID) -> list[CapacityOffer]:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        return list((await session.execute(select(CapacityOffer).where(CapacityOffer.organisation_id == org_id))).scalars())


async def allow(db, connector_id: str) -> None:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        await connectors.set_allow_private(session, uuid.UUID(connector_id), True)
        await session.commit()


async def _capacity_connector(client, db, world: World, server: Receiver) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    existing = await publish(client, world.floating, per_day=10, days=3)
    mapped = await client.post("/v1/code-mappings", headers=world.floating.headers, json={
        "system": "FactoryAPI", "kind": "resource", "external_code": "LINE-7", "master_ref": existing["resource_id"]})
    assert mapped.status_code == 201, mapped.text
    created = await client.post("/v1/connectors", headers=world.floating.headers, json={
        "name": "FactoryAPI", "kind": "capacity_pull", "url": server.base + "/capacity", "mapping": MAPPING, "interval_minutes": 60})
    assert created.status_code == 201, created.text
    return existing, created.json()


async def test_pull_capacity_with_a_field_mapping(client, db, world: World, server: Receiver) -> None:
    existing, connector = await _capacity_connector(client, db, world, server)
    server.json_routes["/capacity"] = {"data": {"slots": [slot("S-1"), slot("S-2", qty=40)]}}

    refused = await client.post(f"/v1/connectors/{connector['id']}/run", headers=world.floating.headers)
    assert refused.status_code == 502 and "private" in refused.json()["detail"], "loopback needs the operator's permission"
    await allow(db, connector["id"])

    run = await client.post(f"/v1/connectors/{connector['id']}/run", headers=world.floating.headers)
    assert run.status_code == 200, run.text
    assert len(run.json()["created"]) == 2
    offers = {o.capacity_per_day: o for o in await offers_of(db, world.floating.org_id)}
    assert set(offers) == {10, 80, 40}
    pulled = offers[80]
    assert (pulled.process, pulled.unit_price_minor, pulled.currency, str(pulled.resource_id), pulled.total_capacity) == (
        "screen_printing", 520, "CNY", existing["resource_id"], 400)

    again = await client.post(f"/v1/connectors/{connector['id']}/run", headers=world.floating.headers)
    assert again.json() == {"connector_id": connector["id"], "created": [], "skipped": 2}, "slots are imported once"

    server.json_routes["/capacity"] = {"data": {"slots": [slot("S-3"), slot("S-4", line="LINE-UNKNOWN"), slot("S-5", qty=0)]}}
    bad = await client.post(f"/v1/connectors/{connector['id']}/run", headers=world.floating.headers)
    assert bad.status_code == 422, bad.text
    assert [e["pointer"] for e in bad.json()["errors"]] == ["/items/1/resource_code", "/items/2"]
    assert len(await offers_of(db, world.floating.org_id)) == 3, "a bad slot rejects the whole pull"

    other = await client.post(f"/v1/connectors/{connector['id']}/run", headers=world.partner.headers)
    assert other.status_code == 404


async def test_the_scheduled_job_pulls_due_connectors(client, db, world: World, server: Receiver, outbox_worker) -> None:
    _, connector = await _capacity_connector(client, db, world, server)
    await allow(db, connector["id"])
    server.json_routes["/capacity"] = {"data": {"slots": [slot("J-1")]}}
    connectors.schedule_capacity_pulls.send()

    async def pulled() -> bool:
        return len(await offers_of(db, world.floating.org_id)) == 2

    await wait_for(pulled)
    async with create_session_factory(db)() as session:
        row = await session.get(Connector, uuid.UUID(connector["id"]))
        assert row.last_run_at is not None and row.last_error is None
        assert await connectors.due_pulls(session) == [], "not due again before its interval"


async def test_a_bad_mapping_is_rejected(client, world: World) -> None:
    response = await client.post("/v1/connectors", headers=world.floating.headers, json={
        "name": "x", "kind": "capacity_pull", "url": "https://factory.example/api", "mapping": {"items": "data.slots", "fields": {"process": "$.p"}}})
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert "/mapping/items" in pointers and "/mapping/fields/capacity_per_day" in pointers
    malformed = await client.post("/v1/connectors", headers=world.floating.headers, json={
        "name": "x", "kind": "capacity_pull", "url": "https://factory.example/api", "mapping": {"items": "$.s", "fields": "nope", "defaults": [1]}})
    assert malformed.status_code == 422 and {e["pointer"] for e in malformed.json()["errors"]} == {"/mapping/fields", "/mapping/defaults"}
    wrong_kind = await client.post("/v1/connectors", headers=world.floating.headers, json={"name": "x", "kind": "ftp", "url": "https://f.example/a"})
    assert wrong_kind.status_code == 422 and wrong_kind.json()["errors"][0]["pointer"] == "/kind"
    assert connectors.json_path({"a": {"b": [{"c": 3}]}}, "$.a.b[0].c") == 3
    assert connectors.json_path({"a": {}}, "$.a.b[2]") is None


async def test_accepted_allocations_are_pushed_to_the_mes(client, db, world: World, server: Receiver, outbox_worker) -> None:
    created = await client.post("/v1/connectors", headers=world.floating.headers, json={
        "name": "MES", "kind": "mes_push", "url": server.base + "/mes", "auth_header": "X-Token: s3cret",
        "mapping": {"fields": {"orderId": "$.order_id", "qty": "$.quantity", "allocation": "$.allocation_id"}}})
    assert created.status_code == 201, created.text
    await allow(db, created.json()["id"])
    offer = await publish(client, world.floating)
    order = await place(client, world.brand, quantity=25)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 25)])
    accepted = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": True}, headers=world.floating.headers)
    assert accepted.status_code == 200
    await outbox_worker.drain()

    async def pushed() -> bool:
        return len(server.posted) == 1

    await wait_for(pushed)
    path, headers, body = server.posted[0]
    assert path == "/mes" and headers["x-token"] == "s3cret" and headers["idempotency-key"]
    assert body == {"orderId": order["id"], "qty": 25, "allocation": allocation["id"]}


async def test_the_sweep_enqueues_due_pulls_and_lost_deliveries(client, db, world: World, server: Receiver, outbox_worker) -> None:
    from marketplace.integrations import schedule

    _, connector = await _capacity_connector(client, db, world, server)
    await allow(db, connector["id"])
    server.json_routes["/capacity"] = {"data": {"slots": [slot("W-1")]}}
    async with create_session_factory(db)() as session:
        assert await schedule.sweep(session) == {"webhook_deliveries_resent": 0, "capacity_pulls_enqueued": 1}

    async def pulled() -> bool:
        return len(await offers_of(db, world.floating.org_id)) == 2

    await wait_for(pulled)
