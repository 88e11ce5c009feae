"""Quality services: inspection lots and their decisions, switching rules per supplier x
product, SPC alerts and supplier scores. Services take (session, actor, ...) and never commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from capool import events
from capool.clock import utcnow
from capool.errors import Conflict, InvalidInput, NotFound
from capool.tenancy.actor import Actor, Permission
from capool.tenancy.policy import get_visible, get_writable
from marketplace import repository as marketplace_repository
from marketplace.models import ACTIVE_ALLOCATION, Allocation, Order
from quality import aql, repository, score, spc
from quality.models import InspectionLot, InspectionSeverity, LotDecision, SpcPoint, SwitchingStateRow
from quality.schemas import DefectCountIn, LotIn, ResultsIn

LOT_DECIDED = "quality.lot_decided"
SPC_ALERT = "quality.spc_alert"
SPC_WINDOW = 25  # points per chart
SPC_MIN_POINTS = 5  # fewer points give no meaningful limits
# The alliance's quality office pre-approves reduced inspection once the switching score
# allows it (ISO 2859-1 9.3.3 asks for the responsible authority's approval).
AUTHORITY_APPROVES_REDUCED = True
SCORE_HALF_LIFE_DAYS = 90.0


def _aql_error(exc: aql.AqlError, prefix: str = "") -> InvalidInput:
    return InvalidInput.at(f"{prefix}/{exc.field}", str(exc))


def compute_plan(lot_size: int, aql_value: float, level: str = "II", severity: str = "normal") -> aql.Plan:
    """A plan for the CLI, REST and GraphQL; input errors are 422 with the field's path."""
    try:
        return aql.plan(lot_size, aql_value, level, severity)
    except aql.AqlError as exc:
        raise _aql_error(exc) from exc


async def _state(session: AsyncSession, actor: Actor, factory_org_id: uuid.UUID, product: str, *, for_update: bool = False) -> tuple[SwitchingStateRow | None, aql.SwitchingState]:
    row = await repository.switching_state(session, actor, factory_org_id, product, for_update=for_update)
    return row, (aql.SwitchingState.from_dict(row.state) if row else aql.SwitchingState())


async def create_lot(session: AsyncSession, actor: Actor, data: LotIn) -> InspectionLot:
    """The allocation's factory opens an inspection lot for `data.quantity` of its units; the
    plan follows the supplier's current switching state for the product. The open and
    accepted lots of an allocation never hold more units than it has (422 at /quantity)."""
    actor.require(Permission.QUALITY_WRITE)
    allocation = await get_writable(session, actor, Allocation, data.allocation_id, column="factory_org_id")
    if allocation.status not in ACTIVE_ALLOCATION:
        raise Conflict(f"allocation {allocation.id} is {allocation.status.value}", "allocation_not_active")
    order = await get_visible(session, actor, Order, allocation.order_id)
    _, state = await _state(session, actor, allocation.factory_org_id, order.product)
    if state.discontinued:
        raise Conflict("inspection is discontinued for this supplier and product until corrective action is confirmed", "inspection_discontinued")
    aqls = {"critical": data.aqls.critical, "major": order.aql if data.aqls.major is None else data.aqls.major, "minor": data.aqls.minor}
    lot_size = data.quantity if data.lot_size is None else data.lot_size
    if lot_size < data.quantity:
        # A smaller lot size would sample fewer units than the acceptance pays for.
        raise InvalidInput.at("/lot_size", f"the lot size ({lot_size}) must be at least the lot's quantity ({data.quantity})")
    try:
        lot_plan = aql.lot_plan(lot_size, aqls, data.level, state.severity)
    except aql.AqlError as exc:
        field = "quantity" if exc.field == "lot_size" and data.lot_size is None else exc.field
        path = "/aqls/major" if exc.field == "aql" else f"/{field}"
        raise InvalidInput.at(path, str(exc)) from exc
    if not await marketplace_repository.claim_lot_quantity(session, allocation.id, data.quantity):
        await session.refresh(allocation, ["lot_quantity"])
        remaining = allocation.quantity - allocation.lot_quantity
        raise InvalidInput.at(
            "/quantity",
            f"allocation {allocation.id} has {remaining} of its {allocation.quantity} units left to present in lots; this lot asks for {data.quantity}",
        )
    lot = InspectionLot(
        allocation_id=allocation.id, order_id=allocation.order_id, buyer_org_id=allocation.buyer_org_id, factory_org_id=allocation.factory_org_id,
        product=order.product, process=order.process, quantity=data.quantity, lot_size=lot_size, level=data.level,
        aql_critical=aqls["critical"], aql_major=aqls["major"], aql_minor=aqls["minor"], severity=InspectionSeverity(state.severity.value),
        plan=lot_plan.as_dict(), sample_size=lot_plan.sample_size, critical=0, major=0, minor=0, defects={}, reinstate_normal=False,
    )
    session.add(lot)
    await session.flush()
    return lot


