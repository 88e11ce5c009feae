"""Inputs and outputs of the matching engine: plain dataclasses, no database or web types.

Money is integer minor units; dates are `datetime.date` (a day of production); quantities
are integer pieces. Offer capacity is in the offer's own unit (pieces or hours).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Tier(StrEnum):
    CORE = "core"
    PARTNER = "partner"
    FLOATING = "floating"


class Mode(StrEnum):
    BATCH = "batch"
    INCREMENTAL = "incremental"
    REPAIR = "repair"


URGENCY_WEIGHT = {"low": 1, "normal": 2, "high": 4, "urgent": 8}
COST_SENSITIVITY_WEIGHT = {"low": 1, "medium": 2, "high": 3}


@dataclass(frozen=True)
class Order:
    id: str
    quantity: int
    process: str | None = None
    material: str | None = None
    certifications: tuple[str, ...] = ()
    buyer: str | None = None
    due: date | None = None
    split_allowed: bool = False
    min_quality_score: int | None = None
    max_unit_price: int | None = None
    currency: str | None = None
    urgency: str = "normal"
    cost_sensitivity: str = "medium"


@dataclass(frozen=True)
class Offer:
    id: str
    capacity: int
    """Remaining capacity, in the offer's unit (pieces, or hours when units_per_hour > 1 or unit == 'hour')."""
    process: str | None = None
    materials: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    org: str | None = None
    resource: str | None = None
    window_start: date | None = None
    window_end: date | None = None
    capacity_per_day: int | None = None
    unit: str = "piece"
    units_per_hour: int = 1
    unit_price: int = 0
    currency: str | None = None
    min_batch: int = 1
    lead_time_days: int = 0
    quality_score: int | None = None
    carbon_per_unit: int = 0
    visibility: str = "alliance"
    published_capacity: int | None = None
    """The capacity the factory published (before any booking); partner reserved shares are
    a percentage of it. None: the same as `capacity`."""
    booked_by: tuple[tuple[str, int], ...] = ()
    """(buyer, capacity) this offer already carries for a buyer: it counts against that
    buyer's reserved share."""
    held_for_others: int = 0
    """Capacity that partner reservations of buyers outside this problem still hold: no
    order of this problem may use it."""
    days: tuple[tuple[date, int], ...] = ()
    """Free capacity per sellable day (after lead time, the resource's calendar and existing
    bookings, shared with overlapping offers of the resource), in the offer's unit. Given,
    the engine plans per day (matching.engine.calendar); empty, the offer is one pool."""

    def use_for(self, quantity: int) -> int:
        """Capacity this offer spends to produce `quantity` pieces."""
        if self.unit == "hour":
            return -(-quantity // max(self.units_per_hour, 1))
        return quantity


@dataclass(frozen=True)
class Partnership:
    buyer: str
    factory: str
    reserved_share_pct: int = 0
    agreed_unit_price: int | None = None
    currency: str | None = None


@dataclass(frozen=True)
class ResourceLimit:
    """A physical resource whose capacity several (overlapping) offers share."""

    resource: str
    capacity: int
    offer_ids: tuple[str, ...]
    days: tuple[tuple[date, int], ...] = ()
    """The resource's free capacity per day, when its offers are timed (Offer.days)."""


@dataclass(frozen=True)
class Policy:
    core_min_pct: int = 40
    external_min_pct: int = 20
    external_max_pct: int = 60
    hard_shares: bool = False
    share_penalty: int = 1
    """Cost (minor units) per 1/100 piece of volume outside the share band (soft mode); the
    buyer sets it (PolicyIn.share_penalty). The band is one constraint per buyer over all
    of its orders."""
    tier_cost: tuple[tuple[str, int], ...] = (("core", 0), ("partner", 2), ("floating", 5))
    """Per-unit preference cost by tier, partner reserved capacity gets the partner cost minus reserved_bonus."""
    reserved_bonus: int = 2
    carbon_weight_per_kg: int = 0
    """Minor units of cost per kg CO2e (the offer's carbon_per_unit is in grams)."""
    quality_weight: int = 1
    """Per-unit cost per missing quality point (100 - score) divided by 10."""
    late_penalty_per_unit_day: int = 0
    """Cost per piece and day late (times the order's urgency weight). Unless
    `cheaper_but_late`, the engine raises it above any other per-piece cost difference, so
    an on-time offer with room always wins: lateness is a last resort."""
    cheaper_but_late: bool = False
    """The buyer accepts a late offer when it is cheaper by more than the lateness costs
    (at `late_penalty_per_unit_day`, or a tenth of the dearest price when that is 0)."""
    max_late_days: int = 30
    switch_cost: int = 500
    """Cost of each extra offer an order is split over (capacity switching cost)."""

    def tier_costs(self) -> dict[str, int]:
        return dict(self.tier_cost)


@dataclass
class Problem:
    orders: list[Order]
    offers: list[Offer]
    partnerships: list[Partnership] = field(default_factory=list)
    resource_limits: list[ResourceLimit] = field(default_factory=list)
    policy: Policy = field(default_factory=Policy)
    today: date | None = None
    mode: Mode = Mode.BATCH
    failed_offer_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pair:
    """One eligible (order, offer) combination of the internal model."""

    order: int
    offer: int
    whole_cost: int
    """Cost of putting the whole order on this offer (used when the order is not split)."""
    unit_cost: int
    """Per-piece cost (used when the order may be split)."""
    whole_use: int
    use_num: int = 1
    use_den: int = 1
    min_qty: int = 1
    tier: str | None = None
    unit_price: int = 0
    late_days: int = 0
    group: str | None = None
    breakdown: dict[str, int] | None = None

    def use(self, qty: int) -> int:
        return -(-qty * self.use_num // self.use_den)


@dataclass(frozen=True)
class Allocation:
    order: str
    offer: str
    quantity: int
    use: int
    cost: int
    tier: str | None = None
    unit_price: int = 0
    slot_start: date | None = None
    slot_end: date | None = None
    late_days: int = 0
    days: tuple[tuple[date, int], ...] = ()
    """Per-day slots (day, capacity units) on a timed offer; slot_start / slot_end are the
    first and last of them and late_days counts from the last."""


@dataclass
class Result:
    status: str
    objective: int
    bound: int
    allocations: list[Allocation]
    unassigned: dict[str, str]
    """order id -> reason."""
    gap: float
    solve_seconds: float
    method: str
    mode: str = "batch"
    backups: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    """"order|offer" -> alternative qualified offers."""
    explanations: dict[str, dict[str, object]] = field(default_factory=dict)
    thin_processes: dict[str, int] = field(default_factory=dict)
    """process -> number of qualified supplier organisations, for processes with fewer than 3."""
    components: int = 1
    policy_violations: list[str] = field(default_factory=list)
    utilisation: dict[str, float] = field(default_factory=dict)
    provably_incomplete: bool = False
    """Some order cannot be (wholly) placed in any solution: no eligible offer, or a proven
    optimum under lexicographic penalties leaves work out."""
    order_status: dict[str, dict[str, object]] = field(default_factory=dict)
    held_back: dict[str, str] = field(default_factory=dict)
    """order id -> why the service left it out: a split order the capacity could take only in part."""
    """order id -> {"status": placed | partial | unplaced, "quantity", "placed", "reason"}."""
    gap_semantics: bool = False
    """The generic GAP form: a result that provably cannot place every job is INFEASIBLE
    (in the marketplace form each order has its own status instead)."""

    def to_json(self) -> dict[str, object]:
        status = self.status
        if self.gap_semantics and self.unassigned and self.provably_incomplete:
            status = "INFEASIBLE"
        return {
            "status": status,
            "complete": not self.unassigned,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "method": self.method,
            "mode": self.mode,
            "solve_seconds": round(self.solve_seconds, 3),
            "components": self.components,
            "assignments": [
                {
                    "order": a.order,
                    "offer": a.offer,
                    "quantity": a.quantity,
                    "use": a.use,
                    "cost": a.cost,
                    "tier": a.tier,
                    "unit_price": a.unit_price,
                    "slot_start": a.slot_start.isoformat() if a.slot_start else None,
                    "slot_end": a.slot_end.isoformat() if a.slot_end else None,
                    "late_days": a.late_days,
                    "days": [[d.isoformat(), u] for d, u in a.days],
                    "backups": self.backups.get(f"{a.order}|{a.offer}", []),
                    "explanation": self.explanations.get(f"{a.order}|{a.offer}", {}),
                }
                for a in self.allocations
            ],
            "orders": dict(sorted(self.order_status.items())),
            "unassigned": sorted(self.unassigned),
            "unassigned_reasons": dict(sorted(self.unassigned.items())),
            "thin_processes": self.thin_processes,
            "policy_violations": self.policy_violations,
            "utilisation": self.utilisation,
        }
