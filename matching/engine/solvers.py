"""GLOP relaxation (a bound, and reduced costs to fix pairs) and the CP-SAT integral model."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
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
    """The linear relaxation, built through GLOP's coefficient API (building expression
    trees in Python costs more than solving for 100,000 pairs)."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    solver.SetTimeLimit(int(time_limit * 1000))
    inf = solver.infinity()
    objective = solver.Objective()
    by_order = model.pairs_by_order()
    # The lexicographic penalties for unplaced work are too large for GLOP's tolerances;
    # a smaller penalty only lowers the relaxation, so its value stays a valid bound and
    # its reduced costs stay valid for fixing (the true objective is pointwise larger).
    worst = [0] * len(model.order_ids)
    for p in model.pairs:
        worst[p.order] = max(worst[p.order], abs(p.unit_cost) * model.qty[p.order], abs(p.whole_cost))
    unit_penalty = [min(model.unit_penalty[i], -(-(20 * worst[i] + 1000) // model.qty[i])) for i in range(len(model.order_ids))]
    x = {}
    qty_of: dict[int, float] = {}
    use_of: dict[int, float] = {}
    for i, ks in enumerate(by_order):
        if not ks:
            continue
        qty = model.qty[i]
        if model.split[i]:
            u = solver.NumVar(0, qty, "")
            objective.SetCoefficient(u, unit_penalty[i])
            total = solver.Constraint(qty, qty)
            total.SetCoefficient(u, 1)
            switch = solver.NumVar(0, inf, "")
            objective.SetCoefficient(switch, model.switch_cost)
            switches = solver.Constraint(-inf, 1)  # sum(y) - switch <= 1
            switches.SetCoefficient(switch, -1)
            for k in ks:
                p = model.pairs[k]
                q = solver.NumVar(0, qty, "")
                y = solver.NumVar(0, 1, "")
                upper = solver.Constraint(-inf, 0)
                upper.SetCoefficient(q, 1)
                upper.SetCoefficient(y, -qty)
                lower = solver.Constraint(-inf, 0)
                lower.SetCoefficient(q, -1)
                lower.SetCoefficient(y, min(p.min_qty, qty))
                objective.SetCoefficient(q, p.unit_cost)
                total.SetCoefficient(q, 1)
                switches.SetCoefficient(y, 1)
                x[k], qty_of[k], use_of[k] = q, 1.0, p.use_num / p.use_den
        else:
            u = solver.NumVar(0, 1, "")
            objective.SetCoefficient(u, unit_penalty[i] * qty)
            total = solver.Constraint(1, 1)
            total.SetCoefficient(u, 1)
            for k in ks:
                p = model.pairs[k]
                v = solver.NumVar(0, 1, "")
                objective.SetCoefficient(v, p.whole_cost)
                total.SetCoefficient(v, 1)
                x[k], qty_of[k], use_of[k] = v, float(qty), float(p.whole_use)
    for ks, cap in capacity_groups(model, x):
        c = solver.Constraint(-inf, cap)
        for k in ks:
            c.SetCoefficient(x[k], use_of[k])
    pol = model.policy
    for terms in _core_expr_terms(model).values():
        # core_min t - 100 c, ext_min t - 100 e, 100 e - ext_max t (e = t - c), each <= v (soft) or <= 0 (hard).
        rows = []
        for _ in range(3):
            c = solver.Constraint(-inf, 0)
            if not pol.hard_shares:
                v = solver.NumVar(0, inf, "")
                objective.SetCoefficient(v, pol.share_penalty)
                c.SetCoefficient(v, -1)
            rows.append(c)
        for k, core in terms:
            if k not in x:
                continue
            f = qty_of[k]
            rows[0].SetCoefficient(x[k], f * (pol.core_min_pct - 100 * core))
            rows[1].SetCoefficient(x[k], f * (pol.external_min_pct - 100 * (not core)))
            rows[2].SetCoefficient(x[k], f * (100 * (not core) - pol.external_max_pct))
    objective.SetMinimization()
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL,):
        return None
    value = objective.Value()
    bound = math.ceil(value - 1e-6 * max(1.0, abs(value)))
    rcs = {k: v.reduced_cost() for k, v in x.items() if not model.split[model.pairs[k].order]}
    vals = {k: v.solution_value() for k, v in x.items()}
    return LPResult(bound=bound, objective=value, reduced_costs=rcs, values=vals, optimal=True)


def capacity_groups(model: Model, keys: Iterable[int]) -> Iterator[tuple[list[int], int]]:
    """The capacity rows of a model over the pairs `keys`, as (pairs, capacity): each offer,
    each shared resource limit, and each offer less what partners of other buyers reserve.
    The LP relaxation and the CP-SAT model state the same rows."""
    by_offer: dict[int, list[int]] = defaultdict(list)
    for k in keys:
        by_offer[model.pairs[k].offer].append(k)
    for j, ks in by_offer.items():
        yield ks, model.cap[j]
    for offers, cap in model.limits:
        ks = [k for j in offers for k in by_offer.get(j, ())]
        if ks:
            yield ks, cap
    for j, holders, units in model.reserved:
        ks = [k for k in by_offer.get(j, ()) if model.buyer[model.pairs[k].order] not in holders]
        if ks:
            yield ks, model.cap[j] - units


def _capacity_rows(model: Model, m: cp_model.CpModel, use_expr: dict[int, tuple[cp_model.IntVar, int]]) -> None:
    for ks, cap in capacity_groups(model, use_expr):
        m.Add(cp_model.LinearExpr.WeightedSum([use_expr[k][0] for k in ks], [use_expr[k][1] for k in ks]) <= cap)


def _share_rows(model: Model, m: cp_model.CpModel, qty_expr: dict[int, tuple[cp_model.IntVar, int]], hint: Solution | None = None) -> list[tuple[cp_model.IntVar, int]]:
    """The band rows per buyer (core_min t - 100 c, ext_min t - 100 e, 100 e - ext_max t,
    e = t - c): each <= 0 when hard, else <= a violation variable; returns the
    (violation, share_penalty) cost terms."""
    pol = model.policy
    penalty = []
    for b, terms in _core_expr_terms(model).items():
        present = [(k, core) for k, core in terms if k in qty_expr]
        variables = [qty_expr[k][0] for k, _ in present]
        factors = [qty_expr[k][1] for k, _ in present]
        coefs = [
            [f * (pol.core_min_pct - 100 * core) for (_, core), f in zip(present, factors, strict=True)],
            [f * (pol.external_min_pct - 100 * (not core)) for (_, core), f in zip(present, factors, strict=True)],
            [f * (100 * (not core) - pol.external_max_pct) for (_, core), f in zip(present, factors, strict=True)],
        ]
        if hint is not None:
            ht = sum(q for k, q in hint.items() if model.buyer[model.pairs[k].order] == b)
            hc = sum(q for k, q in hint.items() if model.buyer[model.pairs[k].order] == b and model.pairs[k].tier == "core")
            he = ht - hc
            hinted = [pol.core_min_pct * ht - 100 * hc, pol.external_min_pct * ht - 100 * he, 100 * he - pol.external_max_pct * ht]
        for n, row in enumerate(coefs):
            expr = cp_model.LinearExpr.WeightedSum(variables, row)
            if pol.hard_shares:
                m.Add(expr <= 0)
            else:
                v = m.NewIntVar(0, 100 * sum(model.qty), f"v{b}{n}")
                if hint is not None:
                    m.AddHint(v, max(0, hinted[n]))
                m.Add(expr <= v)
                penalty.append((v, pol.share_penalty))
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
    costs: bool = True,
) -> CPResult:
    """The integral model. With an LP result and an incumbent objective `upper`, pairs whose
    reduced cost proves they cannot be in any better solution are left out (exact
    reduced-cost fixing). `forbid_unplaced` (exact when penalties are lexicographic and the
    incumbent places everything) drops the unplaced option from the search. Without
    `costs` only unplaced work counts (a placement search; hard constraints unchanged)."""
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
    # (variable, coefficient) terms: weighted sums build far faster than expression trees.
    qty_expr: dict[int, tuple[cp_model.IntVar, int]] = {}
    use_expr: dict[int, tuple[cp_model.IntVar, int]] = {}
    obj_vars: list[cp_model.IntVar] = []
    obj_coefs: list[int] = []

    def cost(var: cp_model.IntVar, coef: int) -> None:
        obj_vars.append(var)
        obj_coefs.append(coef)

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
                qty_expr[k] = (q, 1)
                use_expr[k] = (h, 1)
                if costs:
                    cost(q, p.unit_cost)
                total.append(q)
                ys.append(y)
            m.Add(cp_model.LinearExpr.Sum(total) == model.qty[i])
            if forbid_unplaced:
                m.Add(u == 0)
            switch = None
            if len(ys) > 1 and model.switch_cost and costs:
                switch = m.NewIntVar(0, len(ys), f"s{i}")
                m.Add(switch >= cp_model.LinearExpr.Sum(ys) - 1)
                cost(switch, model.switch_cost)
            cost(u, model.unit_penalty[i])
            if hint is not None:
                placed = 0
                for k, y in zip(ks, ys, strict=True):
                    q = hint.get(k, 0)
                    m.AddHint(x[k], q)
                    m.AddHint(y, 1 if q else 0)
                    if use_expr[k][0] is not x[k]:
                        m.AddHint(use_expr[k][0], model.pairs[k].use(q))
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
                qty_expr[k] = (v, model.qty[i])
                use_expr[k] = (v, p.whole_use)
                if costs:
                    cost(v, p.whole_cost)
                lits.append(v)
            m.AddExactlyOne(lits)
            if forbid_unplaced:
                m.Add(u == 0)
            cost(u, model.whole_penalty(i))
            if hint is not None:
                assigned = False
                for k in ks:
                    m.AddHint(x[k], 1 if k in hint else 0)
                    assigned = assigned or k in hint
                m.AddHint(u, 0 if assigned else 1)
    _capacity_rows(model, m, use_expr)
    for var, coef in _share_rows(model, m, qty_expr, hint=hint):
        if costs:
            cost(var, coef)
    m.Minimize(cp_model.LinearExpr.WeightedSum(obj_vars, obj_coefs) + constant)
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
