"""One schedule for the platform's periodic work, however many processes run it.

Tasks are registered with `capool.jobs.periodic`. Every process that runs the schedule
loop (`capool scheduler`, each `capool worker` unless started with --no-scheduler, the
embedded `capool serve`) runs a due task only after winning its lease: one conditional
UPDATE of the task's row in `scheduled_tasks` that succeeds only while the task is due and
nobody holds an unexpired lease. PostgreSQL serialises concurrent UPDATEs of a row and
re-checks the condition for the one that waited, SQLite has one writer at a time, so on
both exactly one process wins; the others see the row taken and move on. The winner runs
the task in its own transaction, then records the run and the next due time and frees the
lease. The schedule lives in the database, not in process memory: a restart runs nothing
that is not due, and a process that dies holding a lease holds it only until
`lease_until`, after which another process runs the task.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import String, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from capool import jobs
from capool.clock import utcnow
from capool.db import READ_ONLY, Base, create_engine, create_session_factory

if TYPE_CHECKING:
    import dramatiq

    from capool.observability import ProcessHealth

log = logging.getLogger(__name__)


class ScheduledTask(Base):
    """A periodic task's schedule and lease (the interval itself is declared in code)."""

    __tablename__ = "scheduled_tasks"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_run_at: Mapped[datetime | None]
    next_due_at: Mapped[datetime]
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]
    # Runs that succeeded; the last failure's message, cleared by the next success.
    runs: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(2000))


