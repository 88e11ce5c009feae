"""The matching pipeline: eligibility -> decomposition into independent components ->
regret greedy + local search -> GLOP bound, LP rounding and reduced-cost fixing -> (pure
assignment components) a short large-neighbourhood search -> CP-SAT hinted with the best
incumbent -> backups and explanations. The best feasible incumbent is always returned."""

from __future__ import annotations

import random
import time
from datetime import timedelta
from typing import TYPE_CHECKING

from matching.engine import calendar
from matching.engine.explain import fill
from matching.engine.heuristic import Solution, best_greedy, check, lp_rounding, objective, top_up
from matching.engine.model import Model, build_model
from matching.engine.solvers import solve_cpsat, solve_lp
from matching.engine.types import Allocation, Mode, Problem, Result

if TYPE_CHECKING:
    from capool.progress import Progress


def solve(problem: Problem, time_limit: float = 10.0, workers: int = 2, use_lp: bool = True, decompose: bool = True,
          progress: Progress | None = None) -> Result:
    """Match a marketplace problem (batch, incremental or repair, as problem.mode says)."""
    if calendar.timed(problem):
        return calendar.solve_in_days(problem, time_limit, workers, use_lp, decompose, progress)
    started = time.perf_counter()
    model = build_model(problem)
    result = solve_model(model, time_limit=time_limit, workers=workers, use_lp=use_lp, decompose=decompose, started=started, progress=progress)
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
    progress: Progress | None = None,
) -> Result:
    """`progress` (capool.progress) hears each component solved (and, first, each part of
    the warm start when the share band joins a buyer's parts)."""
    report = progress or _silent
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
    warm: Solution = {}
    if decompose and use_heuristic and model.shares_couple() and not model.policy.hard_shares:
        # The share band joins a buyer's otherwise independent parts into one component.
        # Solving the parts apart (each against the band on its own) is not exact, but it is
        # fast and its answer is feasible for the joint model (the band's rows are
        # homogeneous, so parts inside the band sum to a whole inside it): the joint solve
        # starts from it and alone decides the status and the bound. (Under a hard band a
        # part without core capacity could place nothing: no warm start there.)
        loose = model.components(join_buyers=False)
        if len(loose) > len(components):
            warm_deadline = started + 0.45 * time_limit
            warm_sizes = [len(c[0]) * max(1, len(c[1])) for c in loose]
            warm_left = sum(warm_sizes)
            report("warm start (parts)", 0, len(loose))
            for part, ((orders, offers), size) in enumerate(zip(loose, warm_sizes, strict=True), start=1):
                now = time.perf_counter()
                share = max(0.05, (warm_deadline - now) * size / max(warm_left, 1))
                warm_left -= size
                sub, omap, fmap = model.restrict(orders, offers)
                sol, _, _, _ = _solve_component(sub, now + share, workers, use_lp, use_heuristic)
                for k, q in sol.items():
                    p = sub.pairs[k]
                    warm[index[(omap[p.order], fmap[p.offer])]] = q
                report("warm start (parts)", part, len(loose))
            if check(model, warm):
                warm = {}
    report("components", 0, len(components))
    for done, ((orders, offers), size) in enumerate(zip(components, sizes, strict=True), start=1):
        now = time.perf_counter()
        share = max(0.05, (deadline - now) * size / max(left, 1))
        left -= size
        sub, omap, fmap = model.restrict(orders, offers)
        initial = None
        if warm:
            back = {(omap[p.order], fmap[p.offer]): n for n, p in enumerate(sub.pairs)}
            initial = {back[(model.pairs[k].order, model.pairs[k].offer)]: q for k, q in warm.items() if (model.pairs[k].order, model.pairs[k].offer) in back}
        sol, sub_bound, status, method = _solve_component(sub, now + share, workers, use_lp, use_heuristic, initial)
        statuses.append(status)
        methods.add(method)
        bound += sub_bound
        # Map the component's pair indices back to the full model's.
        for k, q in sol.items():
            p = sub.pairs[k]
            full[index[(omap[p.order], fmap[p.offer])]] = q
        report("components", done, len(components))
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


