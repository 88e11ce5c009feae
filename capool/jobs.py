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
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware.asyncio import AsyncIO
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from capool import events
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
    broker = _make_broker(redis_url)
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


async def process_event(session: AsyncSession, row: events.OutboxEvent) -> None:
    """Run the consumers of one unprocessed event, after the unprocessed earlier events of the
    same order or allocation. Worker threads, retries and sweeps deliver events in any order,
    and the ledger appends in processing order: handling the causes first keeps the ledger
    causal (confirmed before production started, produced before delivered). The price is
    that an event whose consumer keeps failing holds back the later events of its order."""
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
        if cause.processed_at is None:  # a cause handled first may have handled this one as its own cause
            await process_event(session, cause)
    row.attempts += 1
    for handler in events.consumers_for(row.type):
        await handler(session, row)
    row.processed_at = utcnow()


@job(queue_name="outbox")
async def process_outbox_event(event_id: str) -> None:
    async with job_transaction() as session:
        row = await session.get(events.OutboxEvent, uuid.UUID(event_id), with_for_update=True)
        if row is None or row.processed_at is not None:
            return
        await process_event(session, row)


async def work_off_outbox(session: AsyncSession, *, batch: int = 500) -> int:
    """Process every unprocessed event in creation order inside the caller's transaction, with
    the consumers the worker runs; returns how many. `capool demo` uses it so that its data and
    their ledger commit together instead of waiting for a server to work off the outbox."""
    processed = 0
    while True:
        rows = (
            await session.execute(
                select(events.OutboxEvent).where(events.OutboxEvent.processed_at.is_(None)).order_by(events.OutboxEvent.id).limit(batch)
            )
        ).scalars().all()
        if not rows:
            return processed
        for row in rows:
            if row.processed_at is None:
                await process_event(session, row)
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
        .where(events.OutboxEvent.processed_at.is_(None), events.OutboxEvent.created_at < utcnow() - older_than)
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
