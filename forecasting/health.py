"""Capacity-health rules: the warning line with its expansion proposal, traffic lights,
the equipment rule and KPI targets. Pure functions over plain values (the adapter in
forecasting/service.py loads them from the marketplace tables).

Sources (see DOMAIN.md): warning line at 70% of current capacity, traffic lights
green / yellow (one risk) / red (several) (002); a factory's utilisation outside the
75%-85% band of the KPI table is a risk: under it, idle capacity; over it, no slack left
(002 step 4, whose example of a single risk is one supplier at 90%); equipment rule: cycle
peak outside the rolling mean +-15% three cycles in a row (003 §6); KPI targets (002, 003, 000).
"""

from __future__ import annotations

import math
import statistics
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

WARNING_RATIO = 0.70
# The resource-utilisation band (002 step 4), inclusive at both ends.
UTILISATION_LOW = 0.75
UTILISATION_HIGH = 0.85
MIN_QUALIFIED_SUPPLIERS = 3
EQUIPMENT_TOLERANCE = 0.15
EQUIPMENT_CONSECUTIVE = 3
EQUIPMENT_BASELINE = 10
EQUIPMENT_MIN_BASELINE = 5

GREEN, YELLOW, RED = "green", "yellow", "red"


# ----------------------------------------------------------------- warning line
@dataclass(frozen=True)
class CandidateOffer:
    """Spare capacity (in pieces) the buyer could reserve for a process."""

    offer_id: uuid.UUID
    organisation_id: uuid.UUID
    tier: str  # "partner" or "floating"
    spare: int
    unit_price_minor: int
    currency: str
    priority: int = 1  # partnership priority; lower comes first
    lead_time_days: int = 0


@dataclass(frozen=True)
class ExpansionLine:
    offer_id: uuid.UUID
    organisation_id: uuid.UUID
    tier: str
    quantity: int
    unit_price_minor: int
    currency: str


@dataclass(frozen=True)
class WarningLine:
    process: str
    demand: float
    capacity: int
    ratio: float | None
    warning: bool
    # Capacity to add so that demand falls back to the warning line.
    needed: int
    proposal: tuple[ExpansionLine, ...]
    # What the proposal could not cover (0 when it covers `needed`).
    uncovered: int


def _expansion_order(candidate: CandidateOffer) -> tuple:
    # Partner capacity first (by partnership priority, then price), floating after (by price).
    return (0 if candidate.tier == "partner" else 1, candidate.priority, candidate.unit_price_minor, candidate.lead_time_days, str(candidate.offer_id))


def warning_line(process: str, demand: float, capacity: int, candidates: Iterable[CandidateOffer], threshold: float = WARNING_RATIO) -> WarningLine:
    """Compare forecast demand with the capacity available to the buyer in the window.

    At or above `threshold` x capacity a warning is raised and spare partner capacity,
    then floating capacity, is proposed until demand / (capacity + added) is back at the
    threshold. The proposal is a list of candidate offers with quantities; turning it into
    reservations is the matching engine's preview / apply step."""
    if demand < 0 or capacity < 0:
        raise ValueError("demand and capacity must not be negative")
    ratio = demand / capacity if capacity > 0 else None
    warning = demand > 0 and (capacity == 0 or demand >= threshold * capacity)
    if not warning:
        return WarningLine(process, demand, capacity, ratio, False, 0, (), 0)
    # The epsilon keeps float noise (70 / 0.7 = 100.00000000000001) from asking for one unit more.
    needed = max(0, math.ceil(demand / threshold - capacity - 1e-9))
    proposal: list[ExpansionLine] = []
    remaining = needed
    for candidate in sorted(candidates, key=_expansion_order):
        if remaining <= 0:
            break
        if candidate.spare <= 0:
            continue
        take = min(candidate.spare, remaining)
        proposal.append(ExpansionLine(candidate.offer_id, candidate.organisation_id, candidate.tier, take, candidate.unit_price_minor, candidate.currency))
        remaining -= take
    return WarningLine(process, demand, capacity, ratio, True, needed, tuple(proposal), remaining)


# ----------------------------------------------------------------- traffic lights
@dataclass(frozen=True)
class Risk:
    code: str  # low_utilisation | high_utilisation | few_suppliers | warning_line | equipment_alert
    subject: str
    detail: str
    # The values `detail` is written from, so that a page can say it in its own language
    # (ratios as fractions: 0.93, not "93%").
    params: dict[str, object] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Light:
    scope: str  # alliance | factory | process
    key: str
    label: str
    colour: str
    reasons: list[str] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)


