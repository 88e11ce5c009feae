"""Each outbox consumer runs in its own savepoint with its own bookkeeping: a failing consumer
records its attempts and last error, the other consumers of the event succeed once and are not
re-run when the event is retried; what a consumer registered to send after the commit is sent
only after the real commit, and never when its savepoint rolled back."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from capool import jobs
from capool.config import get_settings
from capool.db import create_session_factory
from capool.events import OutboxConsumption, OutboxEvent
from tests.conftest import World, redis_url_or_skip, running_outbox_worker
from tests.outbox.conftest import FAN_OUT, LEDGER, TYPE, Flaky, new_event


async def _state(db, event_id: uuid.UUID) -> tuple[OutboxEvent, dict[str, OutboxConsumption]]:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        row = await session.get(OutboxEvent, event_id)
        consumptions = (await session.execute(select(OutboxConsumption).where(OutboxConsumption.event_id == event_id))).scalars()
        return row, {c.consumer: c for c in consumptions}


async def _types(db) -> list[str]:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        statement = select(OutboxEvent.type).where(OutboxEvent.type.startswith("test.bookkeeping."), OutboxEvent.type != TYPE)
        return sorted((await session.execute(statement)).scalars())


async def test_a_failing_consumer_does_not_block_the_other_and_only_it_is_retried(db, world: World, flaky: Flaky) -> None:
    event_id = await new_event(db, world)

    with pytest.raises(jobs.ConsumersFailed, match="receiver down"):
        await jobs.handle_outbox_event(event_id)
    row, consumptions = await _state(db, event_id)
    assert row.processed_at is None and row.attempts == 1 and row.dead_at is None
    assert row.last_error == f"{FAN_OUT}: RuntimeError: receiver down"
    ledger, fan_out = consumptions[LEDGER], consumptions[FAN_OUT]
    assert (ledger.attempts, ledger.last_error, ledger.done_at is not None) == (1, None, True)
    assert (fan_out.attempts, fan_out.last_error, fan_out.done_at) == (1, "RuntimeError: receiver down", None)
    # The ledger's work committed; the failed consumer's work and its send were rolled back with its savepoint.
    assert await _types(db) == ["test.bookkeeping.ledgered"]
    assert flaky.sent == [f"ledger:{event_id}"]

    with pytest.raises(jobs.ConsumersFailed):
        await jobs.handle_outbox_event(event_id)
    row, consumptions = await _state(db, event_id)
    assert (row.attempts, consumptions[FAN_OUT].attempts, consumptions[LEDGER].attempts) == (2, 2, 1)

    flaky.failing = False
    await jobs.handle_outbox_event(event_id)
    row, consumptions = await _state(db, event_id)
    assert row.processed_at is not None and row.attempts == 3
    assert consumptions[FAN_OUT].done_at is not None and consumptions[FAN_OUT].attempts == 3 and consumptions[FAN_OUT].last_error is None
    assert flaky.calls == [("ledger", event_id), ("fan_out", event_id), ("fan_out", event_id), ("fan_out", event_id)]
    assert await _types(db) == ["test.bookkeeping.fanned", "test.bookkeeping.ledgered"]
    assert flaky.sent == [f"ledger:{event_id}", f"fan_out:{event_id}"]

    # A redelivered message does nothing.
    await jobs.handle_outbox_event(event_id)
    assert len(flaky.calls) == 4


async def test_a_failing_consumer_holds_back_only_itself_on_later_events_of_the_order(db, world: World, flaky: Flaky) -> None:
    order_id = uuid.uuid4()
    first = await new_event(db, world, order_id)
    second = await new_event(db, world, order_id)

    # The worker picks up the second event first: the first one's consumers run before it.
    await jobs.handle_outbox_event(second)
    assert flaky.calls == [("ledger", first), ("fan_out", first), ("ledger", second)]
    row, consumptions = await _state(db, second)
    assert row.processed_at is None and row.attempts == 1
    assert row.last_error == f"{FAN_OUT}: waiting for event {first}"
    assert FAN_OUT not in consumptions and consumptions[LEDGER].done_at is not None  # held: not attempted
    first_row, _ = await _state(db, first)
    assert first_row.attempts == 1 and first_row.processed_at is None

    flaky.failing = False
    await jobs.handle_outbox_event(second)
    assert flaky.calls[3:] == [("fan_out", first), ("fan_out", second)]
    assert (await _state(db, first))[0].processed_at is not None
    assert (await _state(db, second))[0].processed_at is not None


async def test_an_event_that_keeps_failing_becomes_a_dead_letter(db, world: World, flaky: Flaky, monkeypatch) -> None:
    monkeypatch.setattr(get_settings().outbox, "max_attempts", 2)
    event_id = await new_event(db, world)
    for _ in range(2):
        with pytest.raises(jobs.ConsumersFailed):
            await jobs.handle_outbox_event(event_id)
    row, _ = await _state(db, event_id)
    assert row.dead_at is not None and row.attempts == 2 and row.processed_at is None

    # Dead: neither a redelivered message nor the sweep nor the in-process pass runs it again.
    await jobs.handle_outbox_event(event_id)
    async with create_session_factory(db)() as session:
        swept = await session.execute(select(OutboxEvent.id).where(OutboxEvent.processed_at.is_(None), OutboxEvent.dead_at.is_(None)))
        alive = set(swept.scalars())
        resent: list[uuid.UUID] = []
        monkeypatch.setattr(jobs, "_send_events", resent.extend)
        assert await jobs.sweep_outbox(session, older_than=timedelta(0)) == len(alive)
        assert set(resent) == alive
        assert await jobs.work_off_outbox(session) == len(alive)  # the world's partnership event and the ledger's follow-up
    assert event_id not in alive and len(alive) == 2
    assert [call for call in flaky.calls if call[1] == event_id] == [("ledger", event_id), ("fan_out", event_id), ("fan_out", event_id)]


async def test_the_in_process_pass_records_a_failure_and_goes_on(db, world: World, flaky: Flaky) -> None:
    first, second = await new_event(db, world), await new_event(db, world)
    async with create_session_factory(db)() as session:
        # Processed: the world's partnership event and the two follow-ups the ledger consumer
        # recorded on the way (no consumer but webhooks); not the two failing events.
        assert await jobs.work_off_outbox(session) == 3
        await session.commit()
    for event_id in (first, second):
        row, consumptions = await _state(db, event_id)
        assert row.processed_at is None and row.attempts == 1
        assert consumptions[FAN_OUT].last_error == "RuntimeError: receiver down" and consumptions[LEDGER].done_at is not None
    assert await _types(db) == ["test.bookkeeping.ledgered", "test.bookkeeping.ledgered"]
    # Events processed at their first pass need no per-consumer rows.
    async with create_session_factory(db)() as session:
        followups = list((await session.execute(select(OutboxEvent.id).where(OutboxEvent.type == "test.bookkeeping.ledgered"))).scalars())
        assert len(followups) == 2
        assert (await session.execute(select(OutboxConsumption).where(OutboxConsumption.event_id.in_(followups)))).first() is None


@pytest.fixture(params=["stub", "redis"])
async def any_worker(request, db, database_url):  # type: ignore[no-untyped-def]
    redis_url = redis_url_or_skip() if request.param == "redis" else None
    async with running_outbox_worker(database_url, redis_url, db) as outbox:
        yield outbox


async def test_a_real_worker_retries_only_the_failing_consumer_until_the_event_is_a_dead_letter(
    db, world: World, flaky: Flaky, any_worker, monkeypatch
) -> None:
    monkeypatch.setattr(get_settings().outbox, "max_attempts", 2)
    event_id = await new_event(db, world)  # sent to the worker after this commit
    deadline = asyncio.get_running_loop().time() + 60
    while (row := (await _state(db, event_id))[0]).dead_at is None:
        assert asyncio.get_running_loop().time() < deadline, f"not a dead letter after 60 s: {row.attempts} attempts, {row.last_error}"
        await asyncio.sleep(0.1)
    row, consumptions = await _state(db, event_id)
    assert row.attempts == 2 and row.processed_at is None and row.last_error == f"{FAN_OUT}: RuntimeError: receiver down"
    assert (consumptions[LEDGER].attempts, consumptions[FAN_OUT].attempts) == (1, 2)
    assert flaky.calls == [("ledger", event_id), ("fan_out", event_id), ("fan_out", event_id)]
    assert await _types(db) == ["test.bookkeeping.ledgered"]


async def test_a_pass_that_fails_as_a_whole_is_still_counted(db, world: World, flaky: Flaky, monkeypatch) -> None:
    """When the pass's own transaction cannot commit (here: the pass itself raises, as a lost
    connection would), the attempt and the error are recorded in a transaction of their own."""
    event_id = await new_event(db, world)

    async def broken_pass(session, row):  # type: ignore[no-untyped-def]
        row.attempts += 100  # rolled back with the pass
        raise ConnectionResetError("connection lost")

    monkeypatch.setattr(jobs, "process_event", broken_pass)
    with pytest.raises(ConnectionResetError):
        await jobs.handle_outbox_event(event_id)
    row, consumptions = await _state(db, event_id)
    assert (row.attempts, row.last_error, row.processed_at, consumptions) == (1, "ConnectionResetError: connection lost", None, {})
