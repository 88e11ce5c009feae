"""Worker and scheduler health: ProcessHealth's verdict, the metrics port's /health and
/metrics, `capool health`, and the scheduler's failure counter."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from capool import jobs, observability
from capool.db import create_session_factory
from capool.observability import ProcessHealth, start_metrics_server
from capool.scheduler import Scheduler, worker_heartbeat
from tests.test_observability import _sample

REPO = Path(__file__).resolve().parents[1]


def test_health_needs_a_recent_beat_live_probes_and_no_stop() -> None:
    dead: list[str] = []
    health = ProcessHealth("worker", stale_after_s=30, probes=[lambda: f"dead worker threads: {dead[0]}" if dead else None])
    healthy, report = health.report()
    assert (healthy, report["problems"]) == (False, ["no heartbeat yet"])
    health.beat()
    beat_at = health.beat_at
    assert beat_at is not None
    assert health.report(now=beat_at + 29)[0] is True
    healthy, report = health.report(now=beat_at + 31)
    assert healthy is False and report["problems"] == ["last heartbeat 31 s ago (more than 30 s)"] and report["heartbeat_age_s"] == 31
    health.fail("heartbeat failed: ConnectionError: redis")
    assert health.report(now=beat_at + 1)[1]["problems"] == ["heartbeat failed: ConnectionError: redis"]
    health.beat()  # the next good beat clears the failure
    assert health.report()[0] is True
    dead.append("Thread-3")
    assert health.report()[1]["problems"] == ["dead worker threads: Thread-3"]
    dead.clear()
    health.stopping = True
    assert health.report()[1]["problems"] == ["stopping"]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_the_metrics_port_serves_metrics_and_health_and_capool_health_reads_it() -> None:
    health = ProcessHealth("scheduler", stale_after_s=60)
    server = start_metrics_server(0, health=health)
    port = server.server_address[1]
    try:
        status, body = _get(f"http://127.0.0.1:{port}/health")
        assert status == 503 and json.loads(body)["problems"] == ["no heartbeat yet"]
        probe = subprocess.run([sys.executable, "-m", "capool.cli", "health", "--port", str(port)], capture_output=True, text=True, timeout=60,
                               env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
        assert probe.returncode == 1 and json.loads(probe.stdout)["status"] == "unhealthy", probe
        health.beat()
        status, body = _get(f"http://127.0.0.1:{port}/health")
        assert status == 200 and json.loads(body)["status"] == "ok"
        probe = subprocess.run([sys.executable, "-m", "capool.cli", "health", "--port", str(port)], capture_output=True, text=True, timeout=60,
                               env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
        assert probe.returncode == 0 and json.loads(probe.stdout)["process"] == "scheduler", probe
        status, body = _get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and _sample(body.decode(), "capool_heartbeat_timestamp_seconds", process="scheduler") == pytest.approx(health.beat_at)
        assert _get(f"http://127.0.0.1:{port}/nothing")[0] == 404
    finally:
        server.shutdown()
        server.server_close()
    # Nobody listens any more: unhealthy, not a traceback.
    probe = subprocess.run([sys.executable, "-m", "capool.cli", "health", "--port", str(port)], capture_output=True, text=True, timeout=60,
                           env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert probe.returncode == 1 and "Traceback" not in probe.stderr and f"127.0.0.1:{port}" in probe.stderr


async def test_the_worker_heartbeat_beats_while_the_database_answers_and_reports_when_it_does_not(db: AsyncEngine, database_url: str) -> None:
    from dramatiq.brokers.stub import StubBroker

    health = ProcessHealth("worker", stale_after_s=60)
    stop = asyncio.Event()
    loop = asyncio.create_task(worker_heartbeat(database_url, StubBroker(), health, stop, every=timedelta(seconds=0.05)))
    for _ in range(200):
        if health.beat_at is not None:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(loop, 10)
    assert health.report()[0] is True
    broken = ProcessHealth("worker", stale_after_s=60)
    stop = asyncio.Event()
    unreachable = "postgresql+asyncpg://nobody@127.0.0.1:1/none" if database_url.startswith("postgresql") else "sqlite+aiosqlite:////nonexistent/dir/x.db"
    loop = asyncio.create_task(worker_heartbeat(unreachable, StubBroker(), broken, stop, every=timedelta(seconds=0.05)))
    for _ in range(200):
        if broken.error is not None:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(loop, 10)
    healthy, report = broken.report()
    assert healthy is False and report["problems"][0] == "no heartbeat yet" and report["problems"][1].startswith("heartbeat failed: ")


async def test_a_failing_periodic_task_is_counted_and_a_tick_beats_the_scheduler_health(db: AsyncEngine) -> None:
    async def broken(session) -> None:
        raise RuntimeError("partner API down")

    task = jobs.PeriodicTask("tests.health.broken", timedelta(minutes=5), broken)
    before = _sample(observability.exposition().decode(), "capool_scheduled_failures_total", task=task.name)
    health = ProcessHealth("scheduler", stale_after_s=60)
    stop = asyncio.Event()
    scheduler = Scheduler(create_session_factory(db), lease=timedelta(minutes=1), tasks=[task])

    async def stop_after_first_beat() -> None:
        while health.beat_at is None:
            await asyncio.sleep(0.02)
        stop.set()

    await asyncio.wait_for(asyncio.gather(scheduler.run_forever(stop, every=timedelta(seconds=0.05), health=health), stop_after_first_beat()), 30)
    after = _sample(observability.exposition().decode(), "capool_scheduled_failures_total", task=task.name)
    # The task failed, the tick did not: the scheduler is healthy, the failure is counted.
    assert after - before == 1
    assert health.report()[0] is True
