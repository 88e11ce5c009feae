"""Approvals bind (issue 13 item 3): a plan is bound to the prices and offer terms it was
computed from, approvals sign exactly that plan, every path that creates allocations asks
for them above the threshold, and only the policy's approvers may give them."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select, update

from capool.db import create_session_factory
from capool.errors import Conflict
from capool.tenancy.models import Alliance, OrgKind, Role
from marketplace import allocations as marketplace_allocations
from marketplace.models import Allocation, CapacityOffer
from marketplace.schemas import PlanItem
from matching import service
from matching.models import MatchApproval, MatchRun
from tests.conftest import _member, place, publish
from tests.tenancy import snapshot

THRESHOLD = 100_000


@pytest.fixture
def threshold(monkeypatch):
    """One threshold for matching and for the marketplace's plan path (both read the same setting)."""
    monkeypatch.setattr(service, "matching_settings", lambda: service.MatchingSettings(approval_value_minor=THRESHOLD, default_time_limit_s=2))
    monkeypatch.setattr(marketplace_allocations, "approval_value_minor", lambda: THRESHOLD)


@pytest.fixture
async def approvers(db, world):
    """Two org admins of the brand (the buyer); the brand's buyer user requests the runs."""
    async with create_session_factory(db)() as session:
        first = await _member(session, world.alliance_id, "Brand", OrgKind.BOTH, Role.ORG_ADMIN, world.brand.org_id)
        second = await _member(session, world.alliance_id, "Brand", OrgKind.BOTH, Role.ORG_ADMIN, world.brand.org_id)
        await session.commit()
    return first, second


async def _count(db, model) -> int:
    async with create_session_factory(db)() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def _run(client, member) -> dict:
    response = await client.post("/v1/matching/runs", json={"time_limit_s": 2}, headers=member.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def _approve(client, member, run_id, **body):
    return await client.post(f"/v1/matching/runs/{run_id}/approve", json=body or None, headers=member.headers)


async def _reprice(client, factory, offer_id, price) -> None:
    response = await client.patch(f"/v1/offers/{offer_id}", json={"unit_price_minor": price}, headers=factory.headers)
    assert response.status_code == 200, response.text


async def test_price_raised_after_approval_is_refused_with_a_fresh_preview(client, world, db, threshold, approvers):
    offer = await publish(client, world.floating, price=3_000)
    order = await place(client, world.brand, quantity=100)
    run = await _run(client, world.brand)
    assert (run["status"], run["value_minor"], run["needs_approval"]) == ("awaiting_approval", 300_000, True)
    assert run["plan"][0]["unit_price_minor"] == 3_000 and run["plan"][0]["offer_digest"]
    for approver in approvers:
        assert (await _approve(client, approver, run["id"], plan_digest=run["plan_digest"])).status_code == 200
    await _reprice(client, world.floating, offer["id"], 30_000)
    before = await snapshot(db)
    stale = await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers)
    assert stale.status_code == 409 and stale.headers["content-type"].startswith("application/problem+json")
    body = stale.json()
    assert body["code"] == "plan_stale" and body["bound_to"] == run["plan_digest"]
    preview = body["preview"]
    assert preview["value_minor"] == 3_000_000 and preview["needs_approval"] is True and preview["plan_digest"] != run["plan_digest"]
    assert [(p["order_id"], p["offer_id"], p["quantity"], p["unit_price_minor"]) for p in preview["plan"]] == [(order["id"], offer["id"], 100, 30_000)]
    assert await snapshot(db) == before
    assert (await client.get(f"/v1/matching/runs/{run['id']}", headers=world.brand.headers)).json()["status"] == "approved"


