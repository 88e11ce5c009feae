"""Repair by itself (issue 13 item 4): a withdrawal's consumer only queues the repair; the
matching job solves it outside any transaction; the moved share is measured in units; small
repairs apply without approval; accepted and in-production work raises an alert and a repair
proposal for what is not yet produced."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select, update

from capool import jobs
from capool.db import create_session_factory
from capool.events import OutboxEvent
from capool.tenancy.models import OrgKind, Role
from forecasting.models import AlertKind, HealthAlert
from marketplace.models import Allocation, AllocationDay, CapacityOffer, Order, ResourceDay
from matching import engine, service
from matching.models import MatchApproval, MatchRun, RunMode, RunStatus
from tests.conftest import _member, place, publish
from tests.portal.conftest import sign_in


def thresholds(monkeypatch, *, share_pct: int, units: int, value: int = 2_000_000) -> None:
    monkeypatch.setattr(service, "matching_settings", lambda: service.MatchingSettings(
        approval_value_minor=value, approval_moved_share_pct=share_pct, approval_moved_units=units, default_time_limit_s=2))


async def _apply_run(client, member) -> dict:
    run = (await client.post("/v1/matching/runs", json={"time_limit_s": 2}, headers=member.headers)).json()
    applied = await client.post(f"/v1/matching/runs/{run['id']}/apply", headers=member.headers)
    assert applied.status_code == 200, applied.text
    return run


async def _withdraw(client, factory, offer_id) -> dict:
    response = await client.post(f"/v1/offers/{offer_id}/withdraw", json={"reason": "machine failure"}, headers=factory.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _consume_withdrawal(db) -> None:
    """Run the outbox consumers of the capacity.withdrawn event in their own transaction, as
    the outbox job does, and nothing else (no worker: the jobs they send are not run)."""
    async with create_session_factory(db)() as session:
        row = (await session.execute(select(OutboxEvent).where(OutboxEvent.type == "capacity.withdrawn").with_for_update())).scalar_one()
        await jobs.process_event(session, row)
        await session.commit()


async def _repair_runs(db) -> list[MatchRun]:
    async with create_session_factory(db)() as session:
        return list((await session.execute(select(MatchRun).where(MatchRun.mode == RunMode.REPAIR).order_by(MatchRun.created_at, MatchRun.id))).scalars())


async def _solve_queued(db, run_id: uuid.UUID) -> MatchRun:
    """The matching job's body in its own transaction."""
    async with create_session_factory(db)() as session:
        run = await service.execute_queued(session, run_id)
        await session.commit()
    assert run is not None
    return run


async def _allocations(db, order_id) -> list[tuple[str, str, int]]:
    async with create_session_factory(db)() as session:
        rows = (await session.execute(select(Allocation).where(Allocation.order_id == uuid.UUID(order_id)).order_by(Allocation.created_at, Allocation.id))).scalars()
        return [(str(a.offer_id), a.status.value, a.quantity) for a in rows]


async def _reserved(db, offer_id) -> int:
    async with create_session_factory(db)() as session:
        return (await session.get(CapacityOffer, uuid.UUID(offer_id))).reserved


async def _booked_days(db, offer_id) -> tuple[int, int]:
    """What the offer's resource has booked over its days, and what its allocations' per-day slots use."""
    async with create_session_factory(db)() as session:
        offer = await session.get(CapacityOffer, uuid.UUID(offer_id))
        booked = await session.scalar(select(func.coalesce(func.sum(ResourceDay.booked), 0)).where(ResourceDay.resource_id == offer.resource_id))
        slots = await session.scalar(select(func.coalesce(func.sum(AllocationDay.use), 0)).join(Allocation, Allocation.id == AllocationDay.allocation_id)
                                     .where(AllocationDay.offer_id == offer.id, Allocation.status.in_(("proposed", "accepted"))))
        return int(booked), int(slots)


