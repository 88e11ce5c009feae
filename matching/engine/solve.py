"""The matching pipeline: eligibility -> decomposition into independent components ->
regret greedy + local search -> GLOP bound, LP rounding and reduced-cost fixing -> (pure
assignment components) a short large-neighbourhood search -> CP-SAT hinted with the best
incumbent -> backups and explanations. The best feasible incumbent is always returned."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from matching.engine.explain import fill
from matching.engine.heuristic import Solution, best_greedy, check, lp_rounding, objective
from matching.engine.model import Model, build_model
from matching.engine.solvers import solve_cpsat, solve_lp
from matching.engine.types import Allocation, Mode, Problem, Result


def solve(problem: Problem, time_limit: float = 10.0, workers: int = 2, use_lp: bool = True, decompose: bool = True) -> Result:
    """Match a marketplace problem (batch, incremental or repair, as problem.mode says)."""
    started = time.perf_counter()
    model = build_model(problem)
    result = solve_model(model, time_limit=time_limit, workers=workers, use_lp=use_lp, decompose=decompose, started=started)
    result.mode = problem.mode.value if isinstance(problem.mode, Mode) else str(problem.mode)
    by_id = {o.id: o for o in problem.offers}
    allocations = []
    for a in result.allocations:
        offer = by_id[a.offer]
        start, end = a.slot_start, a.slot_end
        if start is not None and offer.capacity_per_day:
            end = start + timedelta(days=max(1, -(-a.use // offer.capacity_per_day)) - 1)
            if offer.window_end is not None:
                end = min(end, offer.window_end)
        allocations.append(Allocation(a.order, a.offer, a.quantity, a.use, a.cost, a.tier, a.unit_price, start, end, a.late_days))
    result.allocations = allocations
    return result


def solve_model(
    model: Model,
    time_limit: float = 10.0,
    workers: int = 2,
    use_lp: bool = True,
    decompose: bool = True,
    use_heuristic: bool = True,
    started: float | None = None,
) -> Result:
    started = started or time.perf_counter()
    deadline = started + time_limit
    components = model.components() if decompose else [(sorted({p.order for p in model.pairs}), sorted({p.offer for p in model.pairs}))]
    full: Solution = {}
    bound = 0
    statuses: list[str] = []
    methods: set[str] = set()
    sizes = [len(c[0]) * max(1, len(c[1])) for c in components]
    left = sum(sizes)
    index = {(p.order, p.offer): k for k, p in enumerate(model.pairs)}
    for (orders, offers), size in zip(components, sizes, strict=True):
        now = time.perf_counter()
        share = max(0.05, (deadline - now) * size / max(left, 1))
        left -= size
        sub, omap, fmap = model.restrict(orders, offers)
        sol, sub_bound, status, method = _solve_component(sub, now + share, workers, use_lp, use_heuristic)
        statuses.append(status)
        methods.add(method)
        bound += sub_bound
        # Map the component's pair indices back to the full model's.
        for k, q in sol.items():
            p = sub.pairs[k]
            full[index[(omap[p.order], fmap[p.offer])]] = q
    # Orders without a single eligible pair are unassigned in every solution.
    for i in range(len(model.order_ids)):
        if i in model.no_pair_reason:
            bound += model.whole_penalty(i)
    obj = objective(model, full)
    if not components:
        status = "OPTIMAL"
    elif all(s == "OPTIMAL" for s in statuses) or obj <= bound:
        status = "OPTIMAL"
    else:
        status = "FEASIBLE"
    bound = min(bound, obj)
    gap = 0.0 if obj == bound else (obj - bound) / max(abs(obj), 1)
    result = Result(
        status=status, objective=obj, bound=bound, allocations=[], unassigned={}, gap=round(gap, 6),
        solve_seconds=time.perf_counter() - started, method="+".join(sorted(methods)) or "none", components=len(components),
    )
    fill(model, full, result, optimal=status == "OPTIMAL")
    result.provably_incomplete = bool(model.no_pair_reason) or (model.lexicographic and status == "OPTIMAL" and bool(result.unassigned))
    return result


def _solve_component(model: Model, deadline: float, workers: int, use_lp: bool, use_heuristic: bool) -> tuple[Solution, int, str, str]:
    # One whole order with no policy coupling: the cheapest feasible pair is optimal.
    if len(model.order_ids) == 1 and not model.split[0] and not model.share_buyers and not model.reserved:
        best = min(
            (k for k, p in enumerate(model.pairs) if p.whole_use <= model.cap[p.offer] and all(p.whole_use <= c for offs, c in model.limits if p.offer in offs)),
            key=lambda k: model.pairs[k].whole_cost,
            default=None,
        )
        sol = {best: model.qty[0]} if best is not None and model.pairs[best].whole_cost < model.whole_penalty(0) else {}
        obj = objective(model, sol)
        return sol, obj, "OPTIMAL", "direct"
    greedy: Solution = best_greedy(model, deadline) if use_heuristic else {}
    if check(model, greedy):
        greedy = {}
    upper = objective(model, greedy)
    lp = solve_lp(model, time_limit=max(0.5, (deadline - time.perf_counter()) / 3)) if use_lp else None
    bound = lp.bound if lp is not None else 0
    if lp is not None and use_heuristic:
        rounded = lp_rounding(model, lp.values, deadline)
        if not check(model, rounded) and objective(model, rounded) < upper:
            greedy, upper = rounded, objective(model, rounded)
    if lp is not None and bound >= upper:
        return greedy, upper, "OPTIMAL", "greedy+lp"
    remaining = deadline - time.perf_counter()
    complete = bool(greedy) and sum(greedy.values()) == sum(model.qty)
    method = "greedy+lp+cpsat" if use_lp else ("greedy+cpsat" if use_heuristic else "cpsat")
    if use_heuristic and complete and _lns_applies(model) and remaining > 1.0:
        # A short large-neighbourhood search first: CP-SAT then starts from (and prunes
        # with) a better incumbent and keeps most of the time to close the gap.
        greedy = _lns(model, greedy, time.perf_counter() + 0.3 * remaining, workers, bound)
        upper = objective(model, greedy)
        method += "+lns"
        remaining = deadline - time.perf_counter()
    cp = solve_cpsat(
        model, remaining, workers=workers, hint=greedy if use_heuristic else None, lp=lp, upper=upper if lp else None,
        forbid_unplaced=model.lexicographic and complete,
    )
    if cp.bound is not None:
        bound = max(bound, cp.bound)
    if cp.solution is not None and not check(model, cp.solution) and objective(model, cp.solution) <= upper:
        sol = cp.solution
    else:
        sol = greedy
    obj = objective(model, sol)
    status = "OPTIMAL" if cp.status == "OPTIMAL" or obj <= bound else "FEASIBLE"
    return sol, obj if status == "OPTIMAL" else min(bound, obj), status, method


def _lns_applies(model: Model) -> bool:
    """Large-neighbourhood search is exact on sub-problems only for pure assignment models
    (whole orders, no shared resources, reservations or share policy)."""
    return not any(model.split) and not model.limits and not model.reserved and not model.share_buyers


def _lns(model: Model, sol: Solution, deadline: float, workers: int, bound: int, seed: int = 7) -> Solution:
    """Free every order on a few random offers, re-solve that sub-problem exactly with
    CP-SAT (the rest stays fixed), keep improvements; until the deadline."""
    rng = random.Random(seed)
    offers = sorted({p.offer for p in model.pairs})
    size = min(len(offers), 3 if len(offers) > 6 else len(offers))
    best = objective(model, sol)
    back = {(p.order, p.offer): k for k, p in enumerate(model.pairs)}
    while time.perf_counter() < deadline - 0.05 and best > bound:
        chosen = set(rng.sample(offers, size))
        orders = sorted({model.pairs[k].order for k in sol if model.pairs[k].offer in chosen})
        if not orders:
            continue
        sub, omap, fmap = model.restrict(orders, sorted(chosen))
        index = {(omap[p.order], fmap[p.offer]): n for n, p in enumerate(sub.pairs)}
        hint = {index[(model.pairs[k].order, model.pairs[k].offer)]: q for k, q in sol.items() if model.pairs[k].offer in chosen}
        budget = min(0.5, deadline - time.perf_counter())
        cp = solve_cpsat(sub, budget, workers=workers, hint=hint, forbid_unplaced=True)
        if cp.solution is None:
            continue
        old = sum(model.pairs[k].whole_cost for k in sol if model.pairs[k].offer in chosen)
        new = sum(sub.pairs[n].whole_cost for n in cp.solution)
        if new < old:
            trial = {k: q for k, q in sol.items() if model.pairs[k].offer not in chosen}
            for n, q in cp.solution.items():
                p = sub.pairs[n]
                trial[back[(omap[p.order], fmap[p.offer])]] = q
            if not check(model, trial) and objective(model, trial) < best:
                sol, best = trial, objective(model, trial)
    return sol
