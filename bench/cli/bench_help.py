"""Cold start of the command line: `capool --help`, `--version` and every group's `--help`,
each in a fresh interpreter (what a person typing the command waits for). Prints the median
and the spread of N wall-clock runs per command, beside the bare interpreter start.

    PYTHONPATH=$PWD .venv/bin/python -m bench.cli.bench_help [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

COMMANDS: list[list[str]] = [
    ["--help"],
    ["--version"],
    *([group, "--help"] for group in ("admin", "ledger", "quality", "inspection", "exchange", "webhooks", "connectors")),
    *([verb, "--help"] for verb in ("match", "forecast", "forecasts-refresh", "set-password", "serve", "worker", "migrate", "demo")),
    ["ledger", "verify", "--help"],
]


def cold(args: list[str]) -> float:
    env = os.environ | {"PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "capool.cli", *args], env=env, cwd=REPO, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    baseline = statistics.median(_interpreter() for _ in range(runs))
    print(f"python -c pass (interpreter start alone): median {baseline:.3f} s")
    for args in COMMANDS:
        times = sorted(cold(args) for _ in range(runs))
        print(f"capool {' '.join(args):<28} median {statistics.median(times):.3f} s  (min {times[0]:.3f}, max {times[-1]:.3f}, {runs} runs)")


def _interpreter() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