async def test_below_threshold_run_that_crosses_it_after_a_price_change_needs_approvals(client, world, db, threshold, approvers):
    offer = await publish(client, world.floating, price=300)
    await place(client, world.brand, quantity=100)
    run = await _run(client, world.brand)
    assert (run["status"], run["value_minor"], run["needs_approval"]) == ("proposed", 30_000, False)
    await _reprice(client, world.floating, offer["id"], 3_000)
    before = await snapshot(db)
    stale = await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers)
    assert stale.status_code == 409 and stale.json()["code"] == "plan_stale"
    assert stale.json()["preview"]["value_minor"] == 300_000 and stale.json()["preview"]["needs_approval"] is True
    assert await snapshot(db) == before
    # A new run at the new price waits for two approvals.
    again = await _run(client, world.brand)
    assert (again["status"], again["value_minor"]) == ("awaiting_approval", 300_000)
    refused = await client.post(f"/v1/matching/runs/{again['id']}/apply", headers=world.brand.headers)
    assert refused.status_code == 409 and refused.json()["code"] == "approval_required"
    assert await _count(db, Allocation) == 0


async def test_manual_plan_above_the_threshold_waits_for_two_approvals(client, world, db, threshold, approvers):
    offer = await publish(client, world.floating, price=3_000)
    order = await place(client, world.brand, quantity=100)
    items = {"items": [{"order_id": order["id"], "offer_id": offer["id"], "quantity": 100}]}
    submitted = await client.post("/v1/allocation-plans", json=items, headers=world.brand.headers)
    assert submitted.status_code == 202, submitted.text
    run = submitted.json()
    assert (run["status"], run["trigger"], run["mode"], run["value_minor"], run["approvals"]) == ("awaiting_approval", "manual", "manual", 300_000, [])
    assert await _count(db, Allocation) == 0
    async with create_session_factory(db)() as session:
        assert (await session.get(CapacityOffer, uuid.UUID(offer["id"]))).reserved == 0
    refused = await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers)
    assert refused.status_code == 409 and refused.json()["code"] == "approval_required"
    first, second = approvers
    assert (await _approve(client, first, run["id"])).json()["status"] == "awaiting_approval"
    still = await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers)
    assert still.status_code == 409 and await _count(db, Allocation) == 0
    assert (await _approve(client, second, run["id"])).json()["status"] == "approved"
    applied = await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers)
    assert applied.status_code == 200, applied.text
    assert applied.json()["status"] == "applied" and sorted(applied.json()["approvals"]) == sorted([str(first.user_id), str(second.user_id)])
    async with create_session_factory(db)() as session:
        allocations = list((await session.execute(select(Allocation))).scalars())
        assert [(a.quantity, a.unit_price_minor) for a in allocations] == [(100, 3_000)]
        assert (await session.get(CapacityOffer, uuid.UUID(offer["id"]))).reserved == 100


async def test_the_marketplace_refuses_a_large_plan_without_approval_on_any_path(client, db, world, threshold):
    """apply_plan itself (what GraphQL, the portal, repairs and the demo reach) asks for approval."""
    offer = await publish(client, world.floating, price=3_000)
    order = await place(client, world.brand, quantity=100)
    before = await snapshot(db)
    async with create_session_factory(db)() as session:
        with pytest.raises(Conflict) as refused:
            await marketplace_allocations.apply_plan(session, world.brand.actor, [PlanItem(order_id=uuid.UUID(order["id"]), offer_id=uuid.UUID(offer["id"]), quantity=100)])
        assert refused.value.code == "approval_required"
        await session.rollback()
    assert await snapshot(db) == before