async def get_lot(session: AsyncSession, actor: Actor, lot_id: uuid.UUID) -> InspectionLot:
    actor.require(Permission.QUALITY_READ)
    return await get_visible(session, actor, InspectionLot, lot_id)


def _lot_plan(lot: InspectionLot) -> aql.LotPlan:
    return aql.lot_plan(lot.lot_size, {"critical": lot.aql_critical, "major": lot.aql_major, "minor": lot.aql_minor}, lot.level, lot.severity.value)


def judged_counts_of(lot: InspectionLot) -> dict[str, int]:
    """What each class of the lot is judged on (units or nonconformities, by its AQL)."""
    return aql.judged_counts(
        _lot_plan(lot), {"critical": lot.critical, "major": lot.major, "minor": lot.minor},
        {"critical": lot.critical_units, "major": lot.major_units, "minor": lot.minor_units},
    )


def _normalise(counts: Sequence[DefectCountIn] | Mapping[str, int]) -> list[DefectCountIn]:
    if isinstance(counts, Mapping):
        found = []
        for severity, count in counts.items():
            if severity not in aql.SEVERITY_CLASSES:
                raise InvalidInput.at(f"/counts/{severity}", "keys must be critical, major or minor")
            if not isinstance(count, int) or count < 0:
                raise InvalidInput.at(f"/counts/{severity}", "a count must be a non-negative integer")
            found.append(DefectCountIn(defect_class=severity, severity=severity, count=count))  # type: ignore[arg-type]
        return found
    return list(counts)


async def add_defect_counts(
    session: AsyncSession, actor: Actor, lot_id: uuid.UUID, counts: Sequence[DefectCountIn] | Mapping[str, int],
    units: Mapping[str, int] | None = None, *, pointer: str = "",
) -> InspectionLot:
    """Add defect counts to an undecided lot, e.g. from camera detection jobs. `counts` is a
    list of DefectCountIn (per defect class) or {"critical"|"major"|"minor": n}; `units` the
    nonconforming units they were found on, per most severe class (None: one unit per defect).

    The units of a lot never exceed its sample, nor a class's units its defects (422)."""
    actor.require(Permission.QUALITY_WRITE)
    lot = await get_writable(session, actor, InspectionLot, lot_id, for_update=True)
    if lot.decision is not None:
        raise Conflict(f"lot {lot.id} is already {lot.decision.value}", "lot_decided")
    defects = {name: dict(entry) for name, entry in lot.defects.items()}
    added = dict.fromkeys(aql.SEVERITY_CLASSES, 0)
    for index, item in enumerate(_normalise(counts)):
        existing = defects.get(item.defect_class)
        if existing and existing["severity"] != item.severity:
            raise InvalidInput.at(f"/defects/{index}/severity", f"defect class {item.defect_class} was reported as {existing['severity']}")
        defects[item.defect_class] = {"severity": item.severity, "count": (existing["count"] if existing else 0) + item.count}
        setattr(lot, item.severity, getattr(lot, item.severity) + item.count)
        added[item.severity] += item.count
    new_units = dict(added) if units is None else {name: int(units.get(name, 0)) for name in aql.SEVERITY_CLASSES}
    for name in aql.SEVERITY_CLASSES:
        if new_units[name] > added[name]:
            raise InvalidInput.at(f"{pointer}/units/{name}", f"{new_units[name]} {name} nonconforming units need at least as many {name} defects; this report has {added[name]}")
        setattr(lot, f"{name}_units", getattr(lot, f"{name}_units") + new_units[name])
    if lot.nonconforming > lot.sample_size:
        where = f"{pointer}/units" if units is not None else f"{pointer}/defects"
        hint = "" if units is not None else " (a report without units counts each defect on its own unit; send units)"
        raise InvalidInput.at(where, f"the lot would hold {lot.nonconforming} nonconforming units, more than its sample of {lot.sample_size}{hint}")
    lot.defects = defects
    lot.version += 1
    await session.flush()
    return lot


