"""One schedule across processes: each periodic task runs once per interval however many
schedulers tick (each on its own engine, as separate processes would), a restart runs nothing
that is not due, a lease held by a process that died expires, and the embedded API process
keeps running the schedule on SQLite. Also: `capool worker` drains and exits 0 on SIGTERM."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from capool import jobs
from capool.config import get_settings
from capool.db import create_engine, create_session_factory
from capool.events import OutboxEvent
from capool.scheduler import ScheduledTask, Scheduler, next_due
from marketplace.integrations.models import DeliveryStatus, WebhookDelivery
from tests.conftest import World, place, redis_url_or_skip

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
REPO = Path(__file__).resolve().parents[1]


def _task(name: str, every: timedelta, calls: list[datetime], *, seconds: float = 0.0, fails: bool = False) -> jobs.PeriodicTask:
    async def run(session) -> None:  # type: ignore[no-untyped-def]
        calls.append(datetime.now(UTC))
        # Long enough for the other schedulers' claims to arrive while this run holds the lease.
        await asyncio.sleep(seconds)
        if fails:
            raise RuntimeError("partner API down")

    return jobs.PeriodicTask(f"tests.{name}", every, run)


async def _rows(db: AsyncEngine) -> dict[str, ScheduledTask]:
    async with create_session_factory(db)() as session:
        return {row.name: row for row in (await session.execute(select(ScheduledTask))).scalars()}


async def test_concurrent_schedulers_run_each_task_once_per_interval(db: AsyncEngine, database_url: str) -> None:
    minutely: list[datetime] = []
    hourly: list[datetime] = []
    tasks = [_task("minutely", timedelta(minutes=1), minutely, seconds=0.05), _task("hourly", timedelta(hours=1), hourly, seconds=0.05)]
    engines = [create_engine(database_url) for _ in range(3)]
    try:
        schedulers = [Scheduler(create_session_factory(engine), lease=LEASE, tasks=tasks) for engine in engines]
        ran: list[tuple[int, str]] = []
        # Ten minutes of ticks every 20 s, all three schedulers at the same instant each time.
        for step in range(30):
            now = T0 + timedelta(seconds=20 * step)
            results = await asyncio.gather(*(scheduler.tick(now) for scheduler in schedulers))
            ran += [(step, run.name) for result in results for run in result]
    finally:
        for engine in engines:
            await engine.dispose()
    # Due at 0, 60, 120 ... 540 s: one run each, at the tick that reached the due time.
    assert [step for step, name in ran if name == "tests.minutely"] == [0, 3, 6, 9, 12, 15, 18, 21, 24, 27]
    assert [step for step, name in ran if name == "tests.hourly"] == [0]
    assert (len(minutely), len(hourly)) == (10, 1)
    rows = await _rows(db)
    assert rows["tests.minutely"].runs == 10 and rows["tests.minutely"].last_run_at == T0 + timedelta(seconds=540)
    assert rows["tests.minutely"].next_due_at == T0 + timedelta(seconds=600)
    assert rows["tests.hourly"].runs == 1 and rows["tests.hourly"].next_due_at == T0 + timedelta(hours=1)
    assert all(row.lease_owner is None and row.lease_until is None for row in rows.values())


async def test_a_restarted_scheduler_runs_nothing_before_it_is_due(db: AsyncEngine, database_url: str) -> None:
    calls: list[datetime] = []
    task = _task("daily", timedelta(days=1), calls)
    first = Scheduler(create_session_factory(db), lease=LEASE, tasks=[task])
    assert [run.name for run in await first.tick(T0)] == ["tests.daily"]

    # A new process (own engine, own owner id) starts an hour later, then again just before the day is up.
    restarted_engine = create_engine(database_url)
    try:
        restarted = Scheduler(create_session_factory(restarted_engine), lease=LEASE, tasks=[task])
        assert restarted.owner != first.owner
        assert await restarted.tick(T0 + timedelta(hours=1)) == []
        assert await restarted.tick(T0 + timedelta(hours=23, minutes=59)) == []
        assert [run.name for run in await restarted.tick(T0 + timedelta(days=1))] == ["tests.daily"]
    finally:
        await restarted_engine.dispose()
    assert len(calls) == 2
    row = (await _rows(db))["tests.daily"]
    assert (row.runs, row.last_run_at, row.next_due_at) == (2, T0 + timedelta(days=1), T0 + timedelta(days=2))


async def test_a_lease_held_by_a_process_that_died_expires(db: AsyncEngine) -> None:
    started = asyncio.Event()
    calls: list[str] = []

    async def hangs(session) -> None:  # type: ignore[no-untyped-def]
        calls.append("dying")
        started.set()
        await asyncio.Event().wait()

    dying = Scheduler(create_session_factory(db), lease=LEASE, tasks=[jobs.PeriodicTask("tests.pull", timedelta(minutes=1), hangs)])
    tick = asyncio.create_task(dying.tick(T0))
    await started.wait()
    tick.cancel()  # the process is killed in the middle of the task: its lease stays behind
    with pytest.raises(asyncio.CancelledError):
        await tick
    assert (await _rows(db))["tests.pull"].lease_owner == dying.owner

    async def pull(session) -> None:  # type: ignore[no-untyped-def]
        calls.append("survivor")

    survivor = Scheduler(create_session_factory(db), lease=LEASE, tasks=[jobs.PeriodicTask("tests.pull", timedelta(minutes=1), pull)])
    assert await survivor.tick(T0 + timedelta(minutes=2)) == []  # due, but leased until T0 + 5 min
    assert [run.name for run in await survivor.tick(T0 + LEASE)] == ["tests.pull"]
    assert calls == ["dying", "survivor"]
    row = (await _rows(db))["tests.pull"]
    assert (row.runs, row.lease_owner, row.next_due_at) == (1, None, T0 + LEASE + timedelta(minutes=1))


async def test_a_failing_task_records_its_error_and_does_not_stop_the_others(db: AsyncEngine) -> None:
    failing: list[datetime] = []
    fine: list[datetime] = []
    tasks = [_task("failing", timedelta(minutes=10), failing, fails=True), _task("fine", timedelta(minutes=10), fine)]
    scheduler = Scheduler(create_session_factory(db), lease=LEASE, tasks=tasks)
    assert [(run.name, run.ok) for run in await scheduler.tick(T0)] == [("tests.failing", False), ("tests.fine", True)]
    rows = await _rows(db)
    assert (rows["tests.failing"].runs, rows["tests.failing"].last_error) == (0, "RuntimeError: partner API down")
    assert rows["tests.failing"].next_due_at == T0 + timedelta(minutes=10)  # retried next interval, not every tick
    assert await scheduler.tick(T0 + timedelta(minutes=1)) == []
    assert len(failing) == 1 and len(fine) == 1


def test_the_next_due_time_keeps_the_cadence_but_never_lies_in_the_past() -> None:
    every = timedelta(minutes=10)
    assert next_due(T0, every, T0 + timedelta(seconds=20)) == T0 + every  # a tick late: cadence kept
    # Every process was down for an hour: one run now, the next a full interval later, no catching up.
    assert next_due(T0, every, T0 + timedelta(hours=1)) == T0 + timedelta(hours=1, minutes=10)


async def test_the_embedded_api_process_runs_the_registered_schedule_and_a_restart_does_not_rerun_it(db: AsyncEngine, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("the embedded mode is SQLite's")
    from api.app import create_app
    from capool.config import get_settings

    settings = get_settings().model_copy(update={"scheduler_tick_seconds": 0.2})
    registered = {task.name for task in jobs.periodic_tasks()}
    assert {"capool.jobs.resend_lost_outbox_messages", "settlement.consumers.anchor_on_chain", "forecasting.consumers.refresh_daily",
            "marketplace.integrations.consumers.resend_and_pull", "capool.housekeeping.purge_expired_idempotency",
            "marketplace.integrations.consumers.apply_delivery_retention"} <= registered

    async def runs_after(seconds: float) -> dict[str, int]:
        app = create_app(settings, engine=db, run_worker=True)
        async with app.lifespan():
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                rows = await _rows(db)
                if registered <= {name for name, row in rows.items() if row.runs or row.last_error}:
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(seconds)  # several more ticks
        return {name: row.runs for name, row in (await _rows(db)).items()}

    first = await runs_after(1.0)
    assert first == dict.fromkeys(registered, 1), {name: row.last_error for name, row in (await _rows(db)).items()}
    # The process restarts: nothing is due yet (the shortest interval is 30 s), so nothing runs again.
    assert await runs_after(1.0) == first


def _start(args: list[str], env: dict[str, str], cwd: Path, ready: str) -> subprocess.Popen[str]:
    """A real `capool` process, returned once it printed its ready line (imports take seconds)."""
    process = subprocess.Popen([sys.executable, "-m", "capool.cli", *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline()
    if not line.startswith(ready):
        process.kill()
        raise AssertionError(f"{args}: {line}{process.stderr.read()}")
    return process


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return code, process.stderr.read() if process.stderr else ""


def _process_env(database_url: str, redis_url: str) -> dict[str, str]:
    return os.environ | {"PYTHONPATH": str(REPO), "REDIS_URL": redis_url, "DATABASE_URL": database_url, "SCHEDULER_TICK_SECONDS": "0.2"}


def test_two_scheduler_processes_run_each_task_once(db: AsyncEngine, database_url: str, tmp_path: Path) -> None:
    redis_url = redis_url_or_skip()
    env = _process_env(database_url, redis_url)
    # Started together; the shortest interval is 30 s, so in the seconds below each task is due once.
    processes = [subprocess.Popen([sys.executable, "-m", "capool.cli", "scheduler"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        for process in processes:
            assert process.stdout is not None and process.stdout.readline().startswith("scheduler running"), process.stderr and process.stderr.read()
        registered = {task.name for task in jobs.periodic_tasks()}
        assert asyncio.run(_wait_for_runs(database_url, registered)) >= registered
        time.sleep(3)  # both keep ticking every 0.2 s
        stopped = [_stop(process) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        redis.Redis.from_url(redis_url).flushdb()  # the jobs the tasks enqueued; no worker ran
    assert [code for code, _ in stopped] == [0, 0], stopped
    status = subprocess.run([sys.executable, "-m", "capool.cli", "scheduler", "--status"], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120)
    assert status.returncode == 0, status.stderr
    schedule = {task["name"]: task for task in json.loads(status.stdout)}
    assert {name: (task["runs"], task["last_error"], task["lease_owner"]) for name, task in schedule.items()} == dict.fromkeys(registered, (1, None, None))
    assert schedule["capool.jobs.resend_lost_outbox_messages"]["every_s"] == 30


class _SlowReceiver:
    """A webhook receiver that takes `delay_s` to answer: a job that is still running when
    the worker is told to stop."""

    def __init__(self, delay_s: float) -> None:
        self.arrived = threading.Event()
        self.answered = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.arrived.set()
                time.sleep(delay_s)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                receiver.answered.set()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


async def test_a_worker_drains_and_exits_0_on_sigterm(
    client: httpx.AsyncClient, db: AsyncEngine, database_url: str, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    redis_url = redis_url_or_skip()
    receiver = _SlowReceiver(delay_s=3)
    monkeypatch.setattr(get_settings(), "integrations_private_networks", [ipaddress.ip_network("127.0.0.1/32")])
    subscribed = await client.post("/v1/webhooks", json={"url": receiver.url, "event_types": ["order.submitted"]}, headers=world.brand.headers)
    assert subscribed.status_code == 201, subscribed.text
    order = await place(client, world.brand, quantity=10)
    env = _process_env(database_url, redis_url) | {"INTEGRATIONS_PRIVATE_NETWORKS": '["127.0.0.1/32"]'}
    redis.Redis.from_url(redis_url).flushdb()
    worker = await asyncio.to_thread(_start, ["worker", "--threads", "1"], env, tmp_path, "worker consuming")
    try:
        # The order's events, sent to the worker as a commit sends them.
        broker = jobs.use_broker(redis_url)
        try:
            async with create_session_factory(db)() as session:
                for event_id in (await session.execute(select(OutboxEvent.id).where(OutboxEvent.aggregate_id == uuid.UUID(order["id"])))).scalars():
                    jobs.process_outbox_event.send(str(event_id))
        finally:
            broker.close()
            jobs.use_broker(None)
        assert await asyncio.to_thread(receiver.arrived.wait, 90), "the webhook delivery never reached the receiver"
        # The delivery job is in the middle of its HTTP call when the worker is told to stop.
        code, stderr = await asyncio.to_thread(_stop, worker)
    finally:
        if worker.poll() is None:
            worker.kill()
        receiver.server.shutdown()
    assert code == 0, stderr
    assert "worker stopped" in stderr and "Traceback" not in stderr, stderr
    assert receiver.answered.is_set()
    async with create_session_factory(db)() as session:
        deliveries = list((await session.execute(select(WebhookDelivery.status, WebhookDelivery.attempts))).all())
        leases = list((await session.execute(select(ScheduledTask.lease_owner))).scalars())
    # The job ran to its end before the process exited: the delivery is recorded as delivered.
    assert deliveries == [(DeliveryStatus.DELIVERED, 1)]
    # The schedule ran in the worker and was stopped between ticks: no lease left for the next process to wait out.
    assert leases and all(owner is None for owner in leases), stderr


async def _wait_for_runs(database_url: str, names: set[str]) -> set[str]:
    """Which of `names` have run (or failed) once they all have, or after a minute."""
    engine = create_engine(database_url)
    try:
        deadline = time.monotonic() + 60
        while True:
            async with create_session_factory(engine)() as session:
                statement = select(ScheduledTask.name).where((ScheduledTask.runs > 0) | ScheduledTask.last_error.is_not(None))
                ran = set((await session.execute(statement)).scalars())
            if names <= ran or time.monotonic() > deadline:
                return ran
            await asyncio.sleep(0.3)
    finally:
        await engine.dispose()