@pytest.fixture
async def solves(monkeypatch, db):
    """Count the engine's solves, and prove that each runs with no database lock held: while
    it solves, another connection writes the orders table (SQLite: it would wait for the
    writer's lock; PostgreSQL: for the order rows a consumer has locked)."""
    calls: list[str] = []
    real = engine.solve
    loop = asyncio.get_running_loop()

    async def write_elsewhere() -> None:
        async with create_session_factory(db)() as session:
            await session.execute(update(Order).values(version=Order.version))
            await session.commit()

    def spy(problem, *args, **kwargs):
        asyncio.run_coroutine_threadsafe(asyncio.wait_for(write_elsewhere(), 10), loop).result(timeout=15)
        calls.append(problem.mode.value)
        return real(problem, *args, **kwargs)

    monkeypatch.setattr(engine, "solve", spy)
    return calls


async def test_the_consumer_only_queues_the_repair_and_the_job_solves_and_applies_it(client, world, db, monkeypatch, solves):
    thresholds(monkeypatch, share_pct=50, units=500)  # the shipped defaults
    first = await publish(client, world.floating, price=300)
    backup = await publish(client, world.partner, price=600)
    order = await place(client, world.brand, quantity=100)
    await _apply_run(client, world.brand)
    solves.clear()
    withdrawn = await _withdraw(client, world.floating, first["id"])

    await _consume_withdrawal(db)
    assert solves == []  # nothing solved inside the consumer's transaction
    [run] = await _repair_runs(db)
    assert run.status == RunStatus.QUEUED and run.trigger == "capacity.withdrawn"
    assert run.request["failed_offer_id"] == first["id"] and run.request["allocation_ids"] == withdrawn["affected_allocations"]
    assert run.request["accepted_work"] is False
    # The proposed allocation was released (the offer keeps nothing reserved) and the order is matched again.
    assert await _allocations(db, order["id"]) == [(first["id"], "cancelled", 100)]
    assert await _reserved(db, first["id"]) == 0
    async with create_session_factory(db)() as session:
        assert (await session.get(Order, uuid.UUID(order["id"]))).status.value == "submitted"
        requested = (await session.execute(select(OutboxEvent).where(OutboxEvent.type == "matching.run.requested"))).scalars().all()
    assert [e.payload["run_id"] for e in requested] == [str(run.id)]

    solved = await _solve_queued(db, run.id)
    assert solves == ["repair"]
    # 100 of 100 units moved (100%), but fewer than 500 units: small, applied with no approval.
    assert solved.moved_share_pct == 100 and not solved.needs_approval
    assert solved.status == RunStatus.APPLIED and solved.error is None
    assert await _allocations(db, order["id"]) == [(first["id"], "cancelled", 100), (backup["id"], "proposed", 100)]
    assert await _reserved(db, backup["id"]) == 100
    async with create_session_factory(db)() as session:
        assert (await session.scalars(select(MatchApproval))).all() == []
    # The job is idempotent: a redelivered message leaves the applied run alone.
    assert (await _solve_queued(db, run.id)).status == RunStatus.APPLIED and solves == ["repair"]


async def _split_order_with_40_on_the_withdrawn_offer(client, world) -> tuple[dict, dict, dict]:
    doomed = await publish(client, world.floating, price=300)
    kept = await publish(client, world.partner, price=600)
    await publish(client, world.floating, price=400)  # a backup for the 40
    order = await place(client, world.brand, quantity=200, split_allowed=True)
    response = await client.post("/v1/allocation-plans", headers=world.brand.headers, json={"items": [
        {"order_id": order["id"], "offer_id": kept["id"], "quantity": 160}, {"order_id": order["id"], "offer_id": doomed["id"], "quantity": 40}]})
    assert response.status_code == 201, response.text
    return doomed, kept, order


