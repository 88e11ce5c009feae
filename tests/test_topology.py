"""The deployment's topology as real processes on the machine's PostgreSQL and Redis: two API
processes (`capool serve` on two ports; the simulation's client spreads its requests over
them round-robin, as the proxy in front of them does), two `capool worker` processes and one
`capool scheduler`. The whole-market simulation trades through both API processes; one
worker is killed with SIGKILL in the middle of a day and started again. Afterwards nothing
was lost or done twice: every outbox event processed and none dead, every ledgered event on
the ledger exactly once, the ledger verifies (`capool ledger verify` inside the simulation),
every invariant holds; every periodic task ran once per interval although three processes
(both workers and the scheduler) ran the schedule; every process that was stopped with
SIGTERM exited 0. Required in CI (CI=true fails when PostgreSQL or Redis is down)."""

from __future__ import annotations

import asyncio
import json
import math
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pytest
import redis
from sqlalchemy import func, select

from capool import jobs
from capool.db import create_engine, create_session_factory
from capool.events import OutboxEvent
from capool.migrate import upgrade
from capool.scheduler import ScheduledTask
from settlement.consumers import ORDER_MILESTONES, SETTLEMENT_EVENTS
from settlement.models import LedgerEntryRow
from tests.conftest import IN_CI, _fresh_postgres_database, _reachable, redis_url_or_skip

REPO = Path(__file__).resolve().parents[1]
DAYS = 3
ORDERS_PER_DAY = 5
TICK_S = 0.5
LEASE_S = 15
LEDGERED = {"allocation.accepted", "capacity.withdrawn", "quality.lot_decided", *ORDER_MILESTONES, *SETTLEMENT_EVENTS}

