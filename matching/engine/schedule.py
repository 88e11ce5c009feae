"""Per-day slots for a solved problem with timed offers: every assignment is laid out on the
free days of its offer, earliest deadline first, shared with the other offers of the same
resource; lateness is measured per part, from the part's own last day."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from matching.engine.calendar import Prefix, real_id, strip
from matching.engine.types import Allocation, Order, Problem, Result


def lay_out(problem: Problem, prefixes: dict[str, Prefix], result: Result) -> Result:
    """Lay the result's assignments out on days and name real offers again (prefix ids are
    internal). An assignment that finds its days taken (the nested limits are exact per
    offer, an approximation across offers of one resource with different first days) keeps
    what fits; a whole order that no longer fits is reported unplaced."""
    orders: dict[str, Order] = {o.id: o for o in problem.orders}
    offers = {o.id: o for o in problem.offers}
    offer_free: dict[str, dict[date, int]] = {o.id: dict(o.days) for o in problem.offers if o.days}
    shared: dict[str, str] = {}
    resource_free: dict[str, dict[date, int]] = {}
    for limit in problem.resource_limits:
        if limit.days:
            resource_free[limit.resource] = dict(limit.days)
            for offer_id in limit.offer_ids:
                shared[offer_id] = limit.resource

    def free(offer_id: str, day: date) -> int:
        own = offer_free[offer_id].get(day, 0)
        resource = shared.get(offer_id)
        return min(own, resource_free[resource].get(day, 0)) if resource else own

    def deadline(a: Allocation) -> tuple[date, date, str]:
        prefix = prefixes.get(a.offer)
        order = orders[a.order]
        end = prefix.end if prefix and prefix.end else date.max
        return (end, order.due or date.max, a.order)

    laid: list[Allocation] = []
    for a in sorted(result.allocations, key=deadline):
        offer_id = real_id(a.offer)
        offer = offers[offer_id]
        if offer_id not in offer_free:
            laid.append(a)
            continue
        order = orders[a.order]
        left = a.use
        days: list[tuple[date, int]] = []
        for day in sorted(offer_free[offer_id]):
            if left <= 0:
                break
            take = min(left, free(offer_id, day))
            if take > 0:
                days.append((day, take))
                left -= take
        quantity = a.quantity
        if left > 0:
            made = sum(u for _, u in days) * (offer.units_per_hour if offer.unit == "hour" else 1)
            if not order.split_allowed or made < offer.min_batch:
                result.unassigned[a.order] = f"the free days of offer {offer_id} were taken by other assignments of this resource"
                continue
            quantity = min(quantity, made)
            result.unassigned[a.order] = f"{a.quantity - quantity} unit(s) unplaced: the free days of offer {offer_id} were taken by other assignments of this resource"
        for day, use in days:
            offer_free[offer_id][day] -= use
            if offer_id in shared:
                resource_free[shared[offer_id]][day] -= use
        last = days[-1][0] if days else None
        late = max(0, (last - order.due).days) if last and order.due else 0
        laid.append(Allocation(a.order, offer_id, quantity, sum(u for _, u in days), a.cost * quantity // max(a.quantity, 1), a.tier, a.unit_price,
                               days[0][0] if days else None, last, late, tuple(days)))
    result.allocations = _merge(laid)
    result.explanations = {real_key: strip(v) for real_key, v in _by_real_key(result.explanations).items()}  # type: ignore[misc]
    result.backups = {k: _dedupe(strip(v), k.split("|", 1)[1]) for k, v in _by_real_key(result.backups).items()}
    result.unassigned = {k: str(strip(v)) for k, v in result.unassigned.items()}
    result.policy_violations = [str(strip(v)) for v in result.policy_violations]
    used: dict[str, int] = defaultdict(int)
    for a in result.allocations:
        used[a.offer] += a.use
    result.utilisation = {o: round(u / offers[o].capacity, 4) if offers[o].capacity else 1.0 for o, u in used.items()}
    return result


def _merge(allocations: list[Allocation]) -> list[Allocation]:
    """One allocation per order and offer: the parts of a split order on several prefixes of
    one offer are one allocation, its days summed."""
    groups: dict[tuple[str, str], list[Allocation]] = defaultdict(list)
    for a in allocations:
        groups[(a.order, a.offer)].append(a)
    out = []
    for (order, offer), parts in groups.items():
        if len(parts) == 1:
            out.append(parts[0])
            continue
        days: dict[date, int] = defaultdict(int)
        for p in parts:
            for d, u in p.days:
                days[d] += u
        ordered = tuple(sorted(days.items()))
        first = parts[0]
        out.append(Allocation(order, offer, sum(p.quantity for p in parts), sum(p.use for p in parts), sum(p.cost for p in parts), first.tier,
                              first.unit_price, ordered[0][0] if ordered else None, ordered[-1][0] if ordered else None,
                              max(p.late_days for p in parts), ordered))
    return sorted(out, key=lambda a: (a.order, a.offer))


def _by_real_key(values: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in values.items():
        out.setdefault(real_id(key), value)
    return out


def _dedupe(backups: object, own_offer: str) -> list[dict[str, object]]:
    """Backups name real offers once each, never the offer the order is on (its other prefixes)."""
    if not isinstance(backups, list):
        return []
    seen: set[object] = {own_offer}
    out = []
    for b in backups:
        offer = b.get("offer") if isinstance(b, dict) else None
        if offer in seen:
            continue
        seen.add(offer)
        out.append(b)
    return out