@pytest.mark.parametrize(("share_pct", "applied"), [(21, True), (20, False)])
async def test_a_split_order_with_40_of_200_on_the_withdrawn_offer_is_20_percent_moved(client, world, db, monkeypatch, solves, share_pct, applied):
    thresholds(monkeypatch, share_pct=share_pct, units=1)
    doomed, kept, order = await _split_order_with_40_on_the_withdrawn_offer(client, world)
    await _withdraw(client, world.floating, doomed["id"])
    await _consume_withdrawal(db)
    [run] = await _repair_runs(db)
    solved = await _solve_queued(db, run.id)
    assert solved.moved_share_pct == 20  # 40 units of a 200-unit order, not "the order moved"
    assert sum(p["quantity"] for p in solved.plan) == 40 and doomed["id"] not in {p["offer_id"] for p in solved.plan}
    allocations = await _allocations(db, order["id"])
    assert allocations[:2] == [(kept["id"], "proposed", 160), (doomed["id"], "cancelled", 40)]
    if applied:  # 20% is below the 21% threshold: applied by itself, no approval
        assert solved.status == RunStatus.APPLIED and not solved.needs_approval
        assert [(status, q) for _, status, q in allocations[2:]] == [("proposed", 40)]
    else:  # 20% reaches a 20% threshold: it waits for two approvals, nothing reserved yet
        assert solved.status == RunStatus.AWAITING_APPROVAL and solved.needs_approval
        assert allocations[2:] == []


async def test_a_large_repair_waits_for_two_approvals_then_applies(client, world, db, monkeypatch, solves):
    thresholds(monkeypatch, share_pct=50, units=500)  # the shipped defaults
    first = await publish(client, world.floating, price=300)
    backup = await publish(client, world.partner, price=600)
    order = await place(client, world.brand, quantity=600)
    await _apply_run(client, world.brand)
    await _withdraw(client, world.floating, first["id"])
    await _consume_withdrawal(db)
    [run] = await _repair_runs(db)
    solved = await _solve_queued(db, run.id)
    # 600 of 600 units: at least 500 units and at least 50%: two approvals first.
    assert (solved.status, solved.moved_share_pct, solved.needs_approval) == (RunStatus.AWAITING_APPROVAL, 100, True)
    assert await _allocations(db, order["id"]) == [(first["id"], "cancelled", 600)]
    async with create_session_factory(db)() as session:
        approvers = [await _member(session, world.alliance_id, "Brand", OrgKind.BOTH, Role.ORG_ADMIN, world.brand.org_id) for _ in range(2)]
        await session.commit()
    refused = await client.post(f"/v1/matching/runs/{run.id}/apply", headers=world.brand.headers)
    assert refused.status_code == 409 and refused.json()["code"] == "approval_required"
    for approver in approvers:
        assert (await client.post(f"/v1/matching/runs/{run.id}/approve", headers=approver.headers)).status_code == 200
    applied = await client.post(f"/v1/matching/runs/{run.id}/apply", headers=world.brand.headers)
    assert applied.status_code == 200, applied.text
    assert await _allocations(db, order["id"]) == [(first["id"], "cancelled", 600), (backup["id"], "proposed", 600)]


async def _accept(client, factory, allocation_id) -> None:
    response = await client.post(f"/v1/allocations/{allocation_id}/response", json={"accept": True}, headers=factory.headers)
    assert response.status_code == 200, response.text


async def _produce(client, factory, allocation_id, quantity) -> None:
    for step in ("scan", "done", "confirm"):
        response = await client.post(f"/v1/allocations/{allocation_id}/progress", headers=factory.headers,
                                     json={"operation": "screen_printing", "step": step, "quantity": quantity, "operator": "op-7"})
        assert response.status_code == 201, response.text


async def _order_status(db, order_id) -> str:
    async with create_session_factory(db)() as session:
        return (await session.get(Order, uuid.UUID(order_id))).status.value