async def test_the_requester_cannot_approve_and_no_user_approves_twice(client, world, db, threshold, approvers):
    first, second = approvers
    await publish(client, world.floating, price=3_000)
    await place(client, world.brand, quantity=100)
    run = await _run(client, first)  # an org admin requests it: they may not sign it
    before = await snapshot(db)
    own = await _approve(client, first, run["id"])
    assert own.status_code == 403 and own.json()["code"] == "permission_denied"
    assert await snapshot(db) == before
    # A plain buyer of the brand holds no matching:approve.
    assert (await _approve(client, world.brand, run["id"])).status_code == 403
    assert (await _approve(client, second, run["id"])).status_code == 200
    before = await snapshot(db)
    twice = await _approve(client, second, run["id"])
    assert twice.status_code == 409 and twice.json()["code"] == "already_approved"
    assert await snapshot(db) == before
    body = (await client.get(f"/v1/matching/runs/{run['id']}", headers=first.headers)).json()
    assert (body["status"], body["approvals"]) == ("awaiting_approval", [str(second.user_id)])


async def test_an_approval_of_an_older_plan_does_not_count(client, world, db, threshold, approvers):
    first, second = approvers
    await publish(client, world.floating, price=3_000)
    await place(client, world.brand, quantity=100)
    run = await _run(client, world.brand)
    # The approver reviewed another plan than the run proposes: refused, nothing stored.
    before = await snapshot(db)
    other = await _approve(client, first, run["id"], plan_digest="0" * 64)
    assert other.status_code == 409 and other.json()["code"] == "plan_changed"
    assert await snapshot(db) == before
    # A signature stored for an older plan of the run does not count towards the two.
    async with create_session_factory(db)() as session:
        session.add(MatchApproval(run_id=uuid.UUID(run["id"]), organisation_id=world.brand.org_id, user_id=first.user_id, plan_digest="f" * 64))
        await session.commit()
    assert (await _approve(client, second, run["id"])).json()["status"] == "awaiting_approval"
    refused = await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers)
    assert refused.status_code == 409 and refused.json()["code"] == "approval_required" and "it has 1" in refused.json()["detail"]
    assert (await client.get(f"/v1/matching/runs/{run['id']}", headers=world.brand.headers)).json()["approvals"] == [str(second.user_id)]
    assert await _count(db, Allocation) == 0


async def test_alliance_admin_approves_when_the_alliance_allows_it(client, world, db, threshold, approvers):
    first, _ = approvers
    await publish(client, world.floating, price=3_000)
    await place(client, world.brand, quantity=100)
    run = await _run(client, world.brand)
    seen = await client.get(f"/v1/matching/runs/{run['id']}", headers=world.admin.headers)
    assert seen.status_code == 200 and seen.json()["id"] == run["id"]
    assert (await _approve(client, world.admin, run["id"])).json()["status"] == "awaiting_approval"
    assert (await _approve(client, first, run["id"])).json()["status"] == "approved"
    # Reading and signing is all: applying stays the buyer's.
    assert (await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.admin.headers)).status_code == 403
    applied = await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers)
    assert applied.status_code == 200 and applied.json()["status"] == "applied"


async def test_alliance_admin_cannot_reach_runs_when_the_alliance_disallows_it(client, world, db, threshold, approvers):
    await publish(client, world.floating, price=3_000)
    await place(client, world.brand, quantity=100)
    run = await _run(client, world.brand)
    async with create_session_factory(db)() as session:
        await session.execute(update(Alliance).where(Alliance.id == world.alliance_id).values(admins_approve_runs=False))
        await session.commit()
    before = await snapshot(db)
    assert (await client.get(f"/v1/matching/runs/{run['id']}", headers=world.admin.headers)).status_code == 404
    denied = await _approve(client, world.admin, run["id"])
    assert denied.status_code == 404
    assert await snapshot(db) == before
    # Another alliance's admin never reaches it.
    assert (await _approve(client, world.outsider, run["id"])).status_code == 404


async def test_two_concurrent_applies_of_a_run_apply_once(client, world, db, threshold):
    await publish(client, world.floating, price=300)
    await place(client, world.brand, quantity=100)
    run = await _run(client, world.brand)
    assert run["status"] == "proposed"
    answers = await asyncio.gather(*(client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers) for _ in range(2)))
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert await _count(db, Allocation) == 1
    async with create_session_factory(db)() as session:
        assert (await session.get(MatchRun, uuid.UUID(run["id"]))).status.value == "applied"