# Under a minute and a half on an idle 2-core machine; the limits leave room for a loaded one.
pytestmark = pytest.mark.timeout(900)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """One `capool` process of the topology, its stderr kept in a file for the failure message."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], folder: Path) -> None:
        self.name, self.args, self.env, self.folder = name, args, env, folder
        self.starts = 0
        self.start()

    def start(self) -> None:
        self.starts += 1
        self.log_path = self.folder / f"{self.name}.{self.starts}.log"
        self.log = self.log_path.open("wb")
        self.popen = subprocess.Popen([sys.executable, "-m", "capool.cli", *self.args], cwd=self.folder, env=self.env,
                                      stdout=self.log, stderr=subprocess.STDOUT)

    def tail(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return f"--- {self.name} (start {self.starts}, exit {self.popen.poll()}) ---\n" + self.log_path.read_bytes()[-3000:].decode(errors="replace")

    def stop(self, timeout: float = 60) -> int:
        """The exit status after the SIGTERM sent already (a second one would cut a worker's
        drain short, as a second Ctrl-C does); a kill after `timeout`."""
        if self.popen.poll() is None:
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.log.close()
        return self.popen.returncode


def _answers(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def _wait_until_healthy(processes: list[tuple[Process, str]], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    waiting = list(processes)
    while waiting:
        for process, url in list(waiting):
            if process.popen.poll() is not None:
                raise AssertionError(f"{process.name} exited before it was healthy\n{process.tail()}")
            if _answers(url) == 200:
                waiting.remove((process, url))
        if waiting and time.monotonic() > deadline:
            raise AssertionError("not healthy in time: " + "\n".join(p.tail() for p, _ in waiting))
        time.sleep(0.2)


def _lines(stream: IO[str], into: queue.Queue[str | None]) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


async def _database_state(database_url: str) -> dict[str, object]:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            unfinished = (await session.execute(
                select(OutboxEvent.type, OutboxEvent.attempts, OutboxEvent.last_error).where(OutboxEvent.processed_at.is_(None) | OutboxEvent.dead_at.is_not(None))
            )).all()
            events = (await session.execute(select(OutboxEvent.id, OutboxEvent.type).where(OutboxEvent.type.in_(LEDGERED)))).all()
            keys = dict((await session.execute(
                select(LedgerEntryRow.source_key, func.count()).where(LedgerEntryRow.source_key.like("outbox:%")).group_by(LedgerEntryRow.source_key)
            )).all())
            schedule = list((await session.execute(select(ScheduledTask))).scalars())
            total = await session.scalar(select(func.count()).select_from(OutboxEvent))
    finally:
        await engine.dispose()
    # Each ledgered event's entry, exactly once: none missing (lost), none twice (done twice).
    not_once = {f"{kind} {event_id}": keys.get(f"outbox:{event_id}", 0) for event_id, kind in events if keys.get(f"outbox:{event_id}", 0) != 1}
    return {"unfinished": unfinished, "ledgered_events": len(events), "not_once": not_once, "schedule": schedule, "events": total}


def test_two_api_processes_two_workers_and_a_scheduler_lose_nothing_when_a_worker_is_killed(tmp_path: Path) -> None:
    redis_url = redis_url_or_skip()
    if not _reachable("127.0.0.1", 5432) and not IN_CI:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    database_url = asyncio.run(_fresh_postgres_database("_topology"))
    upgrade(database_url)
    redis.Redis.from_url(redis_url).flushdb()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")} | {
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SCHEDULER_TICK_SECONDS": str(TICK_S),
        # A lease left behind by the killed worker expires within the test.
        "SCHEDULER_LEASE_SECONDS": str(LEASE_S),
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_DRAIN_SECONDS": "20",
        "API_RATE_LIMIT": "1000000/minute",
        "CAPOOL_MATCHING_DEFAULT_TIME_LIMIT_S": "1",
        "LOG_LEVEL": "WARNING",
    }
    api_ports = [_free_port(), _free_port()]
    metrics_ports = {"worker-1": _free_port(), "worker-2": _free_port(), "scheduler": _free_port()}
    started_at = time.time()
    apis = [Process(f"api-{n + 1}", ["serve", "--port", str(port)], env, tmp_path) for n, port in enumerate(api_ports)]
    # Both workers run the schedule as well (the default): three processes compete for every task's lease.
    workers = [Process(name, ["worker", "--threads", "2", "--metrics-port", str(metrics_ports[name])], env, tmp_path) for name in ("worker-1", "worker-2")]
    scheduler = Process("scheduler", ["scheduler", "--metrics-port", str(metrics_ports["scheduler"])], env, tmp_path)
    everything = [*apis, *workers, scheduler]
    simulation = None
    try:
        # Started beside the processes (it waits for the APIs' /ready itself): the imports overlap.
        simulation = subprocess.Popen(
            [sys.executable, "-m", "capool.cli", "simulate", "--days", str(DAYS), "--orders-per-day", str(ORDERS_PER_DAY), "--factories", "4",
             "--seed", "5", "--time-limit", "1", "--ready-timeout", "300",
             "--database-url", database_url, "--redis-url", redis_url, *(arg for port in api_ports for arg in ("--api-url", f"http://127.0.0.1:{port}"))],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert simulation.stderr is not None and simulation.stdout is not None
        _wait_until_healthy([(api, f"http://127.0.0.1:{port}/ready") for api, port in zip(apis, api_ports, strict=True)]
                            + [(p, f"http://127.0.0.1:{metrics_ports[p.name]}/health") for p in [*workers, scheduler]])
        ready_at = time.time()
        progress: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_lines, args=(simulation.stderr, progress), daemon=True).start()
        stderr: list[str] = []
        killed_at = None
        while (line := progress.get(timeout=300)) is not None:
            stderr.append(line)
            if killed_at is None and line.startswith("day 1/"):
                # In the middle of day 2: its offers, orders and runs are on their way through the outbox.
                time.sleep(1.5)
                workers[0].popen.kill()
                assert workers[0].popen.wait(timeout=10) == -signal.SIGKILL
                killed_at = time.time()
                workers[0].log.close()
                workers[0].start()
                _wait_until_healthy([(workers[0], f"http://127.0.0.1:{metrics_ports['worker-1']}/health")])
        output = simulation.stdout.read()
        simulated = simulation.wait(timeout=60)
        assert output, "".join(stderr[-30:])
        assert killed_at is not None, "".join(stderr)
        # Every process still answers its health check before it is told to stop.
        for process in everything:
            assert process.popen.poll() is None, process.tail()
        for name, port in metrics_ports.items():
            probe = subprocess.run([sys.executable, "-m", "capool.cli", "health", "--port", str(port)], env=env, capture_output=True, text=True, timeout=60)
            assert probe.returncode == 0 and json.loads(probe.stdout)["status"] == "ok", (name, probe.stdout, probe.stderr)
        for process in everything:  # all at once, as `docker compose down` does
            process.popen.send_signal(signal.SIGTERM)
        exits = {process.name: process.stop() for process in everything}
        stopped_at = time.time()
    finally:
        if simulation is not None and simulation.poll() is None:
            simulation.kill()
        for process in everything:
            if process.popen.poll() is None:
                process.popen.kill()
        redis.Redis.from_url(redis_url).flushdb()
    logs = "\n".join(p.tail() for p in everything)

    summary = json.loads(output)
    print("".join(stderr), f"ready at +{ready_at - started_at:.0f} s, killed at +{killed_at - started_at:.0f} s, stopped at +{stopped_at - started_at:.0f} s", json.dumps(summary["throughput"]))
    checks = summary["invariant_checks"]["by_check"]
    assert {name: c for name, c in checks.items() if c["violations"]} == {}, (checks, logs)
    assert summary["ok"] is True and simulated == 0
    assert checks["ledger_cli"] == {"run": 1, "violations": 0, "samples": []}
    assert summary["job_system"] == "the deployment's"
    # Both API processes served the simulation (round-robin: within one request of each other).
    served = summary["api"]["processes"]
    assert sorted(served) == sorted(f"http://127.0.0.1:{port}" for port in api_ports)
    assert abs(served[f"http://127.0.0.1:{api_ports[0]}"] - served[f"http://127.0.0.1:{api_ports[1]}"]) <= 1 and sum(served.values()) > 200
    assert summary["orders"]["placed"] == DAYS * ORDERS_PER_DAY and summary["activity"].get("lots_accepted", 0) > 0
    assert "500" not in summary["requests"]["by_status"]
    # SIGTERM: every process stopped gracefully: the workers drained their jobs and exited 0,
    # the schedulers freed their leases; uvicorn shuts the API down, then re-raises the
    # signal (its documented exit), hence -SIGTERM and not a kill after the timeout.
    assert exits == {"api-1": -signal.SIGTERM, "api-2": -signal.SIGTERM, "worker-1": 0, "worker-2": 0, "scheduler": 0}, (exits, logs)

    state = asyncio.run(_database_state(database_url))
    assert state["unfinished"] == [], state["unfinished"]
    assert state["ledgered_events"] > 20 and state["not_once"] == {}, state
    # Each periodic task ran once per interval across the three processes that ran the
    # schedule. Its due times are t0, t0 + every, ... (the cadence is kept), so the stored next
    # due time tells when the task first fell due: t0 = next_due_at - runs x every. That was
    # when the first process ticked, between the start and the moment all were healthy; and
    # every due time before the processes stopped ran exactly once (the last may fall in the
    # final tick), none twice, none skipped.
    registered = {task.name: task.every.total_seconds() for task in jobs.periodic_tasks()}
    schedule = {row.name: row for row in state["schedule"]}
    assert set(schedule) == set(registered)
    for name, every in registered.items():
        row = schedule[name]
        assert (row.last_error, row.lease_owner) == (None, None), (name, row.last_error, row.lease_owner)
        next_due, last_run = _epoch(row.next_due_at), _epoch(row.last_run_at)
        first_due = next_due - row.runs * every
        assert started_at - 1 <= first_due <= ready_at + 1, f"{name}: first due {first_due - started_at:+.0f} s after the start, {row.runs} runs"
        due_times = math.floor((stopped_at - first_due) / every) + 1
        assert row.runs in (due_times, due_times - 1), f"{name} (every {every:.0f} s) ran {row.runs} times for {due_times} due times"
        # The last run happened at its due time (within a tick, or the killed worker's lease), not later.
        assert 0 <= last_run - (first_due + (row.runs - 1) * every) <= LEASE_S + 10 * TICK_S, name


def _epoch(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