async def test_in_production_work_raises_an_alert_and_a_proposal_for_the_units_not_yet_produced(client, world, db, monkeypatch, solves):
    thresholds(monkeypatch, share_pct=50, units=500)
    first = await publish(client, world.floating, price=300, per_day=20)  # 100 units over 5 days
    backup = await publish(client, world.partner, price=600)
    order = await place(client, world.brand, quantity=100)
    await _apply_run(client, world.brand)
    async with create_session_factory(db)() as session:
        allocation_id = str((await session.execute(select(Allocation.id).where(Allocation.order_id == uuid.UUID(order["id"])))).scalar_one())
    await _accept(client, world.floating, allocation_id)
    await _produce(client, world.floating, allocation_id, 30)
    assert await _order_status(db, order["id"]) == "in_production"
    solves.clear()
    await _withdraw(client, world.floating, first["id"])
    await _consume_withdrawal(db)

    # Not silent: the buyer has an open alert naming the work and the 70 units not yet produced.
    async with create_session_factory(db)() as session:
        [alert] = (await session.scalars(select(HealthAlert).where(HealthAlert.kind == AlertKind.WITHDRAWN_WORK))).all()
    assert alert.organisation_id == world.brand.org_id and alert.resolved_at is None and alert.subject == first["id"]
    assert alert.details["units_not_produced"] == 70
    assert [(w["allocation_id"], w["quantity"], w["produced"]) for w in alert.details["work"]] == [(allocation_id, 100, 30)]
    [run] = await _repair_runs(db)
    assert run.status == RunStatus.QUEUED and run.request["accepted_work"] is True and solves == []
    assert alert.details["run_id"] == str(run.id)
    # The alliance admin's dashboard lists it with the other open alerts.
    await sign_in(client, db, world.admin)
    dashboard = (await client.get("/portal/admin", headers={"Accept-Language": "en"})).text
    alerts = dashboard[dashboard.index('id="alerts"'): dashboard.index("</table>", dashboard.index('id="alerts"'))]
    assert 'data-kind="withdrawn_work"' in alerts and "70 unit(s)" in alerts
    client.cookies.clear()

    solved = await _solve_queued(db, run.id)
    # A proposal for the 70 units not produced, elsewhere; 70 of 100 units is 70% moved. It is
    # not applied by itself: the factory keeps its accepted work until the buyer decides.
    assert [(p["offer_id"], p["quantity"]) for p in solved.plan] == [(backup["id"], 70)]
    assert (solved.status, solved.moved_share_pct, solved.needs_approval) == (RunStatus.PROPOSED, 70, False)
    assert await _allocations(db, order["id"]) == [(first["id"], "accepted", 100)]
    assert await _booked_days(db, first["id"]) == (100, 100)

    applied = await client.post(f"/v1/matching/runs/{run.id}/apply", headers=world.brand.headers)
    assert applied.status_code == 200, applied.text
    # The withdrawn offer keeps only the 30 produced; the new factory is proposed the other 70.
    assert await _allocations(db, order["id"]) == [(first["id"], "accepted", 30), (backup["id"], "proposed", 70)]
    assert await _reserved(db, first["id"]) == 30 and await _reserved(db, backup["id"]) == 70
    # The resource-days follow: the withdrawn line keeps 30 units booked, the new one 70.
    assert await _booked_days(db, first["id"]) == (30, 30) and await _booked_days(db, backup["id"]) == (70, 70)
    async with create_session_factory(db)() as session:
        days = (await session.execute(select(AllocationDay.use, AllocationDay.quantity).where(AllocationDay.allocation_id == uuid.UUID(allocation_id))
                                      .order_by(AllocationDay.day))).all()
    assert [tuple(d) for d in days] == [(20, 20), (10, 10)]  # the first days made the 30; the later three are free again
    assert await _order_status(db, order["id"]) == "in_production"
    async with create_session_factory(db)() as session:
        assert (await session.get(HealthAlert, alert.id)).resolved_at is not None
        reduced = (await session.scalars(select(OutboxEvent).where(OutboxEvent.type == "allocation.reduced"))).all()
        new_id = (await session.execute(select(Allocation.id).where(Allocation.offer_id == uuid.UUID(backup["id"])))).scalar_one()
    assert [(e.payload["quantity_before"], e.payload["quantity"]) for e in reduced] == [(100, 30)]
    # The new factory accepts and produces the rest; the order is produced in full.
    await _accept(client, world.partner, str(new_id))
    await _produce(client, world.partner, str(new_id), 70)
    tracking = (await client.get(f"/v1/orders/{order['id']}/tracking", headers=world.brand.headers)).json()
    assert tracking["produced_fraction"] == 1.0