@dataclass(frozen=True)
class HealthInput:
    # factory id -> (name, utilisation over the window, or None when it published nothing)
    factories: dict[str, tuple[str, float | None]]
    # process -> ids of the factories qualified for it (an active offer or a resource for it)
    suppliers: dict[str, set[str]]
    # process -> forecast / capacity ratio for processes over the warning line
    warnings: dict[str, float]
    # (factory id, resource name, processes) of resources with an open equipment alert
    equipment_alerts: list[tuple[str, str, tuple[str, ...]]]


def colour_of(risks: Sequence[Risk]) -> str:
    if not risks:
        return GREEN
    return YELLOW if len(risks) == 1 else RED


def _light(scope: str, key: str, label: str, risks: list[Risk]) -> Light:
    return Light(scope, key, label, colour_of(risks), [r.detail for r in risks], list(risks))


def _percent(value: float, bound: float) -> str:
    """A whole percent, or one decimal where the whole percent would read as the bound itself."""
    whole = f"{value:.0%}"
    return f"{value:.1%}" if value != bound and whole == f"{bound:.0%}" else whole


def utilisation_risk(fid: str, name: str, utilisation: float | None) -> Risk | None:
    """A factory outside the utilisation band: under it (down to idle at 0%) or over it.
    None: inside the band, or nothing published (no utilisation to judge)."""
    if utilisation is None:
        return None
    band = f"{UTILISATION_LOW:.0%}-{UTILISATION_HIGH:.0%}"
    params: dict[str, object] = {"name": name, "utilisation": utilisation, "low": UTILISATION_LOW, "high": UTILISATION_HIGH}
    if utilisation < UTILISATION_LOW:
        return Risk("low_utilisation", fid, f"{name} at {_percent(utilisation, UTILISATION_LOW)} utilisation, under the {band} band (idle capacity)",
                    params)
    if utilisation > UTILISATION_HIGH:
        return Risk("high_utilisation", fid, f"{name} at {_percent(utilisation, UTILISATION_HIGH)} utilisation, over the {band} band", params)
    return None


def traffic_lights(data: HealthInput) -> list[Light]:
    """One light per factory and process, and one for the alliance over every distinct risk.
    A factory over the band is a risk to the processes it supplies as well; one under it is
    not (its idle capacity is spare supply)."""
    factory_risks: dict[str, list[Risk]] = {fid: [] for fid in data.factories}
    process_risks: dict[str, list[Risk]] = {p: [] for p in set(data.suppliers) | set(data.warnings)}
    for fid, (name, utilisation) in data.factories.items():
        risk = utilisation_risk(fid, name, utilisation)
        if risk is None:
            continue
        factory_risks[fid].append(risk)
        if risk.code == "high_utilisation":
            for process, suppliers in data.suppliers.items():
                if fid in suppliers:
                    process_risks[process].append(risk)
    for process, suppliers in data.suppliers.items():
        if len(suppliers) < MIN_QUALIFIED_SUPPLIERS:
            process_risks[process].append(
                Risk("few_suppliers", process, f"{process}: {len(suppliers)} qualified supplier(s), fewer than {MIN_QUALIFIED_SUPPLIERS}",
                     {"process": process, "count": len(suppliers), "minimum": MIN_QUALIFIED_SUPPLIERS})
            )
    for process, ratio in data.warnings.items():
        process_risks[process].append(
            Risk("warning_line", process, f"{process}: forecast demand at {ratio:.0%} of available capacity (warning line {WARNING_RATIO:.0%})",
                 {"process": process, "ratio": ratio, "threshold": WARNING_RATIO})
        )
    for fid, resource, processes in data.equipment_alerts:
        name = data.factories.get(fid, (fid, None))[0]
        risk = Risk("equipment_alert", f"{fid}/{resource}", f"{name}: maintenance alert on {resource}", {"name": name, "resource": resource})
        factory_risks.setdefault(fid, []).append(risk)
        for process in processes:
            process_risks.setdefault(process, []).append(risk)

    lights = [_light("factory", fid, data.factories.get(fid, (fid, None))[0], risks) for fid, risks in sorted(factory_risks.items())]
    lights += [_light("process", p, p, risks) for p, risks in sorted(process_risks.items())]
    distinct: dict[tuple[str, str], Risk] = {}
    for risks in list(factory_risks.values()) + list(process_risks.values()):
        for risk in risks:
            distinct.setdefault((risk.code, risk.subject), risk)
    lights.insert(0, _light("alliance", "alliance", "alliance", list(distinct.values())))
    return lights


