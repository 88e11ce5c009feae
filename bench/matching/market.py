"""Seeded marketplace-shaped instances: the engine (decomposition + regret greedy + GLOP
bound/fixing + CP-SAT) against plain CP-SAT on the same model and time limit, and the
latency of an incremental urgent order against 10,000 open offers.

    .venv/bin/python -m bench.matching.market [--orders 2000] [--offers 300] [--limits 10 30] [--workers 2] [--seed 1]
        [--shape base|tight|sparse-split|random] [--plain-limits 90]
    .venv/bin/python -m bench.matching.market --urgent [--urgent-offers 10000] [--repeat 50]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta

from matching.engine import Mode, Offer, Order, Partnership, Policy, Problem, solve
from matching.engine.heuristic import check, objective
from matching.engine.model import build_model
from matching.engine.solve import solve_model
from matching.engine.solvers import solve_lp

TODAY = date(2026, 11, 23)
MATERIALS = ["cotton", "polyester", "silk"]


@dataclass(frozen=True)
class Shape:
    """The market's shape, so that the engine is not tuned to one instance."""

    processes: int = 8
    """Eligibility density: about 1/processes x materials_per_offer/3 of all pairs."""
    materials_per_offer: int = 2
    capacity_factor: float = 1.9
    """Published capacity / demand, per process (tightness)."""
    correlation: str = "light-cheap"
    """Cost against capacity use: light-cheap (fast capacity is cheaper per piece), none
    (independent), light-dear (fast capacity is dearer per piece, the hard GAP shape)."""
    split_share: float = 0.3

    def label(self) -> str:
        return f"processes={self.processes} materials/offer={self.materials_per_offer} capacity={self.capacity_factor:.2f}x {self.correlation} split={self.split_share:.0%}"


SHAPES = {
    "base": Shape(),
    "tight": Shape(processes=6, materials_per_offer=3, capacity_factor=1.1, correlation="light-dear", split_share=0.1),
    "sparse-split": Shape(processes=16, materials_per_offer=1, capacity_factor=2.4, correlation="none", split_share=0.7),
}


def random_shape(seed: int) -> Shape:
    rng = random.Random(f"shape-{seed}")
    return Shape(
        processes=rng.choice([4, 6, 8, 12, 16]), materials_per_offer=rng.choice([1, 2, 3]), capacity_factor=round(rng.uniform(1.05, 2.5), 2),
        correlation=rng.choice(["light-cheap", "none", "light-dear"]), split_share=round(rng.uniform(0.0, 0.8), 2),
    )


def generate(n_orders: int, n_offers: int, seed: int, processes: int | None = None, buyers: int = 12, shape: Shape | None = None) -> Problem:
    """Seeded market of a given shape. Eligibility: one process of `processes`, the order's
    material among the offer's `materials_per_offer` of 3, quality and lead-time filters.
    Capacity is `capacity_factor` x the demand of each process; hour-based offers whose
    price per piece is correlated with speed as the shape says; quality follows price."""
    shape = shape or Shape()
    if processes is not None:
        shape = Shape(processes, shape.materials_per_offer, shape.capacity_factor, shape.correlation, shape.split_share)
    rng = random.Random(seed)
    procs = [f"p{n}" for n in range(shape.processes)]
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
            due=TODAY + timedelta(days=rng.randint(10, 40)), split_allowed=rng.random() < shape.split_share, currency="CNY",
            urgency=rng.choice(["low", "normal", "normal", "high", "urgent"]), cost_sensitivity=rng.choice(["low", "medium", "high"]),
            min_quality_score=rng.choice([None, None, 60, 75]),
        ))
    offers = []
    per_proc = [procs[n % shape.processes] for n in range(n_offers)]
    count = {p: per_proc.count(p) for p in procs}
    for n, p in enumerate(per_proc):
        speed = rng.randint(5, 40)  # units per hour
        if shape.correlation == "light-cheap":
            unit_price = (rng.randint(3000, 6000) + speed * 120) // speed + rng.randint(-10, 10)
        elif shape.correlation == "light-dear":
            unit_price = 60 + speed * 8 + rng.randint(-20, 20)
        else:
            unit_price = rng.randint(100, 600)
        share = demand[p] * shape.capacity_factor / max(count[p], 1)
        hours = max(10, int(share / speed * rng.uniform(0.6, 1.4)))
        offers.append(Offer(
            id=f"f{n}", capacity=hours, process=p, materials=tuple(sorted(rng.sample(MATERIALS, shape.materials_per_offer))), org=rng.choice(factories),
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
    shape = random_shape(args.seed) if args.shape == "random" else SHAPES[args.shape]
    problem = generate(args.orders, args.offers, args.seed, shape=shape)
    t0 = time.perf_counter()
    model = build_model(problem)
    build_s = time.perf_counter() - t0
    density = len(model.pairs) / (args.orders * args.offers)
    print(f"shape {args.shape}: {shape.label()}")
    print(f"instance: {args.orders} orders x {args.offers} offers, seed {args.seed}; eligible pairs {len(model.pairs)} ({density:.1%}); "
          f"{sum(model.split)} splittable orders; {len(model.share_buyers)} buyers under the share policy; build {build_s:.1f}s")
    t0 = time.perf_counter()
    lp = solve_lp(model, time_limit=120)
    print(f"LP bound (GLOP, whole model): {lp.bound if lp else 'n/a'} in {time.perf_counter() - t0:.1f}s")
    lp_bound = lp.bound if lp else None
    print(f"{'method':34} {'limit_s':>7} {'time_s':>6} {'objective':>14} {'best bound':>14} {'gap%':>6} {'gap_to_LP%':>10} {'unplaced':>8} feasible")
    runs = [("engine (decomp+greedy+LP+CP-SAT)", limit, {}) for limit in args.limits]
    if not args.skip_plain:
        runs += [("plain CP-SAT (one model, no hint)", limit, {"use_lp": False, "decompose": False, "use_heuristic": False}) for limit in (args.plain_limits or args.limits)]
    for name, limit, kw in runs:
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
        print(f"{name:34} {limit:7.0f} {elapsed:6.1f} {result.objective if result.allocations else 'none':>14} {bound:>14} {gap:6.2f} {gap_lp:10.2f} {unplaced:>8} "
              f"{ok} {len(result.unassigned)} order(s) not wholly placed; {result.status} {result.method}", flush=True)


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
    parser.add_argument("--plain-limits", type=float, nargs="*", default=None, help="time limits of plain CP-SAT (default: --limits)")
    parser.add_argument("--shape", choices=[*SHAPES, "random"], default="base", help="market shape; random draws one from the seed")
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