async def record_results(session: AsyncSession, actor: Actor, lot_id: uuid.UUID, data: ResultsIn, *, now: datetime | None = None) -> InspectionLot:
    """An inspection report for a lot: counts are added and, when final, the lot is decided."""
    units = None if data.units is None else {"critical": data.units.critical, "major": data.units.major, "minor": data.units.minor}
    lot = await add_defect_counts(session, actor, lot_id, data.defects, units)
    if data.final:
        await decide_lot(session, actor, lot, now=now)
    return lot


# What other areas hold a lot's decision on: each returns why the lot cannot be decided yet,
# or None. inspection registers "images still pending" (quality does not import inspection).
DecisionHold = Callable[[AsyncSession, InspectionLot], Awaitable[str | None]]
_decision_holds: list[DecisionHold] = []


def hold_decisions(check: DecisionHold) -> DecisionHold:
    _decision_holds.append(check)
    return check


async def decide_lot(session: AsyncSession, actor: Actor, lot: InspectionLot, *, now: datetime | None = None) -> InspectionLot:
    """Accept or reject the lot from its counts, advance the switching rules, record the SPC
    point and emit `quality.lot_decided` (settlement releases or holds payment on it)."""
    actor.require(Permission.QUALITY_WRITE)
    if lot.decision is not None:
        raise Conflict(f"lot {lot.id} is already {lot.decision.value}", "lot_decided")
    for hold in _decision_holds:
        reason = await hold(session, lot)
        if reason:
            raise Conflict(f"lot {lot.id} cannot be decided yet: {reason}", "lot_not_ready")
    now = now or utcnow()
    lot_plan = _lot_plan(lot)
    counts = judged_counts_of(lot)
    outcome = aql.decide(lot_plan, counts)
    accepted = outcome.decision == aql.Decision.ACCEPTED
    lot.decision = LotDecision(outcome.decision.value)
    lot.decided_at = now
    lot.reinstate_normal = outcome.reinstate_normal
    if not accepted:
        await marketplace_repository.release_lot_quantity(session, lot.allocation_id, lot.quantity)
    await _advance_switching(session, actor, lot, lot_plan, counts, accepted, outcome.reinstate_normal, now)
    session.add(SpcPoint(lot_id=lot.id, factory_org_id=lot.factory_org_id, buyer_org_id=lot.buyer_org_id, process=lot.process,
                         sample_size=lot.sample_size, nonconforming=lot.nonconforming, nonconformities=lot.critical + lot.major + lot.minor,
                         occurred_at=now))
    events.emit(session, actor, LOT_DECIDED, "quality_lot", lot.id, {
        "lot_id": str(lot.id), "order_id": str(lot.order_id), "allocation_id": str(lot.allocation_id),
        "factory_org_id": str(lot.factory_org_id), "buyer_org_id": str(lot.buyer_org_id), "decision": lot.decision.value,
        "quantity": lot.quantity, "sample_size": lot.sample_size,
        "defects": {"critical": lot.critical, "major": lot.major, "minor": lot.minor},
        "units": {"critical": lot.critical_units, "major": lot.major_units, "minor": lot.minor_units},
    })
    await session.flush()
    await _check_spc(session, actor, lot)
    return lot


async def _locked_state(session: AsyncSession, actor: Actor, lot: InspectionLot, now: datetime) -> tuple[SwitchingStateRow, aql.SwitchingState]:
    """The supplier x product switching row, created on first use and locked, so that lots
    decided concurrently advance the rules one after the other (a plain INSERT by each of
    them raced on the unique key and failed all but one decision)."""
    row, state = await _state(session, actor, lot.factory_org_id, lot.product, for_update=True)
    if row is not None:
        return row, state
    try:
        async with session.begin_nested():
            session.add(SwitchingStateRow(factory_org_id=lot.factory_org_id, product=lot.product, severity=InspectionSeverity.NORMAL,
                                          state=aql.SwitchingState().as_dict(), updated_at=now))
    except IntegrityError:
        pass  # created concurrently: lock theirs
    row, state = await _state(session, actor, lot.factory_org_id, lot.product, for_update=True)
    assert row is not None
    return row, state


