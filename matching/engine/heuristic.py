"""Regret-based greedy construction plus a shift / ejection local search.

It gives every solve a feasible incumbent quickly (the warm start of CP-SAT, and the answer
when the solver finds nothing within its time limit)."""

from __future__ import annotations

import heapq
import time
from collections import defaultdict

from matching.engine.model import Model

Solution = dict[int, int]
"""pair index -> quantity placed on it."""


class State:
    """Capacity bookkeeping shared by the heuristic, the checker and the explanations."""

    def __init__(self, model: Model) -> None:
        self.m = model
        self.used = [0] * len(model.offer_ids)
        self.limit_used = [0] * len(model.limits)
        self.limits_of: dict[int, list[int]] = defaultdict(list)
        for n, (offers, _) in enumerate(model.limits):
            for j in offers:
                self.limits_of[j].append(n)
        self.reserved_of: dict[int, list[tuple[tuple[str | None, ...], int]]] = defaultdict(list)
        for j, holders, units in model.reserved:
            self.reserved_of[j].append((holders, units))
        self.used_by: dict[int, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))

    def room(self, k: int) -> int:
        """Capacity (offer unit) still usable by pair k."""
        p = self.m.pairs[k]
        j = p.offer
        free = self.m.cap[j] - self.used[j]
        for n in self.limits_of.get(j, ()):
            free = min(free, self.m.limits[n][1] - self.limit_used[n])
        buyer = self.m.buyer[p.order]
        for holders, units in self.reserved_of.get(j, ()):
            if buyer not in holders:
                free = min(free, self.m.cap[j] - units - self.others_used(j, holders))
        return free

    def others_used(self, j: int, holders: tuple[str | None, ...]) -> int:
        """Capacity of offer j used by buyers other than `holders`."""
        return self.used[j] - sum(self.used_by[j][h] for h in holders)

    def fits(self, k: int, qty: int) -> bool:
        return self.m.pairs[k].use(qty) <= self.room(k)

    def max_qty(self, k: int, limit: int) -> int:
        p = self.m.pairs[k]
        room = self.room(k)
        if room <= 0:
            return 0
        return min(limit, room * p.use_den // p.use_num)

    def add(self, k: int, qty: int, sign: int = 1) -> None:
        p = self.m.pairs[k]
        use = p.use(qty) * sign
        self.used[p.offer] += use
        for n in self.limits_of.get(p.offer, ()):
            self.limit_used[n] += use
        self.used_by[p.offer][self.m.buyer[p.order]] += use


def pair_cost(model: Model, k: int, qty: int) -> int:
    p = model.pairs[k]
    return p.whole_cost if not model.split[p.order] else p.unit_cost * qty


def objective(model: Model, sol: Solution) -> int:
    """The full objective of a solution: pair costs, switching, unassigned penalties, shares."""
    total = 0
    placed = [0] * len(model.order_ids)
    count = [0] * len(model.order_ids)
    qty_by_buyer: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    for k, q in sol.items():
        if q <= 0:
            continue
        p = model.pairs[k]
        total += pair_cost(model, k, q)
        placed[p.order] += q
        count[p.order] += 1
        qty_by_buyer[model.buyer[p.order]][0] += q
        if p.tier == "core":
            qty_by_buyer[model.buyer[p.order]][1] += q
    for i in range(len(model.order_ids)):
        if model.split[i]:
            total += model.unit_penalty[i] * (model.qty[i] - placed[i])
            total += model.switch_cost * max(0, count[i] - 1)
        elif placed[i] == 0:
            total += model.whole_penalty(i)
    total += model.policy.share_penalty * share_violation(model, qty_by_buyer)
    return total


def share_violation(model: Model, qty_by_buyer: dict[str | None, list[int]]) -> int:
    pol = model.policy
    out = 0
    for b in model.share_buyers:
        t, c = qty_by_buyer.get(b, [0, 0])
        e = t - c
        out += max(0, pol.core_min_pct * t - 100 * c) + max(0, pol.external_min_pct * t - 100 * e) + max(0, 100 * e - pol.external_max_pct * t)
    return out


def check(model: Model, sol: Solution) -> list[str]:
    """Violations of the hard constraints (empty when the solution is feasible)."""
    problems: list[str] = []
    state = State(model)
    per_order: dict[int, list[int]] = defaultdict(list)
    for k, q in sol.items():
        if q <= 0:
            continue
        p = model.pairs[k]
        per_order[p.order].append(k)
        if q < p.min_qty:
            problems.append(f"{model.order_ids[p.order]} on {model.offer_ids[p.offer]}: {q} below minimum batch {p.min_qty}")
        state.add(k, q)
    for i, ks in per_order.items():
        total = sum(sol[k] for k in ks)
        if total > model.qty[i]:
            problems.append(f"{model.order_ids[i]} over-assigned")
        if not model.split[i] and (len(ks) > 1 or total != model.qty[i]):
            problems.append(f"{model.order_ids[i]} may not be split")
    for j, used in enumerate(state.used):
        if used > model.cap[j]:
            problems.append(f"offer {model.offer_ids[j]} over capacity ({used} > {model.cap[j]})")
    for n, (_, cap) in enumerate(model.limits):
        if state.limit_used[n] > cap:
            problems.append(f"shared resource limit {n} exceeded")
    for j, holders, units in model.reserved:
        if state.others_used(j, holders) > model.cap[j] - units:
            problems.append(f"offer {model.offer_ids[j]}: capacity reserved for partner buyers used by others")
    if model.policy.hard_shares:
        qty_by_buyer: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
        for k, q in sol.items():
            p = model.pairs[k]
            qty_by_buyer[model.buyer[p.order]][0] += q
            if p.tier == "core":
                qty_by_buyer[model.buyer[p.order]][1] += q
        if share_violation(model, qty_by_buyer):
            problems.append("core / external share policy violated")
    return problems


def lp_rounding(model: Model, values: dict[int, float], deadline: float | None = None) -> Solution:
    """Place each whole order on its largest LP value pair that fits, and the integral part
    of each splittable order's LP quantities (at or above minimum batch); the regret greedy
    places what is left."""
    state = State(model)
    sol: Solution = {}
    ranked = sorted(((v, k) for k, v in values.items() if v > 1e-6), reverse=True)
    done: set[int] = set()
    for v, k in ranked:
        p = model.pairs[k]
        i = p.order
        if model.split[i]:
            q = min(int(v + 1e-6), model.qty[i] - sum(q2 for k2, q2 in sol.items() if model.pairs[k2].order == i))
            q = min(q, state.max_qty(k, q))
            if q >= p.min_qty:
                sol[k] = q
                state.add(k, q)
        elif i not in done and v >= 0.5 and state.fits(k, model.qty[i]):
            sol[k] = model.qty[i]
            state.add(k, model.qty[i])
            done.add(i)
    return regret_greedy(model, deadline, initial=sol)


def best_greedy(model: Model, deadline: float | None = None) -> Solution:
    """The regret greedy under several desirability measures (cost; capacity share used;
    cost plus a capacity charge), each followed by local search; the best feasible wins.
    Cost alone packs badly when capacity is tight, the capacity measures find complete
    assignments there (as in Martello and Toth's MTHG)."""
    best: Solution = {}
    best_value: int | None = None
    max_cost = max((abs(p.whole_cost) for p in model.pairs), default=1) or 1
    scores = [
        None,
        lambda k: model.pairs[k].whole_use / max(model.cap[model.pairs[k].offer], 1),
        lambda k: model.pairs[k].whole_cost + max_cost * model.pairs[k].whole_use / max(model.cap[model.pairs[k].offer], 1),
    ]
    for score in scores if not all(model.split) else scores[:1]:
        if deadline is not None and best and time.perf_counter() > deadline:
            break
        # The first variant always finishes its construction (an incumbent that places what
        # it can); later ones stop at the deadline.
        sol = regret_greedy(model, deadline, score=score, finish=not best)
        if check(model, sol):
            continue
        value = objective(model, sol)
        if best_value is None or value < best_value:
            best, best_value = sol, value
    return best


def regret_greedy(model: Model, deadline: float | None = None, initial: Solution | None = None, score=None, finish: bool = False) -> Solution:  # noqa: ANN001
    """Regret greedy: place next the order that would lose most by not getting its best
    offer (Martello-Toth); `score` replaces the whole-order cost as desirability."""
    by_order = model.pairs_by_order()
    key = [
        sorted(ks, key=lambda k: (model.pairs[k].unit_cost if model.split[i] else model.pairs[k].whole_cost, k))
        for i, ks in enumerate(by_order)
    ]
    pick = [sorted(ks, key=lambda k: (score(k), k)) if score is not None and not model.split[i] else key[i] for i, ks in enumerate(by_order)]
    state = State(model)
    sol: Solution = dict(initial or {})
    remaining = list(model.qty)
    for k, q in sol.items():
        state.add(k, q)
        remaining[model.pairs[k].order] -= q

    def best_two(i: int) -> tuple[int | None, float, float]:
        first: int | None = None
        c1 = c2 = None
        need_split = model.split[i]
        for k in pick[i]:
            p = model.pairs[k]
            if need_split:
                if k in sol or state.max_qty(k, remaining[i]) < min(p.min_qty, remaining[i]) or remaining[i] < p.min_qty:
                    continue
                cost = p.unit_cost * remaining[i]
            else:
                if not state.fits(k, model.qty[i]):
                    continue
                cost = p.whole_cost if score is None else score(k)
            if first is None:
                first, c1 = k, cost
            else:
                c2 = cost
                break
        if first is None:
            return None, 0.0, 0.0
        penalty = model.unit_penalty[i] * remaining[i] if score is None or need_split else 1e18
        return first, float(c1), float((c2 if c2 is not None else penalty) - c1)

    heap: list[tuple[float, int]] = []
    for i in range(len(model.order_ids)):
        if key[i] and remaining[i] > 0 and (model.split[i] or remaining[i] == model.qty[i]):
            _, _, regret = best_two(i)
            heapq.heappush(heap, (-regret, i))
    while heap:
        neg, i = heapq.heappop(heap)
        if remaining[i] <= 0:
            continue
        k, _, regret = best_two(i)
        if k is None:
            continue
        if regret < -neg - 1e-9 and heap and -heap[0][0] > regret:
            heapq.heappush(heap, (-regret, i))
            continue
        if model.split[i]:
            q = state.max_qty(k, remaining[i])
            sol[k] = q
            state.add(k, q)
            remaining[i] -= q
            if remaining[i] > 0:
                heapq.heappush(heap, (-best_two(i)[2], i))
        else:
            sol[k] = model.qty[i]
            state.add(k, model.qty[i])
            remaining[i] = 0
        if deadline is not None and not finish and time.perf_counter() > deadline:
            break
    return improve(model, sol, state, key, deadline)


def improve(model: Model, sol: Solution, state: State, key: list[list[int]], deadline: float | None) -> Solution:
    """Shift whole orders to cheaper offers with room, and place unassigned whole orders by
    moving one blocking order elsewhere (an ejection chain of depth one)."""
    at: dict[int, int] = {}
    for k in sol:
        at[model.pairs[k].order] = k
    on_offer: dict[int, set[int]] = defaultdict(set)
    for k in sol:
        on_offer[model.pairs[k].offer].add(k)

    def move(i: int, old: int | None, new: int | None) -> None:
        if old is not None:
            state.add(old, model.qty[i], -1)
            del sol[old]
            on_offer[model.pairs[old].offer].discard(old)
            at.pop(i, None)
        if new is not None:
            state.add(new, model.qty[i])
            sol[new] = model.qty[i]
            on_offer[model.pairs[new].offer].add(new)
            at[i] = new

    pair_of = {(p.order, p.offer): k for k, p in enumerate(model.pairs)}

    improved = True
    rounds = 0
    while improved and rounds < 20:
        improved = False
        rounds += 1
        for i in range(len(model.order_ids)):
            if model.split[i] or not key[i]:
                continue
            if deadline is not None and time.perf_counter() > deadline:
                return sol
            cur = at.get(i)
            cur_cost = model.pairs[cur].whole_cost if cur is not None else model.whole_penalty(i)
            for k in key[i]:
                if model.pairs[k].whole_cost >= cur_cost:
                    break
                if cur is not None and model.pairs[k].offer == model.pairs[cur].offer:
                    continue
                if state.fits(k, model.qty[i]):
                    move(i, cur, k)
                    improved = True
                    break
                if cur is None:
                    # Eject one order from this offer to another offer with room.
                    if _eject_for(model, state, sol, at, on_offer, key, i, k, move):
                        improved = True
                        break
                elif _swap(model, state, sol, at, on_offer, pair_of, i, cur, k, move):
                    improved = True
                    break
    return sol


def _swap(model, state, sol, at, on_offer, pair_of, i, cur, k, move) -> bool:  # noqa: ANN001
    """Exchange order i (on cur's offer) with an order o on k's offer when o can go to
    cur's offer, both fit after the exchange and the total cost falls."""
    here, there = model.pairs[cur].offer, model.pairs[k].offer
    gain_i = model.pairs[cur].whole_cost - model.pairs[k].whole_cost
    for other in list(on_offer[there]):
        o = model.pairs[other].order
        if model.split[o] or o == i:
            continue
        back = pair_of.get((o, here))
        if back is None:
            continue
        if gain_i + model.pairs[other].whole_cost - model.pairs[back].whole_cost <= 0:
            continue
        state.add(cur, model.qty[i], -1)
        state.add(other, model.qty[o], -1)
        ok = state.fits(k, model.qty[i])
        if ok:
            state.add(k, model.qty[i])
            ok = state.fits(back, model.qty[o])
            state.add(k, model.qty[i], -1)
        state.add(cur, model.qty[i])
        state.add(other, model.qty[o])
        if ok:
            move(o, other, None)
            move(i, cur, k)
            move(o, None, back)
            return True
    return False


def _eject_for(model, state, sol, at, on_offer, key, i, k, move) -> bool:  # noqa: ANN001
    target = model.pairs[k].offer
    for other in list(on_offer[target]):
        o = model.pairs[other].order
        if model.split[o]:
            continue
        state.add(other, model.qty[o], -1)
        fits_new = state.fits(k, model.qty[i])
        state.add(other, model.qty[o])
        if not fits_new:
            continue
        for alt in key[o]:
            if model.pairs[alt].offer == target:
                continue
            state.add(other, model.qty[o], -1)
            ok = state.fits(alt, model.qty[o])
            state.add(other, model.qty[o])
            if ok:
                move(o, other, alt)
                if state.fits(k, model.qty[i]):
                    move(i, None, k)
                    return True
                move(o, alt, other)
                break
    return False


def top_up(model: Model, sol: Solution) -> Solution:
    """Place what is left of partly placed splittable orders on their pairs with room
    (adding to a part already there, or a new part of at least the minimum batch),
    cheapest first, whenever that lowers the objective."""
    state = State(model)
    placed = [0] * len(model.order_ids)
    for k, q in sol.items():
        state.add(k, q)
        placed[model.pairs[k].order] += q
    by_order = model.pairs_by_order()
    best = objective(model, sol)
    for i, ks in enumerate(by_order):
        if not model.split[i] or placed[i] >= model.qty[i] or placed[i] == 0:
            continue
        for k in sorted(ks, key=lambda k: (model.pairs[k].unit_cost, k)):
            missing = model.qty[i] - placed[i]
            if missing <= 0:
                break
            p = model.pairs[k]
            cur = sol.get(k, 0)
            room = state.room(k)
            if room <= 0:
                continue
            most = (p.use(cur) + room) * p.use_den // p.use_num
            extra = min(missing, most - cur)
            if extra <= 0 or cur + extra < p.min_qty:
                continue
            trial = dict(sol)
            trial[k] = cur + extra
            value = objective(model, trial)
            if value < best and not check(model, trial):
                state.add(k, cur, -1)
                state.add(k, cur + extra)
                sol, best = trial, value
                placed[i] += extra
    return sol
