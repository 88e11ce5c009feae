"""What a solution means for each order: allocations, a status per order (placed, partial,
unplaced with the true reason), and per allocation the backups, the next-best offer that
could really take it with its true extra cost, and only the constraints that really bind.

Every statement is checked against the final capacity state: an offer "could take" an
order when, with this order's part removed, it has room for it (capacity, shared
resource, other buyers' reservations) and the part meets its minimum batch; the extra cost
of a move is the change of the objective (pair costs and the share band)."""

from __future__ import annotations

from collections import defaultdict

from matching.engine.heuristic import Solution, State, pair_cost
from matching.engine.model import Model
from matching.engine.types import Allocation, Result

MIN_SUPPLIERS = 3
BACKUPS = 3


def blocker(model: Model, state: State, k: int, qty: int) -> str | None:
    """Why pair k cannot take `qty` pieces in this state (None when it can)."""
    p = model.pairs[k]
    name = model.offer_ids[p.offer]
    if qty < p.min_qty:
        return f"{name}: minimum batch {p.min_qty} above the {qty} piece(s) to place"
    use = p.use(qty)
    j = p.offer
    free = model.cap[j] - state.used[j]
    if free < use:
        if free <= 0:
            return f"{name}: full"
        if model.split[p.order] and free < p.use(p.min_qty):
            return f"{name}: {free} free, below its minimum batch of {p.min_qty}"
        return f"{name}: {free} free, needs {use}"
    for n in state.limits_of.get(j, ()):
        left = model.limits[n][1] - state.limit_used[n]
        if left < use:
            return f"{name}: its shared resource has {max(0, left)} free, needs {use}"
    buyer = model.buyer[p.order]
    for holders, units in state.reserved_of.get(j, ()):
        if buyer not in holders:
            left = model.cap[j] - units - state.others_used(j, holders)
            if left < use:
                whom = "a partner buyer" if len(holders) == 1 else "partner buyers"
                return f"{name}: {units} of its capacity is reserved for {whom}, {max(0, left)} free for others, needs {use}"
    return None