async def _advance_switching(session: AsyncSession, actor: Actor, lot: InspectionLot, lot_plan: aql.LotPlan, counts: dict[str, int],
                             accepted: bool, reinstate: bool, now: datetime) -> None:
    row, state = await _locked_state(session, actor, lot, now)
    if state.severity.value != lot.severity.value:
        # The state moved on since this lot was opened (another lot decided first): the lot
        # still counts for the severity it was inspected under only if that is still current.
        return
    points = aql.switching_points(lot_plan, counts, accepted) if state.severity == aql.Severity.NORMAL else None
    context = aql.SwitchContext(production_steady=True, authority_approves_reduced=AUTHORITY_APPROVES_REDUCED)
    new = aql.next_state(state, accepted, points=points, reinstate_normal=reinstate, context=context)
    row.state = new.as_dict()
    row.severity = InspectionSeverity(new.severity.value)
    row.discontinued = new.discontinued
    row.updated_at = now


async def _check_spc(session: AsyncSession, actor: Actor, lot: InspectionLot) -> spc.Chart | None:
    points = await repository.factory_spc_points(session, actor, lot.process, SPC_WINDOW)
    if len(points) < SPC_MIN_POINTS:
        return None
    chart = spc.p_chart([p.nonconforming for p in points], [p.sample_size for p in points])
    last = len(points) - 1
    fired = [s for s in chart.signals if s.index == last]
    if fired:
        newest = chart.points[last]
        events.emit(session, actor, SPC_ALERT, "quality_lot", lot.id, {
            "lot_id": str(lot.id), "factory_org_id": str(lot.factory_org_id), "process": lot.process, "chart": "p",
            "rules": [s.rule for s in fired], "descriptions": [s.description for s in fired],
            "value": newest.value, "centre": chart.centre, "lcl": newest.lcl, "ucl": newest.ucl,
        })
    return chart


@dataclass(frozen=True)
class SpcView:
    factory_org_id: uuid.UUID | None
    process: str
    p_chart: spc.Chart | None
    c_chart: spc.Chart | None
    lot_ids: list[uuid.UUID]


async def spc_view(session: AsyncSession, actor: Actor, process: str, factory_org_id: uuid.UUID | None = None) -> SpcView:
    """p-chart of the lots the caller may read (one factory, or all it sees), and a c-chart
    over the points that share the newest point's sample size (a c-chart needs equal areas)."""
    actor.require(Permission.QUALITY_READ)
    if not process:
        raise InvalidInput.at("process", "process is required")
    points = await repository.spc_points(session, actor, factory_org_id, process, SPC_WINDOW)
    if not points:
        return SpcView(factory_org_id, process, None, None, [])
    p_chart = spc.p_chart([p.nonconforming for p in points], [p.sample_size for p in points])
    same_size = [p for p in points if p.sample_size == points[-1].sample_size]
    c_chart = spc.c_chart([p.nonconformities for p in same_size])
    return SpcView(factory_org_id, process, p_chart, c_chart, [p.lot_id for p in points])


def _records(lots: Sequence[InspectionLot]) -> list[score.LotRecord]:
    return [score.LotRecord(lot.factory_org_id, lot.process, lot.decided_at or lot.created_at, lot.sample_size, lot.nonconforming) for lot in lots]


def score_params() -> score.ScoreParams:
    return score.ScoreParams(half_life_days=SCORE_HALF_LIFE_DAYS)


async def visible_scores(session: AsyncSession, actor: Actor, process: str | None = None, *, now: datetime | None = None) -> list[score.SupplierScore]:
    """Scores computed over the lots the caller may read (a buyer: lots of its orders; a
    factory: its own lots)."""
    actor.require(Permission.QUALITY_READ)
    lots = await repository.decided_lots(session, actor, process)
    found = score.scores(_records(lots), now or utcnow(), score_params())
    return sorted(found.values(), key=lambda s: (s.process, -s.score, str(s.org_id)))


