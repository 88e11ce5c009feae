"""Background jobs on dramatiq.

Embedded default: a StubBroker consumed by worker threads inside the API process.
Production: `REDIS_URL` selects the Redis broker and `capool worker` runs the consumers.
Jobs take ids, reload their rows in their own transaction and are idempotent; messages
are sent only after the producing transaction commits (capool/events.py).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware.asyncio import AsyncIO
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from capool import events, live
from capool.clock import utcnow
from capool.config import get_settings
from capool.db import READ_ONLY, create_engine, create_session_factory

log = logging.getLogger(__name__)

_actors: list[dramatiq.Actor[Any, Any]] = []


def _make_broker(redis_url: str | None) -> dramatiq.Broker:
    broker: dramatiq.Broker = RedisBroker(url=redis_url) if redis_url else StubBroker()
    broker.add_middleware(AsyncIO())
    return broker


# Actors bind to a broker when declared; this one is replaced by use_broker() at start-up.
dramatiq.set_broker(_make_broker(None))


def job(**options: Any) -> Callable[[Callable[..., Any]], dramatiq.Actor[Any, Any]]:
    options.setdefault("max_retries", 8)
    options.setdefault("min_backoff", 1_000)
    options.setdefault("max_backoff", 300_000)

    def declare(fn: Callable[..., Any]) -> dramatiq.Actor[Any, Any]:
        actor = dramatiq.actor(**options)(fn)
        _actors.append(actor)
        return actor

    return declare


def use_broker(redis_url: str | None) -> dramatiq.Broker:
    """The broker every job goes to; also the transport of live notifications (capool/live.py),
    so that every process publishing events does it the same way."""
    live.use(redis_url)
    broker = _make_broker(redis_url)
    from capool.observability import JobObservability

    broker.add_middleware(JobObservability())
    dramatiq.set_broker(broker)
    for actor in _actors:
        actor.broker = broker
        broker.declare_actor(actor)
    return broker


class _JobDatabase:
    """Jobs run on the worker's own event loop, so they get their own engine."""

    def __init__(self) -> None:
        self.url: str | None = None
        self._engines: dict[int, tuple[AsyncEngine, async_sessionmaker[AsyncSession]]] = {}

    def configure(self, url: str) -> None:
        self.url = url
        self._engines.clear()

    def sessions(self) -> async_sessionmaker[AsyncSession]:
        loop_key = id(asyncio.get_running_loop())
        if loop_key not in self._engines:
            engine = create_engine(self.url or get_settings().database_url)
            self._engines[loop_key] = (engine, create_session_factory(engine))
        return self._engines[loop_key][1]

    async def dispose(self) -> None:
        loop_key = id(asyncio.get_running_loop())
        entry = self._engines.pop(loop_key, None)
        if entry:
            await entry[0].dispose()


job_database = _JobDatabase()


@asynccontextmanager
async def job_transaction(*, read_only: bool = False) -> AsyncIterator[AsyncSession]:
    """The transaction boundary of a job: commit on success, roll back on error. A job that
    only reads says so (`read_only`): on SQLite it then takes no write lock."""
    async with job_database.sessions()(execution_options=READ_ONLY if read_only else {}) as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


def _causal_keys(row: events.OutboxEvent) -> set[uuid.UUID]:
    """The aggregates an event follows from: its own, and the order and allocation it is about
    (an allocation's progress is an order event; its confirmation an allocation event)."""
    keys = {row.aggregate_id}
    for name in ("order_id", "allocation_id"):
        value = row.payload.get(name)
        if isinstance(value, str):
            keys.add(uuid.UUID(value))
    return keys


@dataclass
class EventPass:
    """What one pass over an event did: it is processed once every consumer is done."""

    processed: bool = False
    failed: dict[str, str] = field(default_factory=dict)  # consumer -> what it raised
    held: dict[str, uuid.UUID] = field(default_factory=dict)  # consumer -> the earlier event it waits for


class ConsumersFailed(Exception):
    """Raised by the outbox job after its commit, so that dramatiq retries the event later."""


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