# ----------------------------------------------------------------- equipment health
@dataclass(frozen=True)
class EquipmentCheck:
    alert: bool
    # Index (into the peaks) of the cycle that completed the run of deviations.
    triggered_at: int | None
    # The rolling mean and the peak of each deviating cycle in the run.
    deviations: tuple[tuple[int, float, float], ...]


def equipment_check(
    cycle_peaks: Sequence[float],
    tolerance: float = EQUIPMENT_TOLERANCE,
    consecutive: int = EQUIPMENT_CONSECUTIVE,
    baseline: int = EQUIPMENT_BASELINE,
    min_baseline: int = EQUIPMENT_MIN_BASELINE,
) -> EquipmentCheck:
    """Cycle peaks in time order. A cycle deviates when its peak lies outside the mean of the
    `baseline` cycles before it +- `tolerance`; `consecutive` deviating cycles in a row raise
    the alert. Deviating cycles do not enter the baseline, so a drifting machine cannot
    drag its own reference along with it."""
    if not 0 < tolerance < 1:
        raise ValueError("tolerance must lie between 0 and 1")
    reference: list[float] = []
    run: list[tuple[int, float, float]] = []
    for index, peak in enumerate(cycle_peaks):
        if not math.isfinite(peak):
            raise ValueError(f"cycle peak {index} is not a finite number")
        if len(reference) >= min_baseline:
            mean = statistics.fmean(reference[-baseline:])
            if abs(peak - mean) > tolerance * abs(mean):
                run.append((index, mean, peak))
                if len(run) >= consecutive:
                    return EquipmentCheck(True, index, tuple(run[-consecutive:]))
                continue
        run = []
        reference.append(peak)
    return EquipmentCheck(False, None, ())


def reduced_capacity_per_day(per_day: int, fraction: float) -> int:
    """Capacity per day left after a maintenance alert takes `fraction` of it away."""
    if not 0 < fraction <= 1:
        raise ValueError("fraction must lie in (0, 1]")
    return max(0, math.floor(per_day * (1 - fraction)))


# ----------------------------------------------------------------- KPIs
@dataclass(frozen=True)
class Target:
    low: float | None  # inclusive
    high: float | None  # inclusive
    low_exclusive: bool = False
    high_exclusive: bool = False

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        if self.low is not None and (value <= self.low if self.low_exclusive else value < self.low):
            return False
        if self.high is not None and (value >= self.high if self.high_exclusive else value > self.high):
            return False
        return True

    def describe(self) -> str:
        parts = []
        if self.low is not None:
            parts.append(f"{'>' if self.low_exclusive else '>='} {self.low:g}")
        if self.high is not None:
            parts.append(f"{'<' if self.high_exclusive else '<='} {self.high:g}")
        return " and ".join(parts)


TARGETS: dict[str, Target] = {
    "utilisation": Target(UTILISATION_LOW, UTILISATION_HIGH),
    "fulfilment_rate": Target(0.95, None, low_exclusive=True),
    "switching_cost_share": Target(None, 0.05, high_exclusive=True),
    "external_share": Target(0.20, 0.60),
    "core_share": Target(0.40, None),
    "on_time_rate": Target(0.92, None),
    "cycle_volatility": Target(None, 0.182),
}
# The self-check (002 appendix) reads monthly utilisation in 70%-85%.
SELF_CHECK_UTILISATION = Target(0.70, 0.85)


@dataclass(frozen=True)
class KpiValue:
    name: str
    value: float | None
    target: str
    met: bool | None


def kpi(name: str, value: float | None) -> KpiValue:
    target = TARGETS[name]
    return KpiValue(name, value, target.describe(), target.met(value))


def volatility(cycle_times: Sequence[float]) -> float | None:
    """std / mean of actual fulfilment-cycle times (population std)."""
    if len(cycle_times) < 2:
        return None
    mean = statistics.fmean(cycle_times)
    return statistics.pstdev(cycle_times) / mean if mean > 0 else None


@dataclass(frozen=True)
class SelfCheck:
    score: int
    points: dict[str, bool | None]
    verdict: str


def self_check(responds_within_24h: bool | None, external_share: float | None, monthly_utilisation: float | None, capacity_visible: bool) -> SelfCheck:
    """One point each (002 appendix); 3-4 good, 1-2 needs attention. Unknown counts as no point."""
    points = {
        "responds_within_24h": responds_within_24h,
        "external_share_20_60": TARGETS["external_share"].met(external_share),
        "monthly_utilisation_70_85": SELF_CHECK_UTILISATION.met(monthly_utilisation),
        "real_time_capacity_visibility": capacity_visible,
    }
    score = sum(1 for v in points.values() if v)
    return SelfCheck(score, points, "good" if score >= 3 else "needs attention")
