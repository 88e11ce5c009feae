"""Matching through REST against a real database: preview, runs, approval, apply, repair,
and the tenancy walls."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select

from capool.db import create_session_factory
from capool.tenancy.models import OrgKind, Role
from marketplace.models import Allocation
from matching import service
from matching.models import MatchRun
from tests.conftest import _member, place, publish


@pytest.fixture
def small_approval(monkeypatch):
    monkeypatch.setattr(service, "matching_settings", lambda: service.MatchingSettings(approval_value_minor=10**12, approval_moved_share_pct=101, default_time_limit_s=2))


@pytest.fixture
def strict_approval(monkeypatch):
    monkeypatch.setattr(service, "matching_settings", lambda: service.MatchingSettings(approval_value_minor=1, default_time_limit_s=2))


async def _count(db, model) -> int:
    async with create_session_factory(db)() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_preview_picks_the_cheapest_visible_offer_and_stores_nothing(client, world, db, small_approval):
    cheap = await publish(client, world.floating, price=300)
    await publish(client, world.partner, price=600)
    await publish(client, world.outsider, price=100)  # another alliance: never visible
    order = await place(client, world.brand, quantity=200)
    response = await client.post("/v1/matching/preview", json={"time_limit_s": 2}, headers=world.brand.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(p["order_id"], p["offer_id"], p["quantity"]) for p in body["plan"]] == [(order["id"], cheap["id"], 200)]
    assert body["result"]["status"] == "OPTIMAL"
    assert len(body["plan"][0]["explanation"]["backups"]) >= 1
    assert await _count(db, MatchRun) == 0 and await _count(db, Allocation) == 0


async def test_run_then_apply_creates_allocations(client, world, db, small_approval):
    offer = await publish(client, world.partner, price=600)
    order = await place(client, world.brand, quantity=100)
    run = await client.post("/v1/matching/runs", json={"time_limit_s": 2}, headers=world.brand.headers)
    assert run.status_code == 201, run.text
    run = run.json()
    assert run["status"] == "proposed" and run["plan"][0]["offer_id"] == offer["id"]
    assert (await client.get(f"/v1/matching/runs/{run['id']}", headers=world.brand.headers)).json()["id"] == run["id"]
    applied = await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers)
    assert applied.status_code == 200, applied.text
    assert applied.json()["status"] == "applied"
    allocation = (await client.get(f"/v1/orders/{order['id']}/tracking", headers=world.brand.headers)).json()["allocations"][0]["allocation"]
    assert allocation["offer_id"] == offer["id"] and allocation["tier"] == "partner" and allocation["unit_price_minor"] == 450
    again = await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers)
    assert again.status_code == 409


async def test_large_change_needs_two_different_approvers(client, world, db, strict_approval):
    await publish(client, world.floating, price=300)
    await place(client, world.brand, quantity=100)
    run = (await client.post("/v1/matching/runs", json={"time_limit_s": 2}, headers=world.brand.headers)).json()
    assert run["status"] == "awaiting_approval" and run["needs_approval"]
    blocked = await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers)
    assert blocked.status_code == 409 and "two approvals" in blocked.json()["detail"]
    # A plain buyer user may not approve.
    assert (await client.post(f"/v1/matching/runs/{run['id']}/approve", headers=world.brand.headers)).status_code == 403
    async with create_session_factory(db)() as session:
        first = await _member(session, world.alliance_id, "Brand", OrgKind.BOTH, Role.ORG_ADMIN, world.brand.org_id)
        second = await _member(session, world.alliance_id, "Brand", OrgKind.BOTH, Role.ORG_ADMIN, world.brand.org_id)
        await session.commit()
    ok = await client.post(f"/v1/matching/runs/{run['id']}/approve", headers=first.headers)
    assert ok.status_code == 200, ok.text
    twice = await client.post(f"/v1/matching/runs/{run['id']}/approve", headers=first.headers)
    assert twice.status_code == 409
    still = await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers)
    assert still.status_code == 409 and await _count(db, Allocation) == 0
    assert (await client.post(f"/v1/matching/runs/{run['id']}/approve", headers=second.headers)).status_code == 200
    applied = await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers)
    assert applied.status_code == 200, applied.text
    assert len(applied.json()["approvals"]) == 2 and await _count(db, Allocation) == 1


async def test_other_tenants_get_404_and_change_nothing(client, world, db, small_approval):
    await publish(client, world.floating, price=300)
    await place(client, world.brand, quantity=100)
    run = (await client.post("/v1/matching/runs", json={"time_limit_s": 2}, headers=world.brand.headers)).json()
    for member in (world.other_buyer, world.outsider):
        assert (await client.get(f"/v1/matching/runs/{run['id']}", headers=member.headers)).status_code == 404
        assert (await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=member.headers)).status_code == 404
    # A factory operator has no matching permission at all.
    assert (await client.get(f"/v1/matching/runs/{run['id']}", headers=world.partner.headers)).status_code == 403
    assert (await client.post(f"/v1/matching/runs/{run['id']}/approve", headers=world.outsider.headers)).status_code == 404
    assert (await client.get(f"/v1/matching/runs/{uuid.uuid4()}", headers=world.brand.headers)).status_code == 404
    assert await _count(db, Allocation) == 0
    assert (await client.get(f"/v1/matching/runs/{run['id']}", headers=world.brand.headers)).json()["status"] == "proposed"
    # Another buyer cannot match the brand's order by naming it.
    foreign = await client.post("/v1/matching/preview", json={"order_ids": [run["plan"][0]["order_id"]]}, headers=world.other_buyer.headers)
    assert foreign.status_code == 404


async def test_other_buyers_runs_do_not_see_private_offers_or_foreign_orders(client, world, small_approval):
    await publish(client, world.brand_ops, price=100, visibility="private")
    public = await publish(client, world.floating, price=400)
    await place(client, world.brand, quantity=50)
    mine = await place(client, world.other_buyer, quantity=50)
    body = (await client.post("/v1/matching/preview", json={"time_limit_s": 2}, headers=world.other_buyer.headers)).json()
    assert [(p["order_id"], p["offer_id"]) for p in body["plan"]] == [(mine["id"], public["id"])]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"time_limit_s": 0}, "/time_limit_s"),
        ({"order_ids": ["not-a-uuid"]}, "/order_ids/0"),
        ({"mode": "sideways"}, "/mode"),
        ({"policy": {"external_min_pct": 70, "external_max_pct": 60}}, "/policy/external_max_pct"),
        ({"policy": {"core_min_pct": 140}}, "/policy/core_min_pct"),
        ({"unknown": 1}, "unknown field `unknown`"),
        ({"mode": "incremental"}, "/order_ids"),
    ],
)
async def test_bad_input_is_422_with_the_field_path(client, world, body, path):
    response = await client.post("/v1/matching/preview", json=body, headers=world.brand.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert path in response.text


async def test_incremental_urgent_order_leaves_confirmed_work_alone(client, world, db, small_approval):
    cheap = await publish(client, world.floating, price=300, per_day=10, days=10)  # 100 units in all
    dear = await publish(client, world.partner, price=600)
    first = await place(client, world.brand, quantity=80)
    run = (await client.post("/v1/matching/runs", json={"order_ids": [first["id"]]}, headers=world.brand.headers)).json()
    assert (await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers)).status_code == 200
    urgent = await place(client, world.brand, quantity=50, urgency="urgent")
    body = (await client.post("/v1/matching/preview", json={"mode": "incremental", "order_ids": [urgent["id"]], "time_limit_s": 1}, headers=world.brand.headers)).json()
    assert body["result"]["mode"] == "incremental"
    assert [(p["order_id"], p["offer_id"]) for p in body["plan"]] == [(urgent["id"], dear["id"])]
    assert cheap["id"] not in {b["offer"] for b in body["plan"][0]["explanation"]["backups"] if b["can_take_now"]}


async def test_denied_without_matching_permission(client, world, db):
    await place(client, world.brand, quantity=10)
    response = await client.post("/v1/matching/runs", json={}, headers=world.partner.headers)
    assert response.status_code == 403
    assert await _count(db, MatchRun) == 0


async def test_withdrawn_offer_is_repaired_onto_a_backup(client, world, db, outbox_worker, small_approval):
    first = await publish(client, world.floating, price=300)
    backup = await publish(client, world.partner, price=600)
    order = await place(client, world.brand, quantity=100)
    run = (await client.post("/v1/matching/runs", json={"time_limit_s": 2}, headers=world.brand.headers)).json()
    assert run["plan"][0]["offer_id"] == first["id"]
    assert (await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers)).status_code == 200
    withdrawn = await client.post(f"/v1/offers/{first['id']}/withdraw", json={"reason": "machine failure"}, headers=world.floating.headers)
    assert withdrawn.status_code == 200, withdrawn.text
    await outbox_worker.drain()
    tracking = (await client.get(f"/v1/orders/{order['id']}/tracking", headers=world.brand.headers)).json()
    active = [a["allocation"] for a in tracking["allocations"] if a["allocation"]["status"] == "proposed"]
    assert [(a["offer_id"], a["quantity"]) for a in active] == [(backup["id"], 100)]
    runs = (await client.get("/v1/matching/runs", headers=world.brand.headers)).json()["items"]
    repair = [r for r in runs if r["mode"] == "repair"]
    assert len(repair) == 1 and repair[0]["status"] == "applied" and repair[0]["trigger"] == "capacity.withdrawn"


async def test_background_run_is_solved_by_the_job(client, world, db, outbox_worker, small_approval):
    offer = await publish(client, world.floating, price=300)
    await place(client, world.brand, quantity=100)
    created = await client.post("/v1/matching/runs", json={"background": True, "time_limit_s": 2}, headers=world.brand.headers)
    assert created.status_code == 201 and created.json()["status"] == "queued"
    await outbox_worker.drain()
    for _ in range(100):
        run = (await client.get(f"/v1/matching/runs/{created.json()['id']}", headers=world.brand.headers)).json()
        if run["status"] != "queued":
            break
        await asyncio.sleep(0.1)
    assert run["status"] == "proposed" and run["plan"][0]["offer_id"] == offer["id"]