class Explainer:
    def __init__(self, model: Model, sol: Solution, optimal: bool) -> None:
        self.m = model
        self.sol = sol
        self.optimal = optimal
        self.state = State(model)
        self.placed: dict[int, int] = defaultdict(int)
        self.used_offers: dict[int, set[int]] = defaultdict(set)
        self.totals: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
        for k, q in sol.items():
            p = model.pairs[k]
            self.state.add(k, q)
            self.placed[p.order] += q
            self.used_offers[p.order].add(p.offer)
            self.totals[model.buyer[p.order]][0] += q
            if p.tier == "core":
                self.totals[model.buyer[p.order]][1] += q
        self.by_order = model.pairs_by_order()
        self.share = set(model.share_buyers)

    # The share band -------------------------------------------------------------------
    def violation(self, t: int, c: int) -> int:
        pol = self.m.policy
        e = t - c
        return max(0, pol.core_min_pct * t - 100 * c) + max(0, pol.external_min_pct * t - 100 * e) + max(0, 100 * e - pol.external_max_pct * t)

    def band(self) -> str:
        pol = self.m.policy
        return f"core >= {pol.core_min_pct}%, external {pol.external_min_pct}-{pol.external_max_pct}%"

    def share_change(self, i: int, dt: int, dc: int) -> tuple[int, int]:
        """(change in the buyer's band violation, the core share % after the change)."""
        b = self.m.buyer[i]
        if b not in self.share:
            return 0, -1
        t, c = self.totals[b]
        after = self.violation(t + dt, c + dc) - self.violation(t, c)
        return after, (100 * (c + dc) // (t + dt)) if t + dt else -1

    # Moves ----------------------------------------------------------------------------
    def move(self, k: int, q: int, a: int) -> tuple[int | None, str | None]:
        """Moving the q pieces on pair k to pair a: (true extra cost, None) or (None, why not)."""
        m = self.m
        pk, pa = m.pairs[k], m.pairs[a]
        self.state.add(k, q, -1)
        why = blocker(m, self.state, a, q)
        self.state.add(k, q)
        if why is not None:
            return None, why
        delta = (pa.whole_cost - pk.whole_cost) if not m.split[pk.order] else (pa.unit_cost - pk.unit_cost) * q
        dc = q * ((pa.tier == "core") - (pk.tier == "core"))
        dv, pct = self.share_change(pk.order, 0, dc)
        if dv > 0 and m.policy.hard_shares:
            return None, f"{m.offer_ids[pa.offer]}: would take buyer {m.buyer[pk.order]}'s core share to {pct}%, outside its hard band ({self.band()})"
        if not m.policy.hard_shares:
            delta += m.policy.share_penalty * dv
        return delta, None

    # Allocations ----------------------------------------------------------------------
    def explain(self, k: int, q: int) -> tuple[dict[str, object], list[dict[str, object]]]:
        m = self.m
        p = m.pairs[k]
        i = p.order
        own_cost = pair_cost(m, k, q)
        alternatives = []
        for a in self.by_order[i]:
            if m.pairs[a].offer in self.used_offers[i]:
                continue
            delta, why = self.move(k, q, a)
            alt = m.pairs[a]
            difference = (alt.whole_cost - p.whole_cost) if not m.split[i] else (alt.unit_cost - p.unit_cost) * q
            alternatives.append((a, delta, why, difference))
        alternatives.sort(key=lambda x: (x[1] is None, x[1] if x[1] is not None else x[3], x[0]))
        backups = []
        for a, delta, why, difference in alternatives[:BACKUPS]:
            alt = m.pairs[a]
            backups.append({
                "offer": m.offer_ids[alt.offer],
                "org": m.offer_org[alt.offer] if m.offer_org else None,
                "tier": alt.tier,
                "unit_price": alt.unit_price,
                "unit_cost": alt.unit_cost,
                "extra_cost": delta,
                "cost_difference": difference,
                "free_capacity": max(0, self.state.room(a)),
                "can_take_now": why is None,
                **({"blocked_by": why} if why else {}),
            })
        takers = [x for x in alternatives if x[1] is not None]
        nxt = min(takers, key=lambda x: (x[1], x[0]), default=None)
        cheaper = [x for x in alternatives if x[3] < 0]
        cheaper_blocked = [x for x in cheaper if x[1] is None and "share" not in (x[2] or "")]
        share_blocked = [x for x in cheaper if (x[1] is None and "share" in (x[2] or "")) or (x[1] is not None and x[1] >= 0)]
        improving = [x for x in takers if x[1] < 0]
        # Each statement also as a code with its values ("binding_codes", "why_code", ...), so
        # that a page can say it in its reader's language (api/portal translates them).
        binding, binding_codes = [], []
        if self.state.room(k) < p.use(1):
            binding.append(f"capacity of offer {m.offer_ids[p.offer]} fully used")
            binding_codes.append({"code": "offer_full", "params": {"offer": m.offer_ids[p.offer]}})
        for n in self.state.limits_of.get(p.offer, ()):
            if self.state.limit_used[n] >= m.limits[n][1]:
                binding.append("shared resource capacity fully used")
                binding_codes.append({"code": "shared_resource_full", "params": {}})
                break
        if cheaper_blocked:
            binding.append("cheaper offers have no room for it: " + "; ".join(x[2] or "" for x in cheaper_blocked[:5]))
            binding_codes.append({"code": "cheaper_no_room", "params": {"offers": [m.offer_ids[m.pairs[x[0]].offer] for x in cheaper_blocked[:5]]}})
        if share_blocked:
            b = m.buyer[i]
            t, c = self.totals[b]
            pol = m.policy
            binding.append(
                f"core / external share band of buyer {b} ({self.band()}; now {100 * c // max(t, 1)}% core): "
                + ", ".join(m.offer_ids[m.pairs[x[0]].offer] for x in share_blocked[:5]) + " would be cheaper but move the buyer's share out of or further from its band"
            )
            binding_codes.append({"code": "share_band", "params": {
                "core_min": pol.core_min_pct / 100, "external_min": pol.external_min_pct / 100, "external_max": pol.external_max_pct / 100,
                "core_now": (100 * c // max(t, 1)) / 100, "offers": [m.offer_ids[m.pairs[x[0]].offer] for x in share_blocked[:5]]}})
        late = self.lateness(i, k, q, alternatives)
        if late:
            binding.append(late[0])
            binding_codes.append(late[1])
        risks, risk_codes = [], []
        if len(self.by_order[i]) - 1 < 2:
            risks.append(f"only {len(self.by_order[i]) - 1} alternative qualified offer(s)")
            risk_codes.append({"code": "few_alternatives", "params": {"count": len(self.by_order[i]) - 1}})
        if not cheaper:
            why, why_code = "lowest weighted cost among its eligible offers", "lowest_cost"
        elif improving:
            why, why_code = ("cheaper offers with room exist: this answer is not proven optimal", "cheaper_with_room_unproven") if not self.optimal else ("cheaper offers with room exist", "cheaper_with_room")
        elif cheaper_blocked and not share_blocked:
            why, why_code = "cheaper eligible offers had no room left for it", "cheaper_no_room"
        elif share_blocked and not cheaper_blocked:
            why, why_code = "cheaper offers would move the buyer's core / external share out of its band", "cheaper_break_share"
        else:
            why, why_code = "cheaper offers had no room for it or would break the buyer's share band", "cheaper_no_room_or_share"
        explanation = {
            "why": why,
            "why_code": why_code,
            "binding_codes": binding_codes,
            "risk_codes": risk_codes,
            "unit_cost": p.unit_cost,
            "cost": own_cost,
            "cost_breakdown": p.breakdown or {"cost": p.whole_cost},
            "next_best": {"offer": m.offer_ids[m.pairs[nxt[0]].offer], "extra_cost": nxt[1]} if nxt else None,
            "binding": binding,
            "risks": risks,
        }
        if nxt is None:
            explanation["next_best_note"] = "no other eligible offer could take it now" if alternatives else "no other eligible offer"
            explanation["next_best_code"] = "none_can_take" if alternatives else "none_eligible"
        return explanation, backups

    def lateness(self, i: int, k: int, q: int, alternatives: list) -> tuple[str, dict[str, object]] | None:  # noqa: ANN001
        """Why the allocation is late, as text and as a code with its values."""
        m = self.m
        p = m.pairs[k]
        if not p.late_days:
            return None
        sooner = [x for x in alternatives if m.pairs[x[0]].late_days < p.late_days]
        text = f"late by {p.late_days} day(s): "
        if not sooner:
            return text + "no eligible offer can finish it sooner", {"code": "late_none_sooner", "params": {"days": p.late_days}}
        takers = [x for x in sooner if x[1] is not None]
        if not takers:
            return (text + "the offers that finish sooner have no room for it (" + "; ".join(x[2] or "" for x in sooner[:5]) + ")",
                    {"code": "late_sooner_full", "params": {"days": p.late_days, "offers": [m.offer_ids[m.pairs[x[0]].offer] for x in sooner[:5]]}})
        best = min(takers, key=lambda x: x[1])
        name = m.offer_ids[m.pairs[best[0]].offer]
        if m.policy.cheaper_but_late and best[1] >= 0:
            return (text + f"the buyer accepts cheaper-but-late; {name} would finish sooner at {best[1]} more",
                    {"code": "late_accepted", "params": {"days": p.late_days, "offer": name, "extra_minor": best[1]}})
        return text + f"{name} could finish it sooner and has room; this answer is not proven optimal", {"code": "late_unproven", "params": {"days": p.late_days, "offer": name}}

    # Unplaced orders ------------------------------------------------------------------
    def unplaced_reason(self, i: int) -> str:
        m = self.m
        qty = m.qty[i]
        missing = qty - self.placed[i]
        ks = self.by_order[i]
        head = f"{missing} of {qty} unit(s) unplaced: " if self.placed[i] else ""
        fits: list[tuple[int, int]] = []
        blocked: list[str] = []
        for k in ks:
            p = m.pairs[k]
            if m.split[i]:
                already = k in self.sol
                most = self.state.max_qty(k, missing)
                need = 1 if already else min(p.min_qty, missing)
                if most >= need and (already or most >= p.min_qty):
                    fits.append((k, most))
                else:
                    why = blocker(m, self.state, k, max(need, 1) if already else max(p.min_qty, 1))
                    if why is None and missing < p.min_qty:
                        why = f"{m.offer_ids[p.offer]}: minimum batch {p.min_qty} above the {missing} piece(s) left"
                    blocked.append(why or f"{m.offer_ids[p.offer]}: no room")
            else:
                why = blocker(m, self.state, k, qty)
                if why is None:
                    fits.append((k, qty))
                else:
                    blocked.append(why)
        if not fits:
            return head + f"none of its {len(ks)} eligible offer(s) can take it: " + "; ".join(blocked[:6]) + (" ..." if len(blocked) > 6 else "")
        policy_blocked = []
        for k, q in fits:
            dc = q if m.pairs[k].tier == "core" else 0
            dv, pct = self.share_change(i, q, dc)
            if dv > 0 and m.policy.hard_shares:
                policy_blocked.append((k, pct))
        if len(policy_blocked) == len(fits):
            k, pct = policy_blocked[0]
            return head + (
                f"core / external share policy (hard_shares) of buyer {m.buyer[i]}: placing it on {m.offer_ids[m.pairs[k].offer]} "
                f"({m.pairs[k].tier}) would take the buyer's core share to {pct}%, outside its band ({self.band()}); "
                f"{len(fits)} eligible offer(s) have room for it"
            )
        k = next(k for k, _ in fits if k not in {x for x, _ in policy_blocked})
        if self.optimal:
            return head + f"leaving it out costs less than placing it on {m.offer_ids[m.pairs[k].offer]}, which has room"
        return head + f"not placed within the time limit although {m.offer_ids[m.pairs[k].offer]} has room (this answer is not proven optimal)"


def fill(model: Model, sol: Solution, result: Result, optimal: bool) -> None:
    """Allocations, per-order status and reasons, backups, explanations, thin processes,
    share violations and utilisation of a solution."""
    ex = Explainer(model, sol, optimal)
    for k, q in sorted(sol.items()):
        p = model.pairs[k]
        slot = model.slots.get(k)
        result.allocations.append(Allocation(
            order=model.order_ids[p.order], offer=model.offer_ids[p.offer], quantity=q, use=p.use(q),
            cost=pair_cost(model, k, q), tier=p.tier, unit_price=p.unit_price,
            slot_start=slot[0] if slot else None, slot_end=slot[1] if slot else None, late_days=p.late_days,
        ))
    for i, oid in enumerate(model.order_ids):
        done = ex.placed[i]
        status: dict[str, object] = {"status": "placed" if done >= model.qty[i] else "partial" if done else "unplaced", "quantity": model.qty[i], "placed": done}
        if i in model.no_pair_reason:
            result.unassigned[oid] = model.no_pair_reason[i]
        elif done < model.qty[i]:
            result.unassigned[oid] = "no eligible offer" if not ex.by_order[i] else ex.unplaced_reason(i)
        if oid in result.unassigned:
            status["reason"] = result.unassigned[oid]
        result.order_status[oid] = status
    # Qualified suppliers per process: organisations with at least one eligible pair.
    if model.order_process:
        suppliers: dict[str | None, set[str | None]] = defaultdict(set)
        for p in model.pairs:
            suppliers[model.order_process[p.order]].add(model.offer_org[p.offer] if model.offer_org else model.offer_ids[p.offer])
        for process in set(model.order_process):
            n = len(suppliers.get(process, set()))
            if n < MIN_SUPPLIERS and process is not None:
                result.thin_processes[process] = n
    for k, q in sorted(sol.items()):
        p = model.pairs[k]
        key = f"{model.order_ids[p.order]}|{model.offer_ids[p.offer]}"
        result.explanations[key], result.backups[key] = ex.explain(k, q)
    for b in model.share_buyers:
        t, c = ex.totals.get(b, [0, 0])
        if t and ex.violation(t, c):
            result.policy_violations.append(f"buyer {b}: core share {100 * c // t}% is outside the policy band ({ex.band()})")
    for j, oid in enumerate(model.offer_ids):
        if ex.state.used[j]:
            result.utilisation[oid] = round(ex.state.used[j] / model.cap[j], 4) if model.cap[j] else 1.0
