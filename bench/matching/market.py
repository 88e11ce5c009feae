"""Seeded marketplace-shaped instances: the engine (decomposition + regret greedy + GLOP
bound/fixing + CP-SAT) against plain CP-SAT on the same model and time limit, and the
latency of an incremental urgent order against 10,000 open offers.

    .venv/bin/python -m bench.matching.market [--orders 2000] [--offers 300] [--limits 10 30] [--workers 2] [--seed 1]
    .venv/bin/python -m bench.matching.market --urgent [--urgent-offers 10000] [--repeat 50]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from matching.engine import Mode, Offer, Order, Partnership, Policy, Problem, solve
from matching.engine.heuristic import check, objective
from matching.engine.model import build_model
from matching.engine.solve import solve_model
from matching.engine.solvers import solve_lp

TODAY = date(2026, 11, 23)
MATERIALS = ["cotton", "polyester", "silk"]


def generate(n_orders: int, n_offers: int, seed: int, processes: int = 8, buyers: int = 12) -> Problem:
    """About 1/processes x 2/3 (materials) of pairs are eligible: ~8% with 8 processes.
    Cost and hours are correlated: faster (more units per hour) capacity is dearer, and
    quality follows price. Capacity is ~1.9x the demand of each process (each offer takes 2 of 3 materials, so ~1.27x per process and material)."""
    rng = random.Random(seed)
    procs = [f"p{n}" for n in range(processes)]
    buyer_ids = [f"B{n}" for n in range(buyers)]
    factories = [f"F{n}" for n in range(60)] + buyer_ids[:4]  # four buyers also own workshops
    orders = []
    demand = {p: 0 for p in procs}
    for n in range(n_orders):
        p = rng.choice(procs)
        qty = rng.choice([50, 100, 200, 300, 500, 800, 1000])
        demand[p] += qty
        orders.append(Order(
            id=f"o{n}", quantity=qty, process=p, material=rng.choice(MATERIALS), buyer=rng.choice(buyer_ids),
            due=TODAY + timedelta(days=rng.randint(10, 40)), split_allowed=rng.random() < 0.3, currency="CNY",
            urgency=rng.choice(["low", "normal", "normal", "high", "urgent"]), cost_sensitivity=rng.choice(["low", "medium", "high"]),
            min_quality_score=rng.choice([None, None, 60, 75]),
        ))
    offers = []
    per_proc = [procs[n % processes] for n in range(n_offers)]
    count = {p: per_proc.count(p) for p in procs}
    for n, p in enumerate(per_proc):
        speed = rng.randint(5, 40)  # units per hour
        hourly = rng.randint(3000, 6000) + speed * 120
        unit_price = hourly // speed + rng.randint(-10, 10)
        share = demand[p] * 1.9 / count[p]
        hours = max(10, int(share / speed * rng.uniform(0.6, 1.4)))
        offers.append(Offer(
            id=f"f{n}", capacity=hours, process=p, materials=tuple(sorted(rng.sample(MATERIALS, 2))), org=rng.choice(factories),
            window_start=TODAY + timedelta(days=rng.randint(0, 5)), window_end=TODAY + timedelta(days=60), capacity_per_day=max(1, hours // 30),
            unit="hour", units_per_hour=speed, unit_price=max(50, unit_price), currency="CNY", min_batch=rng.choice([1, 20, 50]),
            lead_time_days=rng.randint(0, 7), quality_score=min(100, 50 + unit_price // 8 + rng.randint(-10, 10)),
            carbon_per_unit=rng.randint(100, 3000), visibility="alliance",
        ))
    partnerships = [Partnership(b, f"F{rng.randint(0, 59)}", reserved_share_pct=rng.choice([0, 20])) for b in buyer_ids for _ in range(2)]
    seen = set()
    partnerships = [p for p in partnerships if (p.buyer, p.factory) not in seen and not seen.add((p.buyer, p.factory))]
    return Problem(orders=orders, offers=offers, partnerships=partnerships, policy=Policy(carbon_weight_per_kg=20), today=TODAY)


def run_batch(args: argparse.Namespace) -> None:
    problem = generate(args.orders, args.offers, args.seed)
    t0 = time.perf_counter()
    model = build_model(problem)
    build_s = time.perf_counter() - t0
    density = len(model.pairs) / (args.orders * args.offers)
    print(f"instance: {args.orders} orders x {args.offers} offers, seed {args.seed}; eligible pairs {len(model.pairs)} ({density:.1%}); "
          f"{sum(model.split)} splittable orders; {len(model.share_buyers)} buyers under the share policy; build {build_s:.1f}s")
    t0 = time.perf_counter()
    lp = solve_lp(model, time_limit=120)
    print(f"LP bound (GLOP, whole model): {lp.bound if lp else 'n/a'} in {time.perf_counter() - t0:.1f}s")
    lp_bound = lp.bound if lp else None
    print(f"{'method':34} {'limit_s':>7} {'time_s':>6} {'objective':>14} {'best bound':>14} {'gap%':>6} {'gap_to_LP%':>10} {'unplaced':>8} feasible")
    for limit in args.limits:
        for name, kw in (("engine (decomp+greedy+LP+CP-SAT)", {}), ("plain CP-SAT (one model, no hint)", {"use_lp": False, "decompose": False, "use_heuristic": False})):
            if name.startswith("plain") and args.skip_plain:
                continue
            t0 = time.perf_counter()
            result = solve_model(model, time_limit=limit, workers=args.workers, **kw)
            elapsed = time.perf_counter() - t0
            index = {(model.order_ids[p.order], model.offer_ids[p.offer]): k for k, p in enumerate(model.pairs)}
            sol = {index[(a.order, a.offer)]: a.quantity for a in result.allocations}
            ok = not check(model, sol) and objective(model, sol) == result.objective
            bound = max(result.bound, lp_bound or 0)
            gap = (result.objective - bound) / result.objective * 100 if result.allocations else float("nan")
            gap_lp = (result.objective - lp_bound) / result.objective * 100 if result.allocations and lp_bound else float("nan")
            unplaced = sum(model.qty) - sum(a.quantity for a in result.allocations)
            print(f"{name:34} {limit:7.0f} {elapsed:6.1f} {result.objective if result.allocations else 'none':>14} {bound:>14} {gap:6.2f} {gap_lp:10.2f} {unplaced:>8} {ok}", flush=True)


def run_urgent(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    base = generate(200, args.urgent_offers, args.seed, processes=40)
    offers = base.offers
    latencies = []
    for n in range(args.repeat):
        process = f"p{rng.randrange(40)}"
        urgent = Order(id=f"u{n}", quantity=rng.choice([100, 300, 500]), process=process, material=rng.choice(MATERIALS), buyer="B1",
                       due=TODAY + timedelta(days=rng.randint(7, 20)), currency="CNY", urgency="urgent", split_allowed=rng.random() < 0.5)
        t0 = time.perf_counter()
        result = solve(Problem(orders=[urgent], offers=offers, partnerships=base.partnerships, today=TODAY, mode=Mode.INCREMENTAL), time_limit=1.0, workers=args.workers)
        latencies.append((time.perf_counter() - t0) * 1000)
        assert result.allocations or result.unassigned
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"incremental urgent order vs {len(offers)} open offers, {args.repeat} runs: p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--offers", type=int, default=300)
    parser.add_argument("--limits", type=float, nargs="*", default=[10, 30])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--urgent", action="store_true")
    parser.add_argument("--urgent-offers", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    if args.urgent:
        run_urgent(args)
    else:
        run_batch(args)


if __name__ == "__main__":
    main()