def _silent(phase: str, done: int, total: int | None = None) -> None:
    pass


def _solve_component(
    model: Model, deadline: float, workers: int, use_lp: bool, use_heuristic: bool, initial: Solution | None = None,
) -> tuple[Solution, int, str, str]:
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
    start = time.perf_counter()
    # The greedy gets a share of the time of its own (its later variants stop at it).
    if initial and not check(model, initial):
        greedy: Solution = dict(initial)
    else:
        greedy = best_greedy(model, start + 0.3 * (deadline - start)) if use_heuristic else {}
    if check(model, greedy):
        greedy = {}
    if use_heuristic and any(model.split):
        greedy = top_up(model, greedy)
    upper = objective(model, greedy)
    # Building the LP and CP-SAT models costs time in proportion to the pairs (seconds for
    # 100,000 pairs on a loaded machine): skip a stage that cannot pay off before the deadline.
    build = len(model.pairs) / 10_000
    use_lp = use_lp and (not use_heuristic or deadline - time.perf_counter() > 2 * build)
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
    if use_heuristic and greedy and remaining < build:
        # No time left to build CP-SAT's model: the incumbent is the answer.
        bound = lp.bound if lp is not None else 0
        greedy = top_up(model, greedy)
        obj = objective(model, greedy)
        return greedy, min(bound, obj), "OPTIMAL" if obj <= bound else "FEASIBLE", method.replace("+cpsat", "")
    if use_heuristic and not complete and remaining > 2.0 + 2 * build:
        # The heuristics left work out: first search for a placement of everything (only
        # the unplaced work counts), so that the cost search starts from an incumbent that
        # places all that can be placed rather than trading placement against cost.
        placement = solve_cpsat(model, 0.4 * remaining, workers=workers, hint=greedy, costs=False)
        if placement.solution is not None and not check(model, placement.solution):
            placed_now = sum(placement.solution.values())
            if placed_now > sum(greedy.values()) or objective(model, placement.solution) < upper:
                greedy, upper = placement.solution, objective(model, placement.solution)
                complete = placed_now == sum(model.qty)
                method += "+placement"
        remaining = deadline - time.perf_counter()
    if use_heuristic and complete and _lns_applies(model) and remaining > 1.0:
        # First a short CP-SAT run from the incumbent: small instances are proven optimal
        # there. Otherwise large-neighbourhood search for most of the rest (small exact
        # sub-problems improve the incumbent far faster than one big search on few cores);
        # CP-SAT then starts from (and prunes with) that incumbent for the bound and the
        # last improvements.
        first = solve_cpsat(model, 0.2 * remaining, workers=workers, hint=greedy, lp=lp, upper=upper if lp else None, forbid_unplaced=model.lexicographic)
        if first.bound is not None:
            bound = max(bound, first.bound)
        if first.solution is not None and not check(model, first.solution) and objective(model, first.solution) <= upper:
            greedy, upper = first.solution, objective(model, first.solution)
        if first.status == "OPTIMAL" or upper <= bound:
            return greedy, upper, "OPTIMAL", method
        remaining = deadline - time.perf_counter()
        greedy = _lns(model, greedy, time.perf_counter() + 0.65 * remaining, workers, bound)
        upper = objective(model, greedy)
        method += "+lns"
        remaining = deadline - time.perf_counter()
    cp = solve_cpsat(
        model, max(0.5, remaining - 0.3 * build), workers=workers, hint=greedy if use_heuristic else None, lp=lp, upper=upper if lp else None,
        forbid_unplaced=model.lexicographic and complete,
    )
    if cp.bound is not None:
        bound = max(bound, cp.bound)
    if cp.solution is not None and not check(model, cp.solution) and objective(model, cp.solution) <= upper:
        sol = cp.solution
    else:
        sol = greedy
    if use_heuristic and cp.status != "OPTIMAL":
        sol = top_up(model, sol)
    obj = objective(model, sol)
    status = "OPTIMAL" if cp.status == "OPTIMAL" or obj <= bound else "FEASIBLE"
    return sol, obj if status == "OPTIMAL" else min(bound, obj), status, method