async def _done_consumers(session: AsyncSession, event_ids: list[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
    done: dict[uuid.UUID, set[str]] = {event_id: set() for event_id in event_ids}
    if not event_ids:
        return done
    rows = await session.execute(
        select(events.OutboxConsumption.event_id, events.OutboxConsumption.consumer)
        .where(events.OutboxConsumption.event_id.in_(event_ids), events.OutboxConsumption.done_at.is_not(None))
    )
    for event_id, name in rows:
        done[event_id].add(name)
    return done


async def _run_consumer(session: AsyncSession, row: events.OutboxEvent, name: str, handler: events.Consumer) -> str | None:
    """Run one consumer in its own savepoint: a failure rolls back only this consumer's work
    (and what it registered to send after the commit), never the other consumers' work nor
    the record of the failure, which is written outside the savepoint. Returns the error."""
    try:
        async with session.begin_nested():
            await handler(session, row)
    except Exception as exc:  # noqa: BLE001 (any consumer error is recorded and retried)
        error = _error_text(exc)
        log.warning("outbox consumer %s failed on event %s (%s): %s", name, row.id, row.type, error)
        if sa_inspect(row).expired_attributes:  # the rolled-back savepoint expired what it touched
            await session.refresh(row)
        return error
    return None


def _note_attempt(
    session: AsyncSession, consumptions: dict[str, events.OutboxConsumption], row: events.OutboxEvent, name: str, error: str | None
) -> None:
    consumption = consumptions.get(name)
    if consumption is None:
        consumption = consumptions[name] = events.OutboxConsumption(event_id=row.id, consumer=name, attempts=0)
        session.add(consumption)
    now = utcnow()
    consumption.attempts += 1
    consumption.last_attempt_at = now
    consumption.last_error = error
    if error is None:
        consumption.done_at = now


def _consumes(name: str, event_type: str) -> bool:
    return any(candidate == name for candidate, _handler in events.named_consumers_for(event_type))


async def process_event(session: AsyncSession, row: events.OutboxEvent) -> EventPass:
    """Run the consumers of one unprocessed event that are not done yet, each in its own
    savepoint (`_run_consumer`): one consumer's failure neither rolls back nor blocks another.

    A consumer runs after the same consumer has handled the unprocessed earlier events of the
    same order or allocation. Worker threads, retries and sweeps deliver events in any order,
    and the ledger appends in processing order: handling the causes first keeps the ledger
    causal (confirmed before production started, produced before delivered). The price is
    that a consumer that keeps failing on an event holds back the same consumer, and only
    that one, on the later events of its order (`EventPass.held`).

    Each pass that runs consumers counts in `attempts`; an event whose consumer still fails
    after `outbox.max_attempts` passes becomes a dead letter (`dead_at`)."""
    causes = (
        await session.execute(
            select(events.OutboxEvent)
            .where(
                events.OutboxEvent.alliance_id == row.alliance_id,
                events.OutboxEvent.processed_at.is_(None),
                events.OutboxEvent.id < row.id,  # ids are time-ordered (capool/ids.py): creation order
                events.OutboxEvent.aggregate_id.in_(_causal_keys(row)),
            )
            .order_by(events.OutboxEvent.id)
            .with_for_update()
        )
    ).scalars().all()
    for cause in causes:
        # A cause handled first may have handled this one as its own cause; a dead one waits for an admin.
        if cause.processed_at is None and cause.dead_at is None:
            await process_event(session, cause)
    waiting = [cause for cause in causes if cause.processed_at is None]
    done = await _done_consumers(session, [cause.id for cause in waiting])
    # An event that never had a pass has no bookkeeping yet (a retried dead letter keeps its last error).
    first_pass = row.attempts == 0 and row.last_error is None
    consumptions: dict[str, events.OutboxConsumption] = {} if first_pass else {
        c.consumer: c for c in (await session.execute(select(events.OutboxConsumption).where(events.OutboxConsumption.event_id == row.id))).scalars()
    }
    result = EventPass()
    ran = False
    succeeded: list[str] = []
    for name, handler in events.named_consumers_for(row.type):
        if name in consumptions and consumptions[name].done_at is not None:
            continue
        blocker = next((cause for cause in waiting if name not in done[cause.id] and _consumes(name, cause.type)), None)
        if blocker is not None:
            result.held[name] = blocker.id
            continue
        ran = True
        error = await _run_consumer(session, row, name, handler)
        if error is None:
            succeeded.append(name)
        else:
            result.failed[name] = error
            _note_attempt(session, consumptions, row, name, error)
    # An event processed in one pass needs no per-consumer rows (`processed_at` says all are
    # done); otherwise the consumers that succeeded are marked done, so a retry skips them.
    for name in succeeded:
        if result.failed or result.held or name in consumptions:
            _note_attempt(session, consumptions, row, name, None)
    now = utcnow()
    if result.failed:
        row.attempts += 1
        row.last_error = "; ".join(f"{name}: {error}" for name, error in result.failed.items())[:2000]
        if row.attempts >= get_settings().outbox.max_attempts:
            row.dead_at = now
            log.error("outbox event %s (%s) is a dead letter after %d attempts: %s", row.id, row.type, row.attempts, row.last_error)
    elif result.held:
        if ran:
            row.attempts += 1
        row.last_error = "; ".join(f"{name}: waiting for event {cause_id}" for name, cause_id in result.held.items())[:2000]
    else:
        row.attempts += 1
        row.processed_at = now
        result.processed = True
    await session.flush()
    return result


async def _record_failed_pass(event_id: uuid.UUID, exc: BaseException) -> None:
    """A pass that failed as a whole (its transaction could not commit: a lost connection, a
    deadlock) still counts, recorded in a transaction of its own."""
    try:
        async with job_transaction() as session:
            row = await session.get(events.OutboxEvent, event_id, with_for_update=True)
            if row is None or row.processed_at is not None:
                return
            row.attempts += 1
            row.last_error = _error_text(exc)
            if row.attempts >= get_settings().outbox.max_attempts:
                row.dead_at = utcnow()
    except Exception:
        log.exception("could not record the failed pass over outbox event %s", event_id)


@job(queue_name="outbox")
async def process_outbox_event(event_id: str) -> None:
    await handle_outbox_event(uuid.UUID(event_id))


async def handle_outbox_event(ident: uuid.UUID) -> None:
    """One delivery of an event to the worker: a pass in its own transaction. Raises
    ConsumersFailed after committing a pass in which a consumer failed, so that the broker
    retries later; the consumers that succeeded stay done."""
    try:
        async with job_transaction() as session:
            row = await session.get(events.OutboxEvent, ident, with_for_update=True)
            if row is None or row.processed_at is not None or row.dead_at is not None:
                return
            result = await process_event(session, row)
    except Exception as exc:
        await _record_failed_pass(ident, exc)
        raise
    if result.failed:
        # Committed: the consumers that succeeded are done; dramatiq retries the others later.
        raise ConsumersFailed(f"outbox event {ident}: " + "; ".join(f"{n}: {e}" for n, e in result.failed.items()))


async def work_off_outbox(session: AsyncSession, *, batch: int = 500) -> int:
    """Process every unprocessed event in creation order inside the caller's transaction, with
    the consumers the worker runs, in one pass; returns how many are now processed. A failing
    consumer is recorded as the worker records it and left for the worker to retry. `capool
    demo` uses it so that its data and their ledger commit together instead of waiting for a
    server to work off the outbox."""
    processed = 0
    after: uuid.UUID | None = None
    while True:
        statement = select(events.OutboxEvent).where(events.OutboxEvent.processed_at.is_(None), events.OutboxEvent.dead_at.is_(None))
        if after is not None:
            statement = statement.where(events.OutboxEvent.id > after)
        rows = (await session.execute(statement.order_by(events.OutboxEvent.id).limit(batch))).scalars().all()
        if not rows:
            return processed
        for row in rows:
            after = row.id
            if row.processed_at is None and row.dead_at is None:
                if (await process_event(session, row)).processed:
                    processed += 1


def _send_events(event_ids: list[uuid.UUID]) -> None:
    for event_id in event_ids:
        try:
            process_outbox_event.send(str(event_id))
        except Exception:  # the broker is down: the sweep resends once it is back
            log.exception("could not enqueue outbox event %s; the sweep will retry", event_id)


events.on_committed(_send_events)


async def sweep_outbox(session: AsyncSession, older_than: timedelta = timedelta(seconds=30), limit: int = 500) -> int:
    """Re-send events whose first send was lost (broker down, process crash)."""
    statement = (
        select(events.OutboxEvent.id)
        .where(
            events.OutboxEvent.processed_at.is_(None),
            events.OutboxEvent.dead_at.is_(None),
            events.OutboxEvent.created_at < utcnow() - older_than,
        )
        .order_by(events.OutboxEvent.created_at)
        .limit(limit)
    )
    ids = list((await session.execute(statement)).scalars())
    _send_events(ids)
    return len(ids)


Periodic = Callable[[AsyncSession], Awaitable[Any]]


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    every: timedelta
    fn: Periodic


_periodic: list[PeriodicTask] = []


def periodic(every: timedelta) -> Callable[[Periodic], Periodic]:
    """Register work that runs on a schedule (anchoring, webhook sweeps, forecast refresh).

    It runs once per `every` across all processes: capool/scheduler.py leases each run
    through the database. A task gets its own transaction and should be cheap or enqueue
    a job."""

    def register(fn: Periodic) -> Periodic:
        _periodic.append(PeriodicTask(f"{fn.__module__}.{fn.__qualname__}", every, fn))
        return fn

    return register


def periodic_tasks() -> list[PeriodicTask]:
    return list(_periodic)


OUTBOX_SWEEP_INTERVAL = timedelta(seconds=30)


@periodic(OUTBOX_SWEEP_INTERVAL)
async def resend_lost_outbox_messages(session: AsyncSession) -> None:
    """Re-send outbox events still unprocessed after a sweep interval: their message was lost."""
    await sweep_outbox(session, older_than=OUTBOX_SWEEP_INTERVAL, limit=10_000)


def start_worker(broker: dramatiq.Broker, threads: int = 2) -> dramatiq.Worker:
    worker = dramatiq.Worker(broker, worker_threads=threads)
    worker.start()
    return worker