async def supplier_scores(session: AsyncSession, alliance_id: uuid.UUID, process: str | None = None, *, now: datetime | None = None,
                          params: score.ScoreParams | None = None) -> dict[tuple[uuid.UUID, str], float]:
    """For the matching engine: {(factory org id, process): score in [0, 1]} over every
    decided lot of the alliance. Pairs with no history are absent; use
    `score.estimate(org, process, [], now).score` (the prior's score) for them."""
    lots = await repository.alliance_decided_lots(session, alliance_id, process)
    found = score.scores(_records(lots), now or utcnow(), params or score_params())
    return {(key[0], key[1]): value.score for key, value in found.items()}  # type: ignore[misc]


async def switching_state_of(session: AsyncSession, actor: Actor, product: str) -> aql.SwitchingState:
    """The acting factory's switching state for a product."""
    actor.require(Permission.QUALITY_READ)
    _, state = await _state(session, actor, actor.organisation_id, product)
    return state


INSPECTION_RESUMED = "quality.inspection_resumed"


@dataclass(frozen=True)
class SwitchingView:
    factory_org_id: uuid.UUID
    product: str
    state: aql.SwitchingState
    updated_at: datetime | None  # None: no lot of this factory and product decided yet


def _product(product: str) -> str:
    if not 1 <= len(product) <= 200:
        raise InvalidInput.at("/product", "product must be 1 to 200 characters")
    return product


async def _factory_in_reach(session: AsyncSession, actor: Actor, factory_org_id: uuid.UUID | None) -> uuid.UUID:
    """The factory whose switching state the caller asks for: its own organisation, or, for
    the alliance's admin, any factory of the alliance; any other id answers 404."""
    factory = factory_org_id or actor.organisation_id
    if factory != actor.organisation_id and not (
        actor.is_alliance_admin and await repository.organisation_in_alliance(session, factory, actor.alliance_id)
    ):
        raise NotFound("organisation", factory)
    return factory


async def switching_view(session: AsyncSession, actor: Actor, product: str, factory_org_id: uuid.UUID | None = None) -> SwitchingView:
    """Where a factory x product stands in the switching rules (ISO 2859-1 9.3, 9.4): severity,
    the last normal lots, the switching score, the tightened run, and discontinuation."""
    actor.require(Permission.QUALITY_READ)
    factory = await _factory_in_reach(session, actor, factory_org_id)
    row = await repository.switching_state_in_alliance(session, actor, factory, _product(product))
    state = aql.SwitchingState.from_dict(row.state) if row else aql.SwitchingState()
    return SwitchingView(factory, product, state, row.updated_at if row else None)


async def resume_inspection(session: AsyncSession, actor: Actor, factory_org_id: uuid.UUID, product: str, note: str) -> SwitchingView:
    """The alliance's quality office confirms the supplier's corrective action and lets a
    discontinued supplier x product resume, on tightened inspection (ISO 2859-1 9.4). The
    note (what was corrected) travels in `quality.inspection_resumed`."""
    actor.require(Permission.ALLIANCE_ADMIN)
    if not 1 <= len(note.strip()) <= 1000:
        raise InvalidInput.at("/note", "say what corrective action was confirmed (1 to 1000 characters)")
    factory = await _factory_in_reach(session, actor, factory_org_id)
    row = await repository.switching_state_in_alliance(session, actor, factory, _product(product), for_update=True)
    state = aql.SwitchingState.from_dict(row.state) if row else aql.SwitchingState()
    if row is None or not state.discontinued:
        raise Conflict(f"inspection of {product} at organisation {factory} is not discontinued", "not_discontinued")
    resumed = aql.resume(state)
    now = utcnow()
    row.state = resumed.as_dict()
    row.severity = InspectionSeverity(resumed.severity.value)
    row.discontinued = False
    row.updated_at = now
    await session.flush()
    events.emit(session, actor, INSPECTION_RESUMED, "quality_switching_state", row.id, {
        "factory_org_id": str(factory), "product": product, "severity": resumed.severity.value,
        "resumed_by": str(actor.user_id), "note": note.strip(),
    })
    return SwitchingView(factory, product, resumed, now)