def process_owner() -> str:
    """Who holds a lease: readable in the table (host and pid), unique per scheduler."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def next_due(due: datetime, every: timedelta, now: datetime) -> datetime:
    """Keep the task's cadence (due, due + every, ...) but never schedule into the past: after
    a pause (all processes down, a slow run) a task runs once, not once per missed interval."""
    following = due + every
    return following if following > now else now + every


@dataclass(frozen=True)
class TaskRun:
    name: str
    ok: bool


class Scheduler:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        lease: timedelta,
        owner: str | None = None,
        tasks: Sequence[jobs.PeriodicTask] | None = None,
    ) -> None:
        """`tasks`: the schedule; by default every task registered with `capool.jobs.periodic`."""
        self.sessions = sessions
        self.lease = lease
        self.owner = owner or process_owner()
        self._tasks = None if tasks is None else list(tasks)

    async def tick(self, now: datetime | None = None) -> list[TaskRun]:
        """Run every task that is due and whose lease this scheduler wins."""
        now = now or utcnow()
        tasks = {task.name: task for task in (jobs.periodic_tasks() if self._tasks is None else self._tasks)}
        if not tasks:
            return []
        async with self.sessions(execution_options=READ_ONLY) as session:
            rows = {row.name: row for row in (await session.execute(select(ScheduledTask).where(ScheduledTask.name.in_(tasks)))).scalars()}
        if missing := [name for name in tasks if name not in rows]:
            await self._create(missing, now)
        due = [name for name in tasks if name not in rows or _free_and_due(rows[name], now)]
        ran = []
        for name in due:
            claimed_due = await self._claim(name, now)
            if claimed_due is None:
                continue  # another process won it, or it is no longer due
            ran.append(await self._run(tasks[name], claimed_due, now))
        return ran

    async def _create(self, names: list[str], now: datetime) -> None:
        """A task seen for the first time is due at once. Two processes may create it together:
        the loser's insert does nothing."""
        async with self.sessions() as session:
            dialect = session.bind.dialect.name
            insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
            statement = insert(ScheduledTask).values([{"name": name, "next_due_at": now, "runs": 0} for name in names])
            await session.execute(statement.on_conflict_do_nothing(index_elements=["name"]))
            await session.commit()

    async def _claim(self, name: str, now: datetime) -> datetime | None:
        """Take the task's lease if it is due and free; returns the due time it was claimed at."""
        async with self.sessions() as session:
            claimed = await session.execute(
                update(ScheduledTask)
                .where(
                    ScheduledTask.name == name,
                    ScheduledTask.next_due_at <= now,
                    (ScheduledTask.lease_until.is_(None)) | (ScheduledTask.lease_until <= now),
                )
                .values(lease_owner=self.owner, lease_until=now + self.lease)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:
                await session.rollback()
                return None
            due = await session.scalar(select(ScheduledTask.next_due_at).where(ScheduledTask.name == name))
            await session.commit()
        return due

    async def _run(self, task: jobs.PeriodicTask, due: datetime, now: datetime) -> TaskRun:
        from capool.observability import SCHEDULED_FAILURES, SCHEDULED_RUNS

        SCHEDULED_RUNS.labels(task.name).inc()
        error = None
        try:
            async with self.sessions() as session:
                await task.fn(session)
                await session.commit()
        except Exception as exc:  # one failing task must not stop the others; it runs again next interval
            log.exception("periodic task %s failed", task.name)
            error = f"{type(exc).__name__}: {exc}"[:2000]
            SCHEDULED_FAILURES.labels(task.name).inc()
        async with self.sessions() as session:
            values: dict[str, object] = {
                "last_run_at": now,
                "next_due_at": next_due(due, task.every, now),
                "lease_owner": None,
                "lease_until": None,
                "last_error": error,
            }
            if error is None:
                values["runs"] = ScheduledTask.runs + 1
            recorded = await session.execute(
                update(ScheduledTask)
                .where(ScheduledTask.name == task.name, ScheduledTask.lease_owner == self.owner)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
        if recorded.rowcount != 1:
            log.warning("periodic task %s ran longer than its lease (%s); another process may have run it too", task.name, self.lease)
        return TaskRun(task.name, error is None)

    async def run_forever(self, stop: asyncio.Event, *, every: timedelta, health: ProcessHealth | None = None) -> None:
        """Tick every `every` until `stop` is set. A tick in progress finishes first: a task is
        never cut off half-way, and its lease is released. `health` hears of every tick
        (a heartbeat) and of every failed one."""
        while not stop.is_set():
            try:
                await self.tick()
                if health is not None:
                    health.beat()
            except Exception as exc:  # the database is away: try again next tick
                log.exception("scheduler tick failed")
                if health is not None:
                    health.fail(f"scheduler tick failed: {type(exc).__name__}: {exc}")
            try:
                await asyncio.wait_for(stop.wait(), timeout=every.total_seconds())
            except TimeoutError:
                pass


def _free_and_due(row: ScheduledTask, now: datetime) -> bool:
    return row.next_due_at <= now and (row.lease_until is None or row.lease_until <= now)


async def schedule_of(session: AsyncSession) -> list[ScheduledTask]:
    """Every task's stored schedule, by name (`capool scheduler --status`)."""
    return list((await session.execute(select(ScheduledTask).order_by(ScheduledTask.name))).scalars())


def stop_on_signals(stop: asyncio.Event) -> None:
    """SIGTERM (what process managers send) and SIGINT set `stop` instead of killing the
    process: the loop finishes what it is doing and returns."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)


async def run_schedule(database_url: str, stop: asyncio.Event, *, tick: timedelta, lease: timedelta, health: ProcessHealth | None = None) -> None:
    """The schedule loop of `capool scheduler` and `capool worker`, on its own engine."""
    engine = create_engine(database_url)
    try:
        scheduler = Scheduler(create_session_factory(engine), lease=lease)
        log.info("scheduler %s: %d periodic tasks, tick %s, lease %s", scheduler.owner, len(jobs.periodic_tasks()), tick, lease)
        await scheduler.run_forever(stop, every=tick, health=health)
    finally:
        await engine.dispose()


async def run_embedded_schedule(sessions: async_sessionmaker[AsyncSession], stop: asyncio.Event, *, tick: timedelta, lease: timedelta) -> None:
    """The embedded mode's schedule (`capool serve` without Redis), in the API process. It
    first re-sends every unprocessed outbox event, e.g. what a CLI command committed while
    no server ran, then ticks like any scheduler."""
    try:
        async with sessions(execution_options=READ_ONLY) as session:
            await jobs.sweep_outbox(session, older_than=timedelta(0), limit=10_000)
    except Exception:
        log.exception("outbox catch-up failed; the periodic sweep retries")
    await Scheduler(sessions, lease=lease).run_forever(stop, every=tick)


async def worker_heartbeat(database_url: str, broker: dramatiq.Broker, health: ProcessHealth, stop: asyncio.Event, *, every: timedelta) -> None:
    """A worker's heartbeat until `stop` is set: every `every` it asks the database and the
    broker's Redis whether they answer, and beats `health` when both do (else records why
    not). What `capool worker --metrics-port`'s `/health` (and so `capool health`) reports."""
    engine = create_engine(database_url)
    try:
        while not stop.is_set():
            try:
                async with engine.connect() as connection:
                    await asyncio.wait_for(connection.execute(text("SELECT 1")), timeout=max(every.total_seconds(), 5))
                client = getattr(broker, "client", None)
                if client is not None:  # the Redis broker; a StubBroker has nothing to ask
                    await asyncio.to_thread(client.ping)
                health.beat()
            except Exception as exc:  # noqa: BLE001 (any failure is what the health check reports)
                log.warning("worker heartbeat failed: %s: %s", type(exc).__name__, exc)
                health.fail(f"heartbeat failed: {type(exc).__name__}: {exc}")
            try:
                await asyncio.wait_for(stop.wait(), timeout=every.total_seconds())
            except TimeoutError:
                pass
    finally:
        await engine.dispose()