async def test_a_manual_plan_and_a_run_for_the_same_order_do_not_both_pass(client, world, db, threshold):
    offer = await publish(client, world.floating, price=300)
    order = await place(client, world.brand, quantity=100)
    run = await _run(client, world.brand)
    manual = {"items": [{"order_id": order["id"], "offer_id": offer["id"], "quantity": 100}]}
    answers = await asyncio.gather(
        client.post(f"/v1/matching/runs/{run['id']}/apply", headers=world.brand.headers),
        client.post("/v1/allocation-plans", json=manual, headers=world.brand.headers),
    )
    # Whichever comes second finds the order allocated (its row is locked by the first).
    assert sorted(a.status_code for a in answers) in ([200, 409], [201, 409]), [a.text for a in answers]
    assert await _count(db, Allocation) == 1
    async with create_session_factory(db)() as session:
        assert (await session.get(CapacityOffer, uuid.UUID(offer["id"]))).reserved == 100


async def test_the_demo_ships_two_approvers_who_unblock_a_large_plan(client, db, tmp_path, monkeypatch):
    """README flow: the demo buyer's large plan waits; the demo's two approvers sign; the buyer applies."""
    from capool.demo import DEMO_PASSWORD, load_demo
    from capool.tenancy.models import User
    from capool.tenancy.passwords import verify_password
    from tests.conftest import future, today_plus

    monkeypatch.chdir(tmp_path)  # the demo writes var/demo-keys.json
    async with create_session_factory(db)() as session:
        summary = await load_demo(session, orders=10, seed=3)
        await session.commit()
    keys = {label: {"Authorization": f"Bearer {token}"} for label, token in summary["api_keys"].items()}
    async with create_session_factory(db)() as session:
        for email in ("approver1@inkwell.example", "approver2@inkwell.example"):
            user = (await session.execute(select(User).where(User.email == email))).scalar_one()
            assert user.role == Role.ORG_ADMIN and verify_password(user, DEMO_PASSWORD)
    supplier, buyer = keys["supplier (Floating Works 01)"], keys["buyer (Inkwell Tees)"]
    [resource, *_] = (await client.get("/v1/resources", headers=supplier)).json()["items"]
    offer = (await client.post("/v1/offers", headers=supplier, json={
        "resource_id": resource["id"], "process": resource["processes"][0], "window_start": today_plus(1), "window_end": today_plus(10),
        "capacity_per_day": 50, "unit_price_minor": 20_000, "currency": "CNY", "visibility": "alliance"})).json()
    order = (await client.post("/v1/orders", headers=buyer, json={
        "reference": "PO-APPROVE", "product": "hoodie", "process": resource["processes"][0], "quantity": 200,
        "due_at": future(15), "currency": "CNY"})).json()
    submitted = await client.post("/v1/allocation-plans", headers=buyer, json={"items": [{"order_id": order["id"], "offer_id": offer["id"], "quantity": 200}]})
    assert submitted.status_code == 202, submitted.text
    run = submitted.json()
    assert (run["status"], run["value_minor"]) == ("awaiting_approval", 4_000_000)
    for label, status in (("approver 1 (Inkwell Tees)", "awaiting_approval"), ("approver 2 (Inkwell Tees)", "approved")):
        signed = await client.post(f"/v1/matching/runs/{run['id']}/approve", headers=keys[label], json={"plan_digest": run["plan_digest"]})
        assert signed.status_code == 200 and signed.json()["status"] == status, signed.text
    applied = await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=buyer)
    assert applied.status_code == 200 and applied.json()["status"] == "applied", applied.text
    allocations = (await client.get(f"/v1/allocations?order_id={order['id']}", headers=buyer)).json()["items"]
    assert [(a["quantity"], a["unit_price_minor"], a["status"]) for a in allocations] == [(200, 20_000, "proposed")]
