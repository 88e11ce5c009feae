"""An exact oracle for the matching engine, written from the model's specification and
sharing no code with the solvers: it enumerates every assignment of a tiny model.

The specification (matching/engine/model.py, types.Policy):
- a whole order goes to one eligible offer or stays out (cost: quantity x unit penalty);
- a splittable order puts 0 or at least the pair's minimum batch on each eligible offer,
  at most its quantity in all; each unplaced piece costs the unit penalty, each offer
  beyond the first costs the switching cost;
- capacity: an offer's use (whole: the pair's whole use; split: ceil(q x num / den)) stays
  within its capacity, a shared resource's within the resource's, and every partner
  reservation keeps the part its holder has not used free (all use + unused reserved
  units <= capacity);
- the share band is one condition per buyer over ALL its placed orders (the buyers with a
  core pair): violation = max(0, core_min x t - 100 c) + max(0, ext_min x t - 100 e) +
  max(0, 100 e - ext_max x t) in 1/100 pieces; hard: it must be 0; soft: it costs
  share_penalty per unit.
"""

from __future__ import annotations

import itertools
from collections import defaultdict


def _split_options(model, i: int, ks: list[int]) -> list[dict[int, int]]:
    qty = model.qty[i]
    per_pair = [[0] + list(range(max(1, model.pairs[k].min_qty), qty + 1)) for k in ks]
    out = []
    for combo in itertools.product(*per_pair):
        if sum(combo) <= qty:
            out.append({k: q for k, q in zip(ks, combo, strict=True) if q})
    return out


def evaluate(model, sol: dict[int, int]) -> int | None:
    """The objective of an assignment (pair index -> quantity), or None when it breaks a hard constraint."""
    pol = model.policy
    used = defaultdict(int)
    used_by = defaultdict(int)  # (offer, buyer) -> use
    placed = defaultdict(int)
    count = defaultdict(int)
    total = 0
    for k, q in sol.items():
        p = model.pairs[k]
        i = p.order
        if model.split[i]:
            if q < p.min_qty:
                return None
            use = -(-q * p.use_num // p.use_den)
            total += p.unit_cost * q
        else:
            if q != model.qty[i]:
                return None
            use = p.whole_use
            total += p.whole_cost
        placed[i] += q
        count[i] += 1
        used[p.offer] += use
        used_by[(p.offer, model.buyer[i])] += use
    for i in range(len(model.order_ids)):
        if placed[i] > model.qty[i] or (not model.split[i] and count[i] > 1):
            return None
        if model.split[i]:
            total += model.unit_penalty[i] * (model.qty[i] - placed[i]) + model.switch_cost * max(0, count[i] - 1)
        elif not placed[i]:
            total += model.unit_penalty[i] * model.qty[i]
    for j, cap in enumerate(model.cap):
        if used[j] > cap:
            return None
    for offers, cap in model.limits:
        if sum(used[j] for j in offers) > cap:
            return None
    # Each reservation (the single-holder rows) keeps what its holder has not used of it
    # free: all use plus the unused reserved units fit in the capacity.
    for j, cap in enumerate(model.cap):
        unused = sum(max(0, units - used_by[(j, holders[0])]) for jj, holders, units in model.reserved if jj == j and len(holders) == 1)
        if used[j] + unused > cap:
            return None
    core_buyers = {model.buyer[p.order] for p in model.pairs if p.tier == "core"}
    violation = 0
    for b in core_buyers:
        t = sum(q for k, q in sol.items() if model.buyer[model.pairs[k].order] == b)
        c = sum(q for k, q in sol.items() if model.buyer[model.pairs[k].order] == b and model.pairs[k].tier == "core")
        e = t - c
        violation += max(0, pol.core_min_pct * t - 100 * c) + max(0, pol.external_min_pct * t - 100 * e) + max(0, 100 * e - pol.external_max_pct * t)
    if pol.hard_shares:
        if violation:
            return None
    else:
        total += pol.share_penalty * violation
    return total


def optimum(model) -> tuple[int, dict[int, int]]:
    """The least objective over every assignment, and one assignment that reaches it."""
    by_order: list[list[int]] = [[] for _ in model.order_ids]
    for k, p in enumerate(model.pairs):
        by_order[p.order].append(k)
    choices = []
    for i, ks in enumerate(by_order):
        if model.split[i]:
            choices.append(_split_options(model, i, ks))
        else:
            choices.append([{}] + [{k: model.qty[i]} for k in ks])
    best: tuple[int, dict[int, int]] | None = None
    for combo in itertools.product(*choices):
        sol: dict[int, int] = {}
        for part in combo:
            sol.update(part)
        value = evaluate(model, sol)
        if value is not None and (best is None or value < best[0]):
            best = (value, sol)
    assert best is not None  # placing nothing is always feasible
    return best
