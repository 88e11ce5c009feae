"""Throughput of the pure quality engines: plan look-ups, lot decisions, SPC charts and
supplier scores. Prints one line per figure."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from quality import aql, score, spc


def timed(label: str, count: int, work) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    work()
    elapsed = time.perf_counter() - start
    print(f"{label}: {count} in {elapsed:.3f} s = {count / elapsed:,.0f}/s")


def main() -> None:
    rng = random.Random(7)
    cases = [(rng.randint(2, 1_000_000), rng.choice(aql.t.AQL_SERIES), rng.choice(aql.t.LEVELS), rng.choice(list(aql.Severity))) for _ in range(100_000)]
    timed("plan()", len(cases), lambda: [aql.plan(*c) for c in cases])
    lots = [aql.lot_plan(rng.randint(2, 100_000), {"critical": 0, "major": 2.5, "minor": 4.0}) for _ in range(20_000)]
    timed("lot_plan + decide + switching_points", len(lots),
          lambda: [aql.switching_points(lot, {"major": 1}, aql.decide(lot, {"major": 1}).decision == aql.Decision.ACCEPTED) for lot in lots])
    charts = [([rng.randint(0, 5) for _ in range(25)], [rng.randint(50, 200) for _ in range(25)]) for _ in range(2_000)]
    timed("p_chart (25 points, rules 1-6)", len(charts), lambda: [spc.p_chart(d, n) for d, n in charts])
    now = datetime(2026, 11, 23, tzinfo=UTC)
    history = [score.LotRecord(rng.randrange(200), rng.choice(("printing", "stamping", "cnc")), now - timedelta(days=rng.randint(0, 720)),
                               80, rng.randint(0, 4)) for _ in range(100_000)]
    timed("scores over 100k lots (600 supplier x process pairs)", len(history), lambda: score.scores(history, now))


if __name__ == "__main__":
    main()
