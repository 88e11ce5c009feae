"""GAP instances (OR-Library format) with known optima: gap to the optimum and time of the
matching engine next to the regret greedy, in one run.

    .venv/bin/python -m bench.matching.gap [--time-limit S] [--workers N] [--family chu1997 ...] [--max-n N] [--baseline]

Instance data is read from /work/shared/bench/matching at run time (never copied here).
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from matching.engine.generic import model_from_pairs
from matching.engine.heuristic import best_greedy, check, objective
from matching.engine.solve import solve_model

DATA = Path("/work/shared/bench/matching")


def read_gap(path: Path, sense: str = "min") -> dict:
    numbers = [int(t) for t in path.read_text().split()]
    m, n = numbers[0], numbers[1]
    pos = 2
    cost = [numbers[pos + a * n: pos + (a + 1) * n] for a in range(m)]
    pos += m * n
    weight = [numbers[pos + a * n: pos + (a + 1) * n] for a in range(m)]
    pos += m * n
    capacity = numbers[pos: pos + m]
    return {
        "sense": sense,
        "orders": [{"id": f"j{t}", "quantity": 1} for t in range(n)],
        "offers": [{"id": f"a{a}", "capacity": capacity[a]} for a in range(m)],
        "pairs": [{"order": f"j{t}", "offer": f"a{a}", "cost": cost[a][t], "use": weight[a][t]} for a in range(m) for t in range(n)],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--family", nargs="*", default=None, help="e.g. chu1997/a cattrysse1994 yagiura2004/e")
    parser.add_argument("--max-n", type=int, default=200)
    parser.add_argument("--sense", choices=["min", "max", "both"], default="min")
    parser.add_argument("--baseline", action="store_true", help="also plain CP-SAT (one model, no hint, no LP) with the same time limit")
    args = parser.parse_args()
    rows = list(csv.DictReader((DATA / "known_values.csv").open()))
    print(f"{'instance':28} {'sense':5} {'m':>3} {'n':>5} {'known':>7} {'greedy':>7} {'g.gap%':>7} {'engine':>7} {'gap%':>6} {'bound':>7} {'time_s':>6} status"
          + ("    plain CP-SAT: value gap% time_s" if args.baseline else ""))
    summary: dict[str, list[float]] = {}
    baseline: dict[str, list[float]] = {}
    for row in rows:
        name, sense = row["instance"], row["sense"]
        if args.sense != "both" and sense != args.sense:
            continue
        if int(row["n"]) > args.max_n:
            continue
        if args.family and not any(name.startswith(f) for f in args.family):
            continue
        data = read_gap(DATA / name, sense)
        model, sign = model_from_pairs(data)
        t0 = time.perf_counter()
        greedy = best_greedy(model)
        g_ok = not check(model, greedy) and len({model.pairs[k].order for k in greedy}) == len(model.order_ids)
        g_obj = sign * objective(model, greedy) if g_ok else None
        result = solve_model(model, time_limit=args.time_limit, workers=args.workers, started=t0)
        elapsed = time.perf_counter() - t0
        known = int(row["value"])
        obj = sign * result.objective
        complete = not result.unassigned
        gap = abs(obj - known) / known * 100 if complete else float("nan")
        g_gap = abs(g_obj - known) / known * 100 if g_obj is not None else float("nan")
        family = name.split("/")[0] + "/" + (name.split("/")[1].rstrip("0123456789-") or "gap")
        summary.setdefault(f"{family} {sense}", []).append(gap)
        line = f"{name:28} {sense:5} {row['m']:>3} {row['n']:>5} {known:>7} {g_obj if g_obj is not None else '-':>7} {g_gap:7.2f} {obj:>7} {gap:6.2f} {sign * result.bound:>7} {elapsed:6.1f} {result.status}"
        if args.baseline:
            t0 = time.perf_counter()
            plain = solve_model(model, time_limit=args.time_limit, workers=args.workers, use_lp=False, decompose=False, use_heuristic=False, started=t0)
            p_elapsed = time.perf_counter() - t0
            p_obj = sign * plain.objective if not plain.unassigned else None
            p_gap = abs(p_obj - known) / known * 100 if p_obj is not None else float("nan")
            baseline.setdefault(f"{family} {sense}", []).append(p_gap)
            line += f"    {p_obj if p_obj is not None else '-':>7} {p_gap:6.2f} {p_elapsed:6.1f}"
        print(line, flush=True)
    print()
    print(f"{'family':24} {'count':>5} {'mean gap%':>9} {'max gap%':>9}" + ("  plain CP-SAT mean / max gap%" if args.baseline else ""))
    for family, gaps in summary.items():
        extra = ""
        if family in baseline:
            b = baseline[family]
            extra = f"  {sum(b) / len(b):9.3f} {max(b):9.3f}"
        print(f"{family:24} {len(gaps):>5} {sum(gaps) / len(gaps):9.3f} {max(gaps):9.3f}" + extra)


if __name__ == "__main__":
    main()