def _lns_applies(model: Model) -> bool:
    """Large-neighbourhood search is exact on sub-problems only for pure assignment models
    (whole orders, no shared resources, reservations or share policy)."""
    return not any(model.split) and not model.limits and not model.reserved and not model.share_buyers


def _lns(model: Model, sol: Solution, deadline: float, workers: int, bound: int, seed: int = 7) -> Solution:
    """Large-neighbourhood search for pure assignment models: free the orders on a few
    offers (random ones, or the ones whose orders pay most above their cheapest pair) and
    re-solve them exactly with CP-SAT against every offer's residual capacity, the rest
    fixed; keep improvements. The neighbourhood grows while its sub-problems solve to
    optimality without improving, and shrinks when they time out."""
    rng = random.Random(seed)
    offers = sorted({p.offer for p in model.pairs})
    if len(offers) < 2:
        return sol
    size = 2 if len(offers) > 4 else len(offers)
    best = objective(model, sol)
    back = {(p.order, p.offer): k for k, p in enumerate(model.pairs)}
    cheapest = [min((p.whole_cost for p in (model.pairs[k] for k in ks)), default=0) for ks in model.pairs_by_order()]
    stale = 0
    while time.perf_counter() < deadline - 0.05 and best > bound:
        on: dict[int, list[int]] = {}
        for k in sol:
            on.setdefault(model.pairs[k].offer, []).append(k)
        if rng.random() < 0.3:
            # Guided: offers weighted by how much their orders pay above their cheapest pair.
            regret = {j: 1 + sum(model.pairs[k].whole_cost - cheapest[model.pairs[k].order] for k in ks) for j, ks in on.items()}
            pool = list(regret)
            chosen: set[int] = set()
            while len(chosen) < min(size, len(pool)):
                chosen.add(rng.choices(pool, weights=[regret[j] for j in pool])[0])
        else:
            chosen = set(rng.sample(offers, min(size, len(offers))))
        freed = [k for j in chosen for k in on.get(j, ())]
        if not freed:
            continue
        orders = sorted({model.pairs[k].order for k in freed})
        sub, omap, fmap = model.restrict(orders, offers)
        # Every offer keeps the capacity the fixed orders leave it.
        used = [0] * len(model.offer_ids)
        for k, q in sol.items():
            if model.pairs[k].offer not in chosen:
                used[model.pairs[k].offer] += model.pairs[k].use(q)
        sub.cap = [model.cap[j] - used[j] for j in fmap]
        sub.pairs = [p for p in sub.pairs if p.whole_use <= sub.cap[p.offer]]
        index = {(omap[p.order], fmap[p.offer]): n for n, p in enumerate(sub.pairs)}
        hint = {index[(model.pairs[k].order, model.pairs[k].offer)]: q for k, q in sol.items() if model.pairs[k].offer in chosen}
        budget = min(1.0, deadline - time.perf_counter())
        started = time.perf_counter()
        cp = solve_cpsat(sub, budget, workers=1, hint=hint, forbid_unplaced=True)
        spent = time.perf_counter() - started
        improved = False
        if cp.solution is not None:
            old = sum(model.pairs[k].whole_cost for k in freed)
            new = sum(sub.pairs[n].whole_cost for n in cp.solution)
            if new < old:
                trial = {k: q for k, q in sol.items() if model.pairs[k].offer not in chosen}
                for n, q in cp.solution.items():
                    p = sub.pairs[n]
                    trial[back[(omap[p.order], fmap[p.offer])]] = q
                if not check(model, trial) and objective(model, trial) < best:
                    sol, best = trial, objective(model, trial)
                    improved = True
        if improved:
            stale = 0
        elif cp.status == "OPTIMAL" and spent < budget / 2:
            stale += 1
            if stale >= 8 and size < max(2, len(offers) // 2):
                size, stale = size + 1, 0
        elif cp.status != "OPTIMAL" and size > 2:
            size -= 1
    return sol
