"""The long whole-market simulation as a benchmark: `capool simulate` on a fresh database,
timed, with the machine it ran on; prints the summary's figures as a Markdown table row
(docs/benchmarks.md) and writes the full JSON summary beside the database.

    .venv/bin/python -m bench.simulation.run --days 60 --orders-per-day 40 --seed 1
    .venv/bin/python -m bench.simulation.run --days 60 --orders-per-day 40 --workers 2 \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/capool_sim --redis-url redis://127.0.0.1:6379/9

Without --database-url the run gets a fresh SQLite file in a temporary folder. The secrets
come from the environment (or var/secrets.json on SQLite), as for every capool command.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--orders-per-day", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--time-limit", type=float, default=2.0)
    parser.add_argument("--out", type=Path, default=None, help="where the JSON summary goes (default: beside the database)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="capool-sim-"))
    url = args.database_url or f"sqlite+aiosqlite:///{folder / 'simulation.db'}"
    command = [sys.executable, "-m", "capool.cli", "simulate", "--days", str(args.days), "--orders-per-day", str(args.orders_per_day),
               "--seed", str(args.seed), "--workers", str(args.workers), "--database-url", url, "--time-limit", str(args.time_limit)]
    if args.redis_url:
        command += ["--redis-url", args.redis_url]
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, env=os.environ)
    wall = time.perf_counter() - started
    out = args.out or folder / "summary.json"
    out.write_text(done.stdout)
    summary = json.loads(done.stdout)
    load = os.getloadavg()
    print(f"machine: {platform.node()} {os.cpu_count()} cores, load {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}, Python {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; exit {done.returncode}; summary in {out}")
    checks = summary["invariant_checks"]
    print("| days | orders | allocations | lots | ledger entries | requests | checks run / violated | wall | requests/s | s per day |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {summary['days']} | {summary['orders']['placed']} | {sum(summary['allocations'].values())} | {sum(summary['lots'].values())} | "
          f"{sum(summary['ledger_entries'].values())} | {summary['requests']['total']} | {checks['run']} / {checks['violated']} | {wall:.0f} s | "
          f"{summary['throughput']['requests_per_s']} | {summary['throughput']['s_per_simulated_day']} |")
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
