"""GLOP relaxation (a bound, and reduced costs to fix pairs) and the CP-SAT integral model."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from matching.engine.heuristic import Solution
from matching.engine.model import Model


@dataclass
class LPResult:
    bound: int
    objective: float
    reduced_costs: dict[int, float]
    values: dict[int, float]
    optimal: bool


def _core_expr_terms(model: Model):  # noqa: ANN202
    """Per buyer under the share policy: the pair indices of its orders and which are core."""
    terms: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    share = set(model.share_buyers)
    for k, p in enumerate(model.pairs):
        b = model.buyer[p.order]
        if b in share:
            terms[b].append((k, p.tier == "core"))
    return terms


def solve_lp(model: Model, time_limit: float = 10.0) -> LPResult | None:
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    solver.SetTimeLimit(int(time_limit * 1000))
    inf = solver.infinity()
    by_order = model.pairs_by_order()
    # The lexicographic penalties for unplaced work are too large for GLOP's tolerances;
    # a smaller penalty only lowers the relaxation, so its value stays a valid bound and
    # its reduced costs stay valid for fixing (the true objective is pointwise larger).
    worst = [0] * len(model.order_ids)
    for p in model.pairs:
        worst[p.order] = max(worst[p.order], abs(p.unit_cost) * model.qty[p.order], abs(p.whole_cost))
    unit_penalty = [min(model.unit_penalty[i], -(-(20 * worst[i] + 1000) // model.qty[i])) for i in range(len(model.order_ids))]
    x = {}
    qty_expr = {}
    use_expr = {}
    objective = 0
    switch_vars = []
    for i, ks in enumerate(by_order):
        if not ks:
            continue
        if model.split[i]:
            u = solver.NumVar(0, model.qty[i], f"u{i}")
            total = u
            ys = []
            for k in ks:
                p = model.pairs[k]
                q = solver.NumVar(0, model.qty[i], f"q{k}")
                y = solver.NumVar(0, 1, f"y{k}")
                solver.Add(q <= model.qty[i] * y)
                solver.Add(q >= min(p.min_qty, model.qty[i]) * y)
                x[k] = q
                qty_expr[k] = q
                use_expr[k] = q * (p.use_num / p.use_den)
                objective += p.unit_cost * q
                total += q
                ys.append(y)
            solver.Add(total == model.qty[i])
            s = solver.NumVar(0, inf, f"s{i}")
            solver.Add(s >= sum(ys) - 1)
            switch_vars.append(s)
            objective += unit_penalty[i] * u
        else:
            u = solver.NumVar(0, 1, f"u{i}")
            total = u
            for k in ks:
                p = model.pairs[k]
                v = solver.NumVar(0, 1, f"x{k}")
                x[k] = v
                qty_expr[k] = model.qty[i] * v
                use_expr[k] = p.whole_use * v
                objective += p.whole_cost * v
                total += v
            solver.Add(total == 1)
            objective += unit_penalty[i] * model.qty[i] * u
    objective += model.switch_cost * sum(switch_vars)
    _capacity_rows(model, solver.Add, use_expr)
    objective += _share_rows(model, solver, qty_expr, lp=True)
    solver.Minimize(objective)
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL,):
        return None
    value = solver.Objective().Value()
    bound = math.ceil(value - 1e-6 * max(1.0, abs(value)))
    rcs = {k: v.reduced_cost() for k, v in x.items() if not model.split[model.pairs[k].order]}
    vals = {k: v.solution_value() for k, v in x.items()}
    return LPResult(bound=bound, objective=value, reduced_costs=rcs, values=vals, optimal=True)


def _capacity_rows(model: Model, add, use_expr) -> None:  # noqa: ANN001
    by_offer: dict[int, list[int]] = defaultdict(list)
    for k in use_expr:
        by_offer[model.pairs[k].offer].append(k)
    for j, ks in by_offer.items():
        add(sum(use_expr[k] for k in ks) <= model.cap[j])
    for offers, cap in model.limits:
        ks = [k for j in offers for k in by_offer.get(j, ())]
        if ks:
            add(sum(use_expr[k] for k in ks) <= cap)
    for j, buyer, units in model.reserved:
        ks = [k for k in by_offer.get(j, ()) if model.buyer[model.pairs[k].order] != buyer]
        if ks:
            add(sum(use_expr[k] for k in ks) <= model.cap[j] - units)


def _share_rows(model: Model, solver, qty_expr, lp: bool, hint: Solution | None = None):  # noqa: ANN001, ANN202
    pol = model.policy
    penalty = 0
    for b, terms in _core_expr_terms(model).items():
        t = sum(qty_expr[k] for k, _ in terms if k in qty_expr)
        c = sum(qty_expr[k] for k, core in terms if core and k in qty_expr)
        e = t - c
        rows = [pol.core_min_pct * t - 100 * c, pol.external_min_pct * t - 100 * e, 100 * e - pol.external_max_pct * t]
        if hint is not None:
            ht = sum(q for k, q in hint.items() if model.buyer[model.pairs[k].order] == b)
            hc = sum(q for k, q in hint.items() if model.buyer[model.pairs[k].order] == b and model.pairs[k].tier == "core")
            he = ht - hc
            hinted = [pol.core_min_pct * ht - 100 * hc, pol.external_min_pct * ht - 100 * he, 100 * he - pol.external_max_pct * ht]
        for n, row in enumerate(rows):
            if pol.hard_shares:
                solver.Add(row <= 0)
            else:
                if lp:
                    v = solver.NumVar(0, solver.infinity(), f"v{b}{n}")
                else:
                    v = solver.NewIntVar(0, 100 * sum(model.qty), f"v{b}{n}")
                    if hint is not None:
                        solver.AddHint(v, max(0, hinted[n]))
                solver.Add(v >= row)
                penalty += pol.share_penalty * v
    return penalty


@dataclass
class CPResult:
    status: str
    solution: Solution | None
    objective: int | None
    bound: int | None
    fixed: int


def solve_cpsat(
    model: Model,
    time_limit: float,
    workers: int = 2,
    hint: Solution | None = None,
    lp: LPResult | None = None,
    upper: int | None = None,
    params: dict[str, object] | None = None,
    forbid_unplaced: bool = False,
) -> CPResult:
    """The integral model. With an LP result and an incumbent objective `upper`, pairs whose
    reduced cost proves they cannot be in any better solution are left out (exact
    reduced-cost fixing). `forbid_unplaced` (exact when penalties are lexicographic and the
    incumbent places everything) drops the unplaced option from the search."""
    m = cp_model.CpModel()
    by_order = model.pairs_by_order()
    fixed = 0
    skip: set[int] = set()
    if lp is not None and upper is not None:
        margin = 1.0 + 1e-7 * abs(upper)
        for k, rc in lp.reduced_costs.items():
            if lp.objective + rc > upper + margin and (hint is None or k not in hint):
                skip.add(k)
        fixed = len(skip)
    x: dict[int, cp_model.IntVar] = {}
    qty_expr: dict[int, object] = {}
    use_expr: dict[int, object] = {}
    obj = []
    constant = 0
    for i, ks in enumerate(by_order):
        if not ks:
            continue
        ks = [k for k in ks if k not in skip]
        if not ks:
            # Every pair of this order is fixed out: it stays unplaced, at its penalty.
            constant += model.whole_penalty(i)
            continue
        if model.split[i]:
            u = m.NewIntVar(0, model.qty[i], f"u{i}")
            ys = []
            total = [u]
            for k in ks:
                p = model.pairs[k]
                q = m.NewIntVar(0, model.qty[i], f"q{k}")
                y = m.NewBoolVar(f"y{k}")
                m.Add(q >= min(p.min_qty, model.qty[i]) * y)
                m.Add(q <= model.qty[i] * y)
                if p.use_num == p.use_den:
                    h = q
                else:
                    h = m.NewIntVar(0, -(-model.qty[i] * p.use_num // p.use_den), f"h{k}")
                    m.Add(p.use_den * h >= p.use_num * q)
                x[k] = q
                qty_expr[k] = q
                use_expr[k] = h
                obj.append(p.unit_cost * q)
                total.append(q)
                ys.append(y)
            m.Add(sum(total) == model.qty[i])
            if forbid_unplaced:
                m.Add(u == 0)
            switch = None
            if len(ys) > 1 and model.switch_cost:
                switch = m.NewIntVar(0, len(ys), f"s{i}")
                m.Add(switch >= sum(ys) - 1)
                obj.append(model.switch_cost * switch)
            obj.append(model.unit_penalty[i] * u)
            if hint is not None:
                placed = 0
                for k, y in zip(ks, ys, strict=True):
                    q = hint.get(k, 0)
                    m.AddHint(x[k], q)
                    m.AddHint(y, 1 if q else 0)
                    if use_expr[k] is not x[k]:
                        m.AddHint(use_expr[k], model.pairs[k].use(q))
                    placed += q
                m.AddHint(u, model.qty[i] - placed)
                if switch is not None:
                    m.AddHint(switch, max(0, sum(1 for k in ks if hint.get(k, 0)) - 1))
        else:
            u = m.NewBoolVar(f"u{i}")
            lits = [u]
            for k in ks:
                p = model.pairs[k]
                v = m.NewBoolVar(f"x{k}")
                x[k] = v
                qty_expr[k] = model.qty[i] * v
                use_expr[k] = p.whole_use * v
                obj.append(p.whole_cost * v)
                lits.append(v)
            m.AddExactlyOne(lits)
            if forbid_unplaced:
                m.Add(u == 0)
            obj.append(model.whole_penalty(i) * u)
            if hint is not None:
                assigned = False
                for k in ks:
                    m.AddHint(x[k], 1 if k in hint else 0)
                    assigned = assigned or k in hint
                m.AddHint(u, 0 if assigned else 1)
    _capacity_rows(model, m.Add, use_expr)
    share_penalty = _share_rows(model, m, qty_expr, lp=False, hint=hint)
    m.Minimize(sum(obj) + share_penalty + constant)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    solver.parameters.num_search_workers = workers
    for name, value in (params or {}).items():
        setattr(solver.parameters, name, value)
    status = solver.Solve(m)
    name = solver.StatusName(status)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        sol: Solution = {}
        for k, v in x.items():
            val = solver.Value(v)
            if val:
                sol[k] = model.qty[model.pairs[k].order] if not model.split[model.pairs[k].order] else val
        return CPResult(name, sol, int(round(solver.ObjectiveValue())), int(math.ceil(solver.BestObjectiveBound() - 1e-6)), fixed)
    bound = None
    if status == cp_model.INFEASIBLE:
        return CPResult(name, None, None, None, fixed)
    return CPResult(name, None, None, bound, fixed)
