"""Domain events are written with the change that caused them and consumed exactly once by a
real dramatiq worker: the in-process StubBroker by default, Redis in production (and in CI)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from capool import events, jobs
from capool.db import create_session_factory
from capool.events import OutboxEvent
from tests.conftest import World, place, redis_url_or_skip, running_outbox_worker

SEEN: list[tuple[str, str]] = []


@events.consumer("order.")
async def _remember(session, event: OutboxEvent) -> None:  # type: ignore[no-untyped-def]
    SEEN.append((event.type, str(event.aggregate_id)))


@pytest.fixture(autouse=True)
def _clear_seen() -> None:
    SEEN.clear()


async def _processed(db, order_id: str) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        rows = (await session.execute(select(OutboxEvent).where(OutboxEvent.aggregate_id == uuid.UUID(order_id)).order_by(OutboxEvent.created_at))).scalars()
        return [(row.type, row.processed_at is not None) for row in rows]


@pytest.fixture(params=["stub", "redis"])
async def any_worker(request, db, database_url):  # type: ignore[no-untyped-def]
    redis_url = redis_url_or_skip() if request.param == "redis" else None
    async with running_outbox_worker(database_url, redis_url, db) as outbox:
        yield outbox


async def test_events_of_a_request_are_consumed_once_by_the_worker(client, db, world: World, any_worker) -> None:
    outbox = any_worker
    order = await place(client, world.brand, quantity=10)
    await outbox.drain()
    assert await _processed(db, order["id"]) == [("order.created", True), ("order.submitted", True)]
    assert sorted(SEEN) == [("order.created", order["id"]), ("order.submitted", order["id"])]

    # A redelivered message (at-least-once brokers do that) does not run the consumers again.
    async with create_session_factory(db)() as session:
        event_id = await session.scalar(select(OutboxEvent.id).where(OutboxEvent.aggregate_id == uuid.UUID(order["id"])))
    jobs.process_outbox_event.send(str(event_id))
    await outbox.drain()
    assert sorted(SEEN) == [("order.created", order["id"]), ("order.submitted", order["id"])]


async def test_a_failed_request_leaves_no_event(client, db, world: World, outbox_worker) -> None:
    before = await _count(db)
    response = await client.post("/v1/orders", headers=world.brand.headers, json={
        "reference": "PO-BAD", "product": "tee", "process": "screen_printing", "quantity": 0, "due_at": "2099-01-01T00:00:00Z", "currency": "CNY"})
    assert response.status_code == 422
    await outbox_worker.drain()
    assert await _count(db) == before and SEEN == []


async def test_the_sweep_resends_events_whose_message_was_lost(client, db, world: World) -> None:
    # No worker runs: the message is sent to a broker nobody consumes, as if it were lost.
    order = await place(client, world.brand, quantity=10)
    assert await _processed(db, order["id"]) == [("order.created", False), ("order.submitted", False)]

    broker = jobs.use_broker(None)
    async with create_session_factory(db)() as session:
        assert await jobs.sweep_outbox(session, older_than=timedelta(0)) >= 2
    jobs.job_database.configure(str(db.url.render_as_string(hide_password=False)))
    worker = jobs.start_worker(broker, threads=1)
    try:
        await asyncio.to_thread(broker.join, jobs.process_outbox_event.queue_name, timeout=30_000, fail_fast=True)
        await asyncio.to_thread(worker.join)
    finally:
        worker.stop()
    assert await _processed(db, order["id"]) == [("order.created", True), ("order.submitted", True)]


async def _count(db) -> int:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        return await session.scalar(select(func.count()).select_from(OutboxEvent)) or 0
