"""A short whole-market simulation through the real API and job system: on SQLite with the
embedded job system, and on PostgreSQL with Redis and two real `capool worker` processes
(required in CI). It must trade (orders, runs, approvals, lots, payments, retries) and find
no violation of any invariant."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import redis

from capool.config import get_settings
from capool.simulation.invariants import CHECKS
from capool.simulation.market import SimulationConfig, simulate
from tests.conftest import redis_url_or_skip

# Three days: an order accepted on day 1 is produced on days 1 and 2 and inspected on day 3.
REPO = Path(__file__).resolve().parents[2]
DAYS = 3
ORDERS_PER_DAY = 6


async def test_short_simulation_trades_and_keeps_every_invariant(db, database_url: str, backend: str, monkeypatch) -> None:
    monkeypatch.setenv("API_RATE_LIMIT", "1000000/minute")
    monkeypatch.setenv("CAPOOL_MATCHING_DEFAULT_TIME_LIMIT_S", "2")
    get_settings.cache_clear()
    workers, redis_url = 0, None
    if backend == "postgresql":
        workers, redis_url = 2, redis_url_or_skip()
        redis.Redis.from_url(redis_url).flushdb()
    config = SimulationConfig(days=DAYS, seed=11, database_url=database_url, orders_per_day=ORDERS_PER_DAY, workers=workers, redis_url=redis_url,
                              factories=4, time_limit_s=1.0)
    try:
        summary = await simulate(config, get_settings())
    finally:
        get_settings.cache_clear()

    checks = summary["invariant_checks"]["by_check"]
    assert {name: c["violations"] for name, c in checks.items() if c["violations"]} == {}, checks
    assert summary["ok"] is True
    assert {name: checks[name]["run"] for name in CHECKS} == dict.fromkeys(CHECKS, DAYS)
    assert checks["ledger_cli"] == {"run": 1, "violations": 0, "samples": []}
    assert summary["invariant_checks"]["run"] == DAYS * len(CHECKS)
    assert summary["workers"] == workers and summary["backend"] == backend
    activity = summary["activity"]
    assert activity["orders_placed"] == summary["orders"]["placed"] == DAYS * ORDERS_PER_DAY
    assert sum(n for status, n in summary["orders"].items() if status != "placed") == DAYS * ORDERS_PER_DAY
    # Every kind of traffic happened: matching and manual plans, approvals, acceptances,
    # shop-floor progress, lots (decided and paid), deliveries, a withdrawal and its repair, retries.
    for kind in ("runs_applied_batch", "manual_plans_applied", "allocations_accepted", "operations_reported", "lots_accepted", "orders_delivered",
                 "offers_withdrawn", "repair_runs"):
        assert activity.get(kind, 0) > 0, (kind, activity)
    assert summary["requests"]["idempotent_replays"] > 0
    assert summary["ledger_entries"]["payment.released"] == activity["lots_accepted"]
    assert summary["lots"]["accepted"] == activity["lots_accepted"]
    assert "500" not in summary["requests"]["by_status"]


def _capool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return subprocess.run([sys.executable, "-m", "capool.cli", *args], cwd=cwd, env=env | {"PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=600)


def test_cli_migrates_a_fresh_database_runs_a_day_and_prints_the_summary(tmp_path: Path) -> None:
    done = _capool("simulate", "--days", "1", "--orders-per-day", "4", "--seed", "3", "--time-limit", "1",
                   "--database-url", f"sqlite+aiosqlite:///{tmp_path / 'sim.db'}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    assert summary["ok"] is True and summary["days"] == 1 and summary["orders"]["placed"] == 4
    assert summary["invariant_checks"]["run"] == len(CHECKS) and summary["invariant_checks"]["violated"] == 0
    assert "day 1/1: 4 orders" in done.stderr


def test_cli_refuses_workers_without_redis(tmp_path: Path) -> None:
    done = _capool("simulate", "--days", "1", "--workers", "2", "--database-url", f"sqlite+aiosqlite:///{tmp_path / 'sim.db'}", cwd=tmp_path)
    assert done.returncode == 1
    assert "Error: --workers needs Redis: set REDIS_URL or --redis-url" in done.stderr