async def test_confirmed_work_not_started_moves_whole_and_the_order_waits_for_the_new_factory(client, world, db, monkeypatch, solves):
    thresholds(monkeypatch, share_pct=50, units=500)
    first = await publish(client, world.floating, price=300)
    backup = await publish(client, world.partner, price=600)
    order = await place(client, world.brand, quantity=100)
    await _apply_run(client, world.brand)
    async with create_session_factory(db)() as session:
        allocation_id = str((await session.execute(select(Allocation.id).where(Allocation.order_id == uuid.UUID(order["id"])))).scalar_one())
    await _accept(client, world.floating, allocation_id)
    assert await _order_status(db, order["id"]) == "confirmed"
    await _withdraw(client, world.floating, first["id"])
    await _consume_withdrawal(db)
    [run] = await _repair_runs(db)
    solved = await _solve_queued(db, run.id)
    assert [(p["offer_id"], p["quantity"]) for p in solved.plan] == [(backup["id"], 100)] and solved.status == RunStatus.PROPOSED
    assert (await client.post(f"/v1/matching/runs/{run.id}/apply", headers=world.brand.headers)).status_code == 200
    assert await _allocations(db, order["id"]) == [(first["id"], "cancelled", 100), (backup["id"], "proposed", 100)]
    assert await _reserved(db, first["id"]) == 0 and await _booked_days(db, first["id"]) == (0, 0)
    assert await _order_status(db, order["id"]) == "allocated"
    async with create_session_factory(db)() as session:
        new_id = (await session.execute(select(Allocation.id).where(Allocation.offer_id == uuid.UUID(backup["id"])))).scalar_one()
    await _accept(client, world.partner, str(new_id))
    assert await _order_status(db, order["id"]) == "confirmed"


async def test_a_proposal_for_accepted_work_is_refused_once_production_moved_on(client, world, db, monkeypatch, solves):
    thresholds(monkeypatch, share_pct=50, units=500)
    first = await publish(client, world.floating, price=300)
    await publish(client, world.partner, price=600)
    order = await place(client, world.brand, quantity=100)
    await _apply_run(client, world.brand)
    async with create_session_factory(db)() as session:
        allocation_id = str((await session.execute(select(Allocation.id).where(Allocation.order_id == uuid.UUID(order["id"])))).scalar_one())
    await _accept(client, world.floating, allocation_id)
    await _produce(client, world.floating, allocation_id, 30)
    await _withdraw(client, world.floating, first["id"])
    await _consume_withdrawal(db)
    [run] = await _repair_runs(db)
    await _solve_queued(db, run.id)
    await _produce(client, world.floating, allocation_id, 20)  # 50 produced now; the plan moves 70
    refused = await client.post(f"/v1/matching/runs/{run.id}/apply", headers=world.brand.headers)
    assert refused.status_code == 409 and refused.json()["code"] == "repair_stale"
    assert await _allocations(db, order["id"]) == [(first["id"], "accepted", 100)]
    assert await _reserved(db, first["id"]) == 100


async def test_withdrawal_repair_through_the_redis_worker(client, world, db, monkeypatch, redis_outbox_worker):
    thresholds(monkeypatch, share_pct=50, units=500)
    first = await publish(client, world.floating, price=300)
    backup = await publish(client, world.partner, price=600)
    order = await place(client, world.brand, quantity=100)
    await _apply_run(client, world.brand)
    await _withdraw(client, world.floating, first["id"])
    await redis_outbox_worker.drain(timeout_s=60)
    [run] = await _repair_runs(db)
    assert run.status == RunStatus.APPLIED and run.moved_share_pct == 100
    assert await _allocations(db, order["id"]) == [(first["id"], "cancelled", 100), (backup["id"], "proposed", 100)]
