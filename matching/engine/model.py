"""The internal assignment model every solver works on, and its construction from a
marketplace Problem (eligibility rules and the weighted cost of each pair).

Orders are rows, offers are columns, eligible pairs are the only variables. An order that
may not be split is assigned whole to one offer or left unassigned; a splittable order
gets integer quantities of at least the offer's minimum batch on each offer it uses.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

from matching.engine.types import COST_SENSITIVITY_WEIGHT, URGENCY_WEIGHT, Offer, Order, Pair, Policy, Problem, Tier


@dataclass
class Model:
    order_ids: list[str]
    qty: list[int]
    split: list[bool]
    buyer: list[str | None]
    unit_penalty: list[int]
    """Cost of each unassigned piece; a whole order left out costs quantity x this."""
    offer_ids: list[str]
    cap: list[int]
    pairs: list[Pair]
    limits: list[tuple[tuple[int, ...], int]] = field(default_factory=list)
    """(offer indices, shared capacity) for resources shared by several offers."""
    reserved: list[tuple[int, tuple[str | None, ...], int]] = field(default_factory=list)
    """(offer index, holders, units): buyers other than the holders use at most the offer's
    capacity less `units`. One row per set of an offer's reservations (units summed), so
    that several partner buyers' reservations on one offer are all kept free."""
    policy: Policy = field(default_factory=Policy)
    share_buyers: tuple[str, ...] = ()
    """Buyers with core capacity in this model: the core / external share band applies to them."""
    no_pair_reason: dict[int, str] = field(default_factory=dict)
    switch_cost: int = 0
    offer_process: list[str | None] = field(default_factory=list)
    offer_org: list[str | None] = field(default_factory=list)
    order_process: list[str | None] = field(default_factory=list)
    slots: dict[int, tuple[date, date]] = field(default_factory=dict)
    """pair index -> production slot (first and last day)."""
    lexicographic: bool = False
    """True when unplaced work is penalised above any other change of the objective."""

    def pairs_by_order(self) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in self.order_ids]
        for k, p in enumerate(self.pairs):
            out[p.order].append(k)
        return out

    def pairs_by_offer(self) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in self.offer_ids]
        for k, p in enumerate(self.pairs):
            out[p.offer].append(k)
        return out

    def set_lexicographic_penalties(self) -> None:
        """Make leaving any order (or a share of a splittable one) out cost more than any
        change in the rest of the objective, so that the optimum places as much as can be
        placed, and a proven optimum with unplaced work proves it cannot all be placed."""
        worst: dict[int, int] = defaultdict(int)
        for p in self.pairs:
            worst[p.order] = max(worst[p.order], abs(p.whole_cost), abs(p.unit_cost) * self.qty[p.order])
        total = sum(worst.values()) + self.switch_cost * len(self.pairs) + self.policy.share_penalty * 100 * sum(self.qty) * 3 + 1
        self.unit_penalty = [-(-total // q) for q in self.qty]
        self.lexicographic = True

    def set_proportional_penalties(self, factor: int = 20) -> None:
        """Leaving a piece out costs `factor` times the dearest way to make it (times the
        order's urgency weight, already in `factor` per order). Strong enough to place all
        that can be placed in practice, and small enough for a numerically sound LP bound."""
        worst: dict[int, int] = defaultdict(int)
        for p in self.pairs:
            worst[p.order] = max(worst[p.order], abs(p.unit_cost), -(-abs(p.whole_cost) // self.qty[p.order]))
        base = max(worst.values(), default=1)
        self.unit_penalty = [factor * max(worst.get(i, base), 1) * w + 1000 for i, w in enumerate(self.unit_penalty)]
        self.lexicographic = False

    def shares_couple(self) -> bool:
        """The share band links the orders of each buyer under it (hard, or with a penalty)."""
        return bool(self.share_buyers) and (self.policy.hard_shares or self.policy.share_penalty > 0)

    def whole_penalty(self, i: int) -> int:
        return self.unit_penalty[i] * self.qty[i]

    def components(self, join_buyers: bool = True) -> list[tuple[list[int], list[int]]]:
        """Independent sub-problems: connected orders and offers (through eligible pairs,
        shared resources and, with `join_buyers`, a buyer's share band). Orders with no pair
        form no component. Without `join_buyers` the parts are not independent when the
        band couples them (a warm start only)."""
        parent = list(range(len(self.order_ids) + len(self.offer_ids)))
        base = len(self.order_ids)

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a: int, b: int) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb

        for p in self.pairs:
            union(p.order, base + p.offer)
        for offers, _ in self.limits:
            for j in offers[1:]:
                union(base + offers[0], base + j)
        if join_buyers and self.shares_couple():
            # The share band is one constraint over all of a buyer's orders: they are one
            # component, else each part would be solved against its own band (not exact).
            first: dict[str | None, int] = {}
            share = set(self.share_buyers)
            for i, b in enumerate(self.buyer):
                if b in share:
                    union(first.setdefault(b, i), i)
        groups: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        has_pair = {p.order for p in self.pairs}
        for i in range(len(self.order_ids)):
            if i in has_pair:
                groups[find(i)][0].append(i)
        used_offers = {p.offer for p in self.pairs}
        for j in range(len(self.offer_ids)):
            if j in used_offers:
                root = find(base + j)
                if root in groups:
                    groups[root][1].append(j)
        return sorted(groups.values(), key=lambda g: len(g[0]))

    def restrict(self, orders: list[int], offers: list[int]) -> tuple[Model, list[int], list[int]]:
        """The sub-model of one component, with maps back to this model's indices."""
        omap = {i: n for n, i in enumerate(orders)}
        fmap = {j: n for n, j in enumerate(offers)}
        pairs: list[Pair] = []
        slots: dict[int, tuple[date, date]] = {}
        for k, p in enumerate(self.pairs):
            if p.order in omap and p.offer in fmap:
                if k in self.slots:
                    slots[len(pairs)] = self.slots[k]
                pairs.append(_replace_idx(p, omap[p.order], fmap[p.offer]))
        limits = [(tuple(fmap[j] for j in offs if j in fmap), c) for offs, c in self.limits if any(j in fmap for j in offs)]
        reserved = [(fmap[j], b, u) for j, b, u in self.reserved if j in fmap]
        buyers = {self.buyer[i] for i in orders}
        sub = Model(
            order_ids=[self.order_ids[i] for i in orders],
            qty=[self.qty[i] for i in orders],
            split=[self.split[i] for i in orders],
            buyer=[self.buyer[i] for i in orders],
            unit_penalty=[self.unit_penalty[i] for i in orders],
            offer_ids=[self.offer_ids[j] for j in offers],
            cap=[self.cap[j] for j in offers],
            pairs=pairs,
            limits=limits,
            reserved=reserved,
            policy=self.policy,
            share_buyers=tuple(b for b in self.share_buyers if b in buyers),
            switch_cost=self.switch_cost,
            offer_process=[self.offer_process[j] for j in offers] if self.offer_process else [],
            offer_org=[self.offer_org[j] for j in offers] if self.offer_org else [],
            order_process=[self.order_process[i] for i in orders] if self.order_process else [],
            slots=slots,
            lexicographic=self.lexicographic,
        )
        return sub, orders, offers


def _replace_idx(p: Pair, order: int, offer: int) -> Pair:
    return Pair(
        order=order, offer=offer, whole_cost=p.whole_cost, unit_cost=p.unit_cost, whole_use=p.whole_use,
        use_num=p.use_num, use_den=p.use_den, min_qty=p.min_qty, tier=p.tier, unit_price=p.unit_price,
        late_days=p.late_days, group=p.group, breakdown=p.breakdown,
    )


OTHER_BUYERS = "\x00other buyers"
"""The reservation holder for capacity reserved for buyers outside the problem."""


def tier_of(order: Order, offer: Offer, partners: set[tuple[str, str]]) -> Tier:
    if offer.org is not None and offer.org == order.buyer:
        return Tier.CORE
    if (order.buyer, offer.org) in partners:
        return Tier.PARTNER
    return Tier.FLOATING


def visible(order: Order, offer: Offer, tier: Tier) -> bool:
    if offer.visibility == "private":
        return tier == Tier.CORE
    if offer.visibility == "partners":
        return tier in (Tier.CORE, Tier.PARTNER)
    return True


def production_slot(order_qty: int, offer: Offer, today: date | None) -> tuple[date, date] | None:
    """First and last production day for the whole order on this offer, or None when the
    window closes before the lead time has passed."""
    if offer.days:
        # Timed offer: its free days, from the first on, until the order's use is covered.
        use, made = offer.use_for(order_qty), 0
        days = sorted(offer.days)
        for day, free in days:
            made += free
            if made >= use:
                return days[0][0], day
        return days[0][0], days[-1][0]
    if offer.window_start is None and today is None:
        return None
    start = offer.window_start or today
    assert start is not None
    if today is not None:
        start = max(start, today + timedelta(days=offer.lead_time_days))
    if offer.window_end is not None and start > offer.window_end:
        return None
    per_day = offer.capacity_per_day or 0
    days = -(-offer.use_for(order_qty) // per_day) if per_day > 0 else 1
    end = start + timedelta(days=max(days, 1) - 1)
    if offer.window_end is not None:
        end = min(end, offer.window_end)
    return start, end


def build_model(problem: Problem) -> Model:
    """Apply the eligibility rules and weigh every eligible pair."""
    policy = problem.policy
    failed = set(problem.failed_offer_ids)
    offers = [o for o in problem.offers if o.id not in failed and o.capacity > 0]
    partners = {(p.buyer, p.factory) for p in problem.partnerships}
    partnership = {(p.buyer, p.factory): p for p in problem.partnerships}
    by_process: dict[str | None, list[int]] = defaultdict(list)
    for j, offer in enumerate(offers):
        by_process[offer.process].append(j)
    max_price = max([o.unit_price for o in offers] + [p.agreed_unit_price or 0 for p in problem.partnerships], default=0)
    tier_pct = policy.tier_costs()
    if policy.cheaper_but_late:
        # The buyer trades lateness against price at its own rate.
        late_rate = policy.late_penalty_per_unit_day or max(1, max_price // 10)
    else:
        # Lateness is a last resort: a day late on one piece costs more than any difference
        # in the rest of a piece's cost (price x weight, tier, carbon, quality risk), in the
        # share band (at most 300 x share_penalty per piece) and a switch, so an on-time
        # offer with room always wins.
        dearest = max(COST_SENSITIVITY_WEIGHT.values()) * max_price + max(tier_pct.values(), default=0) * max_price // 100
        dearest += policy.carbon_weight_per_kg * max((o.carbon_per_unit for o in offers), default=0) // 1000
        dearest += policy.quality_weight * 100 * max_price // 1000 + abs(policy.reserved_bonus) * max_price // 100
        late_rate = max(policy.late_penalty_per_unit_day, dearest + 300 * policy.share_penalty + policy.switch_cost + 1)

    pairs: list[Pair] = []
    slots: dict[int, tuple[date, date]] = {}
    no_pair: dict[int, str] = {}
    unit_penalty: list[int] = []
    for i, order in enumerate(problem.orders):
        reasons: Counter[str] = Counter()
        first_pair = len(pairs)
        candidates = by_process.get(order.process, [])
        if not candidates:
            no_pair[i] = f"no open offer for process {order.process!r}"
        price_weight = COST_SENSITIVITY_WEIGHT.get(order.cost_sensitivity, 2)
        urgency = URGENCY_WEIGHT.get(order.urgency, 2)
        for j in candidates:
            offer = offers[j]
            tier = tier_of(order, offer, partners)
            reason = _ineligible(order, offer, tier, problem.today, policy, partnership)
            if isinstance(reason, str):
                reasons[reason] += 1
                continue
            slot, late_days, unit_price = reason
            pct = tier_pct.get(tier.value, 0)
            share = partnership.get((order.buyer, offer.org)) if offer.org else None
            if tier == Tier.PARTNER and share is not None and share.reserved_share_pct > 0:
                pct -= policy.reserved_bonus
            breakdown = {
                "price": unit_price * price_weight,
                "tier": unit_price * pct // 100,
                "carbon": policy.carbon_weight_per_kg * offer.carbon_per_unit // 1000,
                "quality_risk": policy.quality_weight * (100 - (offer.quality_score if offer.quality_score is not None else 100)) * unit_price // 1000,
                "lateness": late_days * late_rate * urgency,
            }
            unit_cost = sum(breakdown.values())
            min_qty = max(offer.min_batch, 1)
            if order.split_allowed:
                use_num, use_den = (1, offer.units_per_hour) if offer.unit == "hour" else (1, 1)
            else:
                use_num, use_den = offer.use_for(order.quantity), order.quantity
            slots[len(pairs)] = slot
            pairs.append(Pair(
                order=i, offer=j, whole_cost=unit_cost * order.quantity, unit_cost=unit_cost,
                whole_use=offer.use_for(order.quantity), use_num=use_num, use_den=use_den, min_qty=min_qty,
                tier=tier.value, unit_price=unit_price, late_days=late_days, group=order.buyer, breakdown=breakdown,
            ))
        if reasons and len(pairs) == first_pair:
            no_pair[i] = "no eligible offer: " + "; ".join(f"{n} offer(s) {r}" for r, n in reasons.most_common())
        unit_penalty.append(max(1, urgency // 2))

    reserved: list[tuple[int, tuple[str | None, ...], int]] = []
    for j, offer in enumerate(offers):
        holds: list[tuple[str, int]] = []
        for (buyer, factory), p in partnership.items():
            if factory == offer.org and p.reserved_share_pct > 0:
                # A share of the published capacity, less what the buyer already has booked
                # on this offer, and never more than is left.
                published = offer.published_capacity if offer.published_capacity is not None else offer.capacity
                booked = sum(units for b, units in offer.booked_by if b == buyer)
                units = min(offer.capacity, max(0, published * p.reserved_share_pct // 100 - booked))
                if units > 0:
                    holds.append((buyer, units))
        if offer.held_for_others > 0:
            holds.append((OTHER_BUYERS, min(offer.capacity, offer.held_for_others)))
        holds = sorted(holds)[:6]
        for size in range(1, len(holds) + 1):
            for subset in combinations(holds, size):
                reserved.append((j, tuple(b for b, _ in subset), min(offer.capacity, sum(u for _, u in subset))))
    index = {o.id: j for j, o in enumerate(offers)}
    limits = []
    for limit in problem.resource_limits:
        members = tuple(index[o] for o in limit.offer_ids if o in index)
        if members:
            limits.append((members, limit.capacity))
    core_buyers = {p.group for p in pairs if p.tier == Tier.CORE.value and p.group is not None}
    model = Model(
        order_ids=[o.id for o in problem.orders],
        qty=[o.quantity for o in problem.orders],
        split=[o.split_allowed for o in problem.orders],
        buyer=[o.buyer for o in problem.orders],
        unit_penalty=unit_penalty,
        offer_ids=[o.id for o in offers],
        cap=[o.capacity for o in offers],
        pairs=pairs,
        limits=limits,
        reserved=reserved,
        policy=policy,
        share_buyers=tuple(sorted(core_buyers)),
        no_pair_reason=no_pair,
        switch_cost=policy.switch_cost,
        offer_process=[o.process for o in offers],
        offer_org=[o.org for o in offers],
        order_process=[o.process for o in problem.orders],
        slots=slots,
    )
    model.set_proportional_penalties()
    return model


def _ineligible(order: Order, offer: Offer, tier: Tier, today: date | None, policy: Policy, partnership: dict) -> str | tuple[tuple[date, date], int, int]:
    """A reason string, or (slot, late days, unit price) when the pair is eligible."""
    if order.currency and offer.currency and order.currency != offer.currency:
        return f"priced in {offer.currency}, not {order.currency}"
    if not visible(order, offer, tier):
        return "not visible to this buyer"
    if order.material and order.material not in offer.materials:
        return f"does not handle material {order.material}"
    missing = set(order.certifications) - set(offer.certifications)
    if missing:
        return f"lacks certification {', '.join(sorted(missing))}"
    if order.min_quality_score is not None and (offer.quality_score is None or offer.quality_score < order.min_quality_score):
        return f"quality score below {order.min_quality_score}"
    unit_price = offer.unit_price
    share = partnership.get((order.buyer, offer.org))
    if tier == Tier.PARTNER and share is not None and share.agreed_unit_price is not None and share.currency in (None, offer.currency):
        unit_price = share.agreed_unit_price
    if order.max_unit_price is not None and unit_price > order.max_unit_price:
        return f"unit price above the order's maximum {order.max_unit_price}"
    if order.quantity < offer.min_batch:
        return f"minimum batch {offer.min_batch} above the order quantity"
    if not order.split_allowed and offer.use_for(order.quantity) > offer.capacity:
        return "not enough remaining capacity for the whole order"
    slot = production_slot(order.quantity, offer, today)
    if slot is None:
        return "window closes before the lead time has passed"
    late_days = max(0, (slot[1] - order.due).days) if order.due is not None else 0
    if late_days > policy.max_late_days:
        return f"cannot finish within {policy.max_late_days} days of the due date"
    return slot, late_days, unit_price
