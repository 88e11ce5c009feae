"""Forecasting and capacity-health services: the adapter between the marketplace tables
and the pure engine (forecasting/engine.py) and rules (forecasting/health.py).

Services take (session, actor, ...), never commit, and emit domain events through the
outbox: `forecast.warning`, `health.alert`, `equipment.alert`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy.ext.asyncio import AsyncSession

from capool import events
from capool.clock import ensure_utc, utcnow
from capool.errors import Conflict, InvalidInput
from capool.tenancy.actor import Actor, Permission, SystemPurpose, system_actor
from capool.tenancy.models import OrgKind
from capool.tenancy.policy import get_writable
from forecasting import capacity as capacity_model
from forecasting import health, repository
from forecasting.engine import ForecastConfig, forecast
from forecasting.models import AlertKind, ForecastPoint, ForecastRun, Granularity, HealthAlert, TelemetryReading
from forecasting.schemas import TelemetryIn
from marketplace import analytics, catalogue
from marketplace import capacity as capacity_service
from marketplace import repository as marketplace_repository
from marketplace.models import CapacityOffer, CapacityUnit, OrderStatus, Partnership, Resource, Tier
from marketplace.schemas import OfferChange

DAILY_HISTORY_DAYS = 365
WEEKLY_HISTORY_WEEKS = 104
MIN_HORIZON_DAYS, MAX_HORIZON_DAYS = 7, 28
PARTNER_DAYS = 15
# Share of a resource's offered capacity taken away by a maintenance alert.
MAINTENANCE_REDUCTION = 0.5


def _period_days(granularity: Granularity) -> int:
    return 7 if granularity == Granularity.WEEKLY else 1


def horizon_steps(granularity: Granularity, horizon_days: int) -> int:
    if not MIN_HORIZON_DAYS <= horizon_days <= MAX_HORIZON_DAYS:
        raise InvalidInput.at("/horizon", f"horizon must be {MIN_HORIZON_DAYS}-{MAX_HORIZON_DAYS} days")
    return -(-horizon_days // _period_days(granularity))


def buyer_actor(organisation_id: uuid.UUID, alliance_id: uuid.UUID) -> Actor:
    """The scheduled job reads as the buyer itself would (its own orders, the offers it sees)."""
    return system_actor(SystemPurpose.FORECAST_REFRESH, organisation_id, alliance_id, OrgKind.BUYER)


# ----------------------------------------------------------------- demand forecasts
def demand_series(history: list[tuple[str, datetime, int]], granularity: Granularity, origin: date, periods: int) -> pd.DataFrame:
    """Order quantity per process and period up to (not including) `origin`, zero-filled,
    starting at each process's first order: the engine's unique_id / ds / y frame."""
    step = _period_days(granularity)
    first_period = origin - timedelta(days=step * periods)
    totals: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for process, placed_at, quantity in history:
        day = ensure_utc(placed_at).date()
        if first_period <= day < origin:
            totals[process][(day - first_period).days // step] += quantity
    frames = []
    for process, by_period in sorted(totals.items()):
        first = min(by_period)
        values = [by_period.get(i, 0.0) for i in range(first, periods)]
        frames.append(pd.DataFrame({"unique_id": process, "ds": range(first + 1, periods + 1), "y": values}))
    if not frames:
        return pd.DataFrame(columns=["unique_id", "ds", "y"])
    return pd.concat(frames, ignore_index=True)


def _origin(granularity: Granularity, today: date) -> date:
    return today - timedelta(days=today.weekday()) if granularity == Granularity.WEEKLY else today


async def refresh_demand(
    session: AsyncSession, organisation_id: uuid.UUID, alliance_id: uuid.UUID, granularity: Granularity,
    horizon_days: int = MAX_HORIZON_DAYS, now: datetime | None = None,
) -> ForecastRun | None:
    """Forecast the buyer's demand per process from its order history, store the run as
    the latest, and evaluate the warning line (daily runs). None when there is no history."""
    actor = buyer_actor(organisation_id, alliance_id)
    steps = horizon_steps(granularity, horizon_days)
    today = (now or utcnow()).date()
    origin = _origin(granularity, today)
    periods = WEEKLY_HISTORY_WEEKS if granularity == Granularity.WEEKLY else DAILY_HISTORY_DAYS
    since = datetime.combine(origin - timedelta(days=_period_days(granularity) * periods), time.min, UTC)
    frame = demand_series(await repository.order_history(session, actor, since), granularity, origin, periods)
    if frame.empty:
        return None
    season = 7 if granularity == Granularity.DAILY else (52 if frame.groupby("unique_id").size().max() >= 104 else 1)
    config = ForecastConfig(horizon=steps, season_length=season, levels=(80, 95))
    # The engine is CPU-bound; keep the event loop free while it runs.
    result = await asyncio.to_thread(forecast, frame, config)
    await repository.retire_latest(session, organisation_id, granularity)
    run = ForecastRun(
        organisation_id=organisation_id, granularity=granularity, horizon=steps, origin=origin, engine=result.engine,
        engine_version=result.version, series_count=len(result.chosen), is_latest=True,
        params={"season_length": season, "levels": [80, 95], "cv_windows": config.cv_windows, "max_history": config.max_history,
                "intermittent_share": config.intermittent_share, "ensemble": config.ensemble, "history_periods": periods,
                "models": dict(sorted(result.chosen.items())), "cv_scores": result.cv_scores},
    )
    session.add(run)
    await session.flush()
    step_days = _period_days(granularity)
    p = result.points
    for uid, step, yhat, lo80, hi80, lo95, hi95 in zip(p["unique_id"], p["step"], p["yhat"], p["lo-80"], p["hi-80"], p["lo-95"], p["hi-95"], strict=True):
        start = origin + timedelta(days=step_days * (int(step) - 1))
        session.add(ForecastPoint(
            run_id=run.id, organisation_id=organisation_id, process=str(uid), step=int(step), period_start=start,
            period_end=start + timedelta(days=step_days - 1), model=result.chosen[str(uid)], yhat=float(yhat),
            lo_80=float(lo80), hi_80=float(hi80), lo_95=float(lo95), hi_95=float(hi95),
        ))
    await session.flush()
    if granularity == Granularity.DAILY:
        await _apply_warning_lines(session, actor, run)
    return run


@dataclass
class DemandForecast:
    run_id: uuid.UUID | None
    granularity: str
    engine: str | None
    engine_version: str | None
    created_at: datetime | None
    points: list[ForecastPoint] = field(default_factory=list)


async def demand_forecast(session: AsyncSession, actor: Actor, process: str | None, horizon_days: int, granularity: Granularity) -> DemandForecast:
    """The caller's latest stored forecast (refreshed by the scheduled job)."""
    actor.require(Permission.FORECAST_READ)
    await catalogue.check_known(session, actor.alliance_id, {"/process": process})
    steps = horizon_steps(granularity, horizon_days)
    run = await repository.latest_run(session, actor, granularity)
    if run is None:
        return DemandForecast(None, granularity.value, None, None, None)
    points = await repository.run_points(session, actor, run.id, process, steps)
    return DemandForecast(run.id, granularity.value, run.engine, run.engine_version, run.created_at, points)


@dataclass
class PartnerForecastLine:
    buyer: str
    process: str
    day: date
    yhat: float
    lo_80: float
    hi_80: float


async def partner_forecast(session: AsyncSession, actor: Actor) -> list[PartnerForecastLine]:
    """Read-only: the next 15 days of demand of the factory's partner buyers, for the
    processes the factory supplies (seed 003 §6)."""
    actor.require(Permission.FORECAST_READ)
    if actor.org_kind == OrgKind.BUYER:
        return []
    processes = await repository.own_processes(session, actor)
    rows = await repository.partner_forecast_points(session, actor.organisation_id, processes, PARTNER_DAYS)
    today = utcnow().date()
    return [
        PartnerForecastLine(buyer, p.process, p.period_start, p.yhat, p.lo_80, p.hi_80)
        for p, buyer in rows
        if today <= p.period_start < today + timedelta(days=PARTNER_DAYS)
    ]


# ----------------------------------------------------------------- capacity forecast
@dataclass
class CapacityForecast:
    """What the buyer can still get per process and ISO week (forecasting/capacity.py), and
    how each offer in it is tiered for the buyer."""

    buyer: uuid.UUID
    start: date
    end: date
    weeks: dict[str, list[capacity_model.WeekCapacity]]
    offers: dict[uuid.UUID, tuple[CapacityOffer, Partnership | None]]


async def capacity_view(session: AsyncSession, actor: Actor, start: date, end: date, today: date | None = None,
                        process: str | None = None) -> CapacityForecast:
    """Published capacity of the active offers the buyer sees, less the load booked on their
    resources' days, with open maintenance cuts, per process and ISO week from start to end."""
    today = today or utcnow().date()
    rows = await repository.offers_for_buyer(session, actor, process, start, end)
    resources = await repository.resources_by_id(session, {o.resource_id for o, _ in rows})
    maintenance = await repository.open_maintenance(session, set(resources))
    facts = []
    for offer, _ in rows:
        resource = resources.get(offer.resource_id)
        if resource is None:
            continue
        cut = MAINTENANCE_REDUCTION if offer.resource_id in maintenance and str(offer.id) not in maintenance[offer.resource_id] else 0.0
        facts.append(capacity_model.OfferFacts(
            offer.id, offer.organisation_id, offer.resource_id, offer.process, offer.capacity_per_day,
            offer.units_per_hour if offer.capacity_unit == CapacityUnit.HOUR else 1, offer.remaining,
            capacity_model.sellable_days(offer.window_start, offer.window_end, resource.working_weekdays, today, offer.lead_time_days),
            cut,
        ))
    days = await marketplace_repository.resource_days(session, set(resources), start, end) if resources else {}
    resource_days = {key: capacity_model.ResourceDayFacts(row.capacity, row.booked) for key, row in days.items()}
    weeks = capacity_model.weekly_capacity(facts, resource_days, start, end)
    return CapacityForecast(actor.organisation_id, start, end, weeks, {o.id: (o, p) for o, p in rows})


@dataclass
class CapacityWeek:
    process: str
    week: str
    start: date
    end: date
    # Pieces, all of the offers the buyer sees: published, booked by anyone, free.
    published: int
    booked: int
    free: int
    # Of the free pieces: the buyer's own offers plus its partners' reserved share (the
    # capacity of the warning line), the rest of partner offers, and floating offers.
    available: int
    partner_spare: int
    floating_spare: int


async def capacity_forecast(session: AsyncSession, actor: Actor, process: str | None = None, horizon_days: int = MAX_HORIZON_DAYS,
                            now: datetime | None = None) -> list[CapacityWeek]:
    """The caller's capacity forecast per process and ISO week, from today for `horizon_days`."""
    actor.require(Permission.FORECAST_READ)
    if not MIN_HORIZON_DAYS <= horizon_days <= MAX_HORIZON_DAYS:
        raise InvalidInput.at("/horizon", f"horizon must be {MIN_HORIZON_DAYS}-{MAX_HORIZON_DAYS} days")
    await catalogue.check_known(session, actor.alliance_id, {"/process": process})
    today = (now or utcnow()).date()
    view = await capacity_view(session, actor, today, today + timedelta(days=horizon_days - 1), today, process)
    out = []
    for name, weeks in sorted(view.weeks.items()):
        for week in weeks:
            line = _line(view, name, 0.0, [week])
            spare = {"partner": 0, "floating": 0}
            for candidate in _candidates(view, [week]):
                spare[candidate.tier] += candidate.spare
            out.append(CapacityWeek(name, week.week, week.start, week.end, week.published, week.booked, week.free, line.capacity,
                                    spare["partner"], spare["floating"]))
    return out


@dataclass
class ForecastDay:
    day: date
    yhat: float
    lo_80: float
    hi_80: float
    lo_95: float
    hi_95: float
    # The capacity forecast's available pieces of the day's ISO week (the warning line's
    # capacity: own offers plus the partners' reserved share) over the week's days in the
    # horizon; None for a day the capacity forecast does not cover.
    capacity_per_day: float | None


@dataclass
class ProcessOutlook:
    process: str
    days: list[ForecastDay]
    weeks: list[CapacityWeek]


@dataclass
class Outlook:
    """The buyer's latest daily demand forecast beside its capacity forecast, per process."""

    run_id: uuid.UUID | None
    engine: str | None
    created_at: datetime | None
    start: date
    end: date
    processes: list[ProcessOutlook]


async def outlook(session: AsyncSession, actor: Actor, horizon_days: int = MAX_HORIZON_DAYS, now: datetime | None = None) -> Outlook:
    """Demand (GET /v1/forecasts/demand, daily, with its 80% / 95% intervals) and capacity
    (GET /v1/forecasts/capacity's computation) from today for `horizon_days`, per process
    that has either."""
    actor.require(Permission.FORECAST_READ)
    today = (now or utcnow()).date()
    end = today + timedelta(days=horizon_days - 1)
    demand = await demand_forecast(session, actor, None, horizon_days, Granularity.DAILY)
    weeks = await capacity_forecast(session, actor, None, horizon_days, now)
    by_process: dict[str, list[CapacityWeek]] = defaultdict(list)
    for week in weeks:
        by_process[week.process].append(week)
    points: dict[str, list[ForecastPoint]] = defaultdict(list)
    for point in demand.points:
        if today <= point.period_start <= end:
            points[point.process].append(point)
    out = []
    for process in sorted(set(points) | set(by_process)):
        per_day: dict[date, float] = {}
        for week in by_process.get(process, []):
            days = (week.end - week.start).days + 1
            for i in range(days):
                per_day[week.start + timedelta(days=i)] = week.available / days
        days = [ForecastDay(p.period_start, p.yhat, p.lo_80, p.hi_80, p.lo_95, p.hi_95, per_day.get(p.period_start))
                for p in sorted(points.get(process, []), key=lambda p: p.period_start)]
        out.append(ProcessOutlook(process, days, by_process.get(process, [])))
    return Outlook(demand.run_id, demand.engine, demand.created_at, today, end, out)


def _candidates(view: CapacityForecast, weeks: list[capacity_model.WeekCapacity]) -> list[health.CandidateOffer]:
    return _tiers(view, weeks)[1]


def _tiers(view: CapacityForecast, weeks: list[capacity_model.WeekCapacity]) -> tuple[int, list[health.CandidateOffer]]:
    """(core pieces, candidate offers) of the free capacity in `weeks`: the buyer's own offers
    and its partners' reserved share are core; the rest of partner offers, then floating
    offers, are what a proposal may add."""
    spare: dict[uuid.UUID, int] = defaultdict(int)
    for week in weeks:
        for offer_id, free in week.by_offer.items():
            spare[offer_id] += free
    core, candidates = 0, []
    for offer_id in sorted(spare, key=str):
        offer, partnership = view.offers[offer_id]
        free = spare[offer_id]
        if offer.organisation_id == view.buyer:
            core += free
        elif partnership is not None:
            committed = free * partnership.reserved_share_pct // 100
            core += committed
            candidates.append(health.CandidateOffer(offer.id, offer.organisation_id, Tier.PARTNER.value, free - committed,
                                                    offer.unit_price_minor, offer.currency, partnership.priority, offer.lead_time_days))
        else:
            candidates.append(health.CandidateOffer(offer.id, offer.organisation_id, Tier.FLOATING.value, free,
                                                    offer.unit_price_minor, offer.currency, 1, offer.lead_time_days))
    return core, candidates


def _line(view: CapacityForecast, process: str, demand: float, weeks: list[capacity_model.WeekCapacity]) -> health.WarningLine:
    """The warning line of `demand` against the free capacity of `weeks` (see _tiers)."""
    core, candidates = _tiers(view, weeks)
    return health.warning_line(process, demand, core, candidates)


async def warning_for(session: AsyncSession, actor: Actor, process: str, demand: float, start: date, end: date) -> health.WarningLine:
    """The warning line of a demand over the whole window [start, end]."""
    view = await capacity_view(session, actor, start, end, process=process)
    return _line(view, process, demand, view.weeks.get(process, []))


def _line_payload(line: health.WarningLine, start: date, end: date) -> dict:
    return {
        "process": line.process, "window_start": start.isoformat(), "window_end": end.isoformat(),
        "forecast_demand": round(line.demand, 2), "available_capacity": line.capacity,
        "ratio": None if line.ratio is None else round(line.ratio, 4), "needed": line.needed, "uncovered": line.uncovered,
        # The matching engine's preview turns these candidates into a reservation plan.
        "proposal": [{"offer_id": str(p.offer_id), "organisation_id": str(p.organisation_id), "tier": p.tier, "quantity": p.quantity,
                      "unit_price_minor": p.unit_price_minor, "currency": p.currency} for p in line.proposal],
    }


def _week_payload(week: capacity_model.WeekCapacity, line: health.WarningLine) -> dict:
    return {"week": week.week, "start": week.start.isoformat(), "end": week.end.isoformat(), "forecast_demand": round(line.demand, 2),
            "published": week.published, "booked": week.booked, "available_capacity": line.capacity,
            "ratio": None if line.ratio is None else round(line.ratio, 4), "warning": line.warning}


async def _apply_warning_lines(session: AsyncSession, actor: Actor, run: ForecastRun) -> list[health.WarningLine]:
    """The warning line per process over the run's window and per ISO week in it: a process
    is warned when its window or any of its weeks is at or over the line."""
    points = await repository.run_points(session, actor, run.id, None, run.horizon)
    demand: dict[str, float] = defaultdict(float)
    for p in points:
        demand[p.process] += p.yhat
    weekly = capacity_model.demand_by_week((p.process, p.period_start, p.yhat) for p in points)
    start, end = run.origin, run.origin + timedelta(days=run.horizon - 1)
    view = await capacity_view(session, actor, start, end)
    lines = []
    for process, total in sorted(demand.items()):
        weeks = view.weeks.get(process, [])
        line = _line(view, process, total, weeks)
        week_lines = [(w, _line(view, process, weekly.get((process, w.week), 0.0), [w])) for w in weeks]
        lines.append(line)
        warned = [(w, wl) for w, wl in week_lines if wl.warning]
        existing = await repository.open_alert(session, actor.organisation_id, AlertKind.FORECAST_WARNING, process)
        if line.warning or warned:
            payload = _line_payload(line, start, end) | {"forecast_run_id": str(run.id), "weeks": [_week_payload(w, wl) for w, wl in week_lines]}
            message = f"forecast demand for {process} is {total:.0f} against {line.capacity} available ({WARN_TEXT})"
            if warned:
                message += "; weeks over the line: " + ", ".join(w.week for w, _ in warned)
            if existing is None:
                alert = HealthAlert(organisation_id=actor.organisation_id, kind=AlertKind.FORECAST_WARNING, subject=process, message=message, details=payload)
                session.add(alert)
                await session.flush()
                events.emit(session, actor, "forecast.warning", "health_alert", alert.id, payload)
            else:
                existing.details, existing.message = payload, message
        elif existing is not None:
            existing.resolved_at = utcnow()
    return lines


WARN_TEXT = f"warning line {health.WARNING_RATIO:.0%}"


# ----------------------------------------------------------------- traffic lights
@dataclass
class LightOut:
    scope: str
    key: str
    label: str
    colour: str
    reasons: list[str]
    # The reasons as codes with their values ({"code": "few_suppliers", "params": {...}}), for
    # a page that says them in the reader's language.
    risks: list[dict[str, object]] = field(default_factory=list)


# ----------------------------------------------------------------- the health window
HEALTH_WEEKS_BEFORE = 2
HEALTH_WEEKS_AFTER = 6


@dataclass(frozen=True)
class Window:
    """The window the capacity-health figures are judged over: whole ISO weeks (Monday
    00:00 UTC), from HEALTH_WEEKS_BEFORE weeks before the current one up to HEALTH_WEEKS_AFTER
    weeks from it (the current week included); `end` is exclusive."""

    weeks: tuple[datetime, ...]

    @property
    def start(self) -> datetime:
        return self.weeks[0]

    @property
    def end(self) -> datetime:
        return self.weeks[-1] + timedelta(weeks=1)

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()


def health_window(now: datetime | None = None) -> Window:
    today = (now or utcnow()).date()
    monday = datetime.combine(today - timedelta(days=today.weekday()), time.min, UTC)
    return Window(tuple(monday + timedelta(weeks=i) for i in range(-HEALTH_WEEKS_BEFORE, HEALTH_WEEKS_AFTER)))


def factory_utilisation(rows: list[analytics.UtilisationRow]) -> dict[str, float]:
    """factory id -> its utilisation over the rows' window (the highest of its capacity units)."""
    utilisation: dict[str, float] = {}
    for row in rows:
        if row.utilisation is not None:
            utilisation[row.key] = max(utilisation.get(row.key, 0.0), row.utilisation)
    return utilisation


async def traffic_lights(session: AsyncSession, actor: Actor, window: Window | None = None, *,
                         factory_rows: list[analytics.UtilisationRow] | None = None,
                         alerts: list[HealthAlert] | None = None) -> list[LightOut]:
    """Alliance admins: every member factory and process. Members: their own factory, the
    processes they supply or buy, and the alliance light over those risks. A factory's
    utilisation is judged over `window` (default: health_window()); `factory_rows` (the
    window's utilisation by factory) and `alerts` (the open alerts in the caller's scope)
    are passed by a caller that has them already."""
    actor.require(Permission.FORECAST_READ)
    window = window or health_window()
    today = utcnow().date()
    if factory_rows is None:
        factory_rows = await analytics.utilisation_rows(session, actor, window.start, window.end, "factory")
    utilisation = factory_utilisation(factory_rows)
    factories = await repository.alliance_factories(session, actor)
    suppliers = await repository.suppliers_by_process(session, actor, today)
    alliance_wide = actor.is_alliance_admin
    if alerts is None:
        alerts = await repository.open_alerts(session, actor, alliance_wide=alliance_wide)
    # Several buyers may be warned for one process: the process carries the highest ratio.
    warnings: dict[str, float] = {}
    for a in alerts:
        if a.kind == AlertKind.FORECAST_WARNING:
            warnings[a.subject] = max(warnings.get(a.subject, 0.0), float(a.details.get("ratio") or 1.0))
    equipment = [a for a in alerts if a.kind == AlertKind.EQUIPMENT]
    resources = await repository.resources_by_id(session, {a.resource_id for a in equipment if a.resource_id})
    if not alliance_wide:
        # A member sees the processes it supplies, buys or has warnings for.
        mine = await repository.own_processes(session, actor) | set(warnings)
        mine |= {p for p, orgs in suppliers.items() if actor.organisation_id in orgs}
        suppliers = {p: orgs for p, orgs in suppliers.items() if p in mine}
        for process in mine:
            suppliers.setdefault(process, set())
    data = health.HealthInput(
        factories={str(fid): (name, utilisation.get(str(fid))) for fid, name in factories.items()},
        suppliers={p: {str(o) for o in orgs} for p, orgs in suppliers.items()},
        warnings=warnings,
        equipment_alerts=[
            (str(a.organisation_id), resources[a.resource_id].name if a.resource_id in resources else a.subject,
             tuple(resources[a.resource_id].processes) if a.resource_id in resources else ())
            for a in equipment
        ],
    )
    return [LightOut(light.scope, light.key, light.label, light.colour, list(light.reasons), [{"code": r.code, "params": dict(r.params)} for r in light.risks])
            for light in health.traffic_lights(data)]


async def record_red_lights(session: AsyncSession, actor: Actor) -> list[HealthAlert]:
    """Open a `health.alert` for every light that turned red; resolve those that recovered."""
    lights = await traffic_lights(session, actor)
    raised = []
    red = {f"{light.scope}:{light.key}": light for light in lights if light.colour == health.RED}
    for alert in await repository.open_alerts(session, actor, AlertKind.TRAFFIC_LIGHT):
        if alert.subject not in red:
            alert.resolved_at = utcnow()
    for subject, light in red.items():
        if await repository.open_alert(session, actor.organisation_id, AlertKind.TRAFFIC_LIGHT, subject) is None:
            payload = {"scope": light.scope, "key": light.key, "label": light.label, "colour": light.colour, "reasons": light.reasons, "risks": light.risks}
            alert = HealthAlert(organisation_id=actor.organisation_id, kind=AlertKind.TRAFFIC_LIGHT, subject=subject,
                                message=f"{light.label} is red: " + "; ".join(light.reasons), details=payload)
            session.add(alert)
            await session.flush()
            events.emit(session, actor, "health.alert", "health_alert", alert.id, payload)
            raised.append(alert)
    return raised


async def raise_withdrawn_work_alert(session: AsyncSession, actor: Actor, offer_id: uuid.UUID, message: str, details: dict[str, object]) -> HealthAlert:
    """The buyer's alert that accepted work of its own sits on a withdrawn offer (raised by the
    matching repair; the buyer and the alliance admins' dashboard read it). One open alert
    per buyer and offer; it is resolved when a repair of that work is applied."""
    existing = await repository.open_alert(session, actor.organisation_id, AlertKind.WITHDRAWN_WORK, str(offer_id))
    if existing is not None:
        existing.message, existing.details = message[:1000], details
        return existing
    alert = HealthAlert(organisation_id=actor.organisation_id, kind=AlertKind.WITHDRAWN_WORK, subject=str(offer_id), message=message[:1000], details=details)
    session.add(alert)
    await session.flush()
    events.emit(session, actor, "withdrawal.alert", "health_alert", alert.id, details)
    return alert


async def withdrawn_work_alerts(session: AsyncSession, actor: Actor) -> list[HealthAlert]:
    """The open `withdrawn_work` alerts of the caller's own organisation, oldest first (the
    buyer's portal; an alliance admin sees the alliance's on the dashboard instead)."""
    actor.require(Permission.ORDERS_READ)
    return [a for a in await repository.open_alerts(session, actor, AlertKind.WITHDRAWN_WORK) if a.organisation_id == actor.organisation_id]


async def resolve_withdrawn_work_alert(session: AsyncSession, organisation_id: uuid.UUID, offer_id: uuid.UUID) -> None:
    alert = await repository.open_alert(session, organisation_id, AlertKind.WITHDRAWN_WORK, str(offer_id))
    if alert is not None:
        alert.resolved_at = utcnow()


# ----------------------------------------------------------------- equipment health
@dataclass
class TelemetryResult:
    resource_id: uuid.UUID
    stored: int
    cycles_checked: int
    alert_id: uuid.UUID | None
    alert_opened: bool
    offers_reduced: list[uuid.UUID]
    offers_withdrawn: list[uuid.UUID]


async def ingest_telemetry(session: AsyncSession, actor: Actor, data: TelemetryIn) -> TelemetryResult:
    """Store current samples for one of the caller's own resources and apply the
    equipment rule; on a new alert, cut that resource's offered capacity."""
    actor.require(Permission.TELEMETRY_WRITE)
    resource = await get_writable(session, actor, Resource, data.resource_id)
    for sample in data.readings:
        session.add(TelemetryReading(organisation_id=actor.organisation_id, resource_id=resource.id, cycle=sample.cycle,
                                     current_a=sample.current_a, measured_at=ensure_utc(sample.measured_at)))
    await session.flush()
    window = health.EQUIPMENT_BASELINE + 4 * health.EQUIPMENT_CONSECUTIVE
    peaks = await repository.cycle_peaks(session, resource.id, window)
    check = health.equipment_check([p for _, p in peaks])
    existing = await repository.open_alert(session, actor.organisation_id, AlertKind.EQUIPMENT, str(resource.id))
    if not check.alert or existing is not None:
        return TelemetryResult(resource.id, len(data.readings), len(peaks), existing.id if existing else None, False, [], [])
    deviations = [{"cycle": peaks[i][0], "rolling_mean": round(mean, 4), "peak": peak} for i, mean, peak in check.deviations]
    reduced, withdrawn = await _reduce_capacity(session, actor, resource)
    payload = {"resource_id": str(resource.id), "resource": resource.name, "processes": list(resource.processes),
               "rule": f"cycle peak outside rolling mean +-{health.EQUIPMENT_TOLERANCE:.0%} for {health.EQUIPMENT_CONSECUTIVE} cycles in a row",
               "deviations": deviations, "offers_reduced": [str(i) for i in reduced], "offers_withdrawn": [str(i) for i in withdrawn]}
    alert = HealthAlert(organisation_id=actor.organisation_id, kind=AlertKind.EQUIPMENT, subject=str(resource.id), resource_id=resource.id,
                        message=f"maintenance alert on {resource.name}", details=payload)
    session.add(alert)
    await session.flush()
    events.emit(session, actor, "equipment.alert", "health_alert", alert.id, payload)
    return TelemetryResult(resource.id, len(data.readings), len(peaks), alert.id, True, reduced, withdrawn)


async def _reduce_capacity(session: AsyncSession, actor: Actor, resource: Resource) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """Through the marketplace capacity service, so `capacity.changed` / `capacity.withdrawn`
    reach the matching engine's repair mode. The rule acts for the resource's owner, whose
    telemetry key may lack capacity:write; the owner's own offers are all it touches."""
    owner = system_actor(SystemPurpose.MAINTENANCE_RULE, resource.organisation_id, actor.alliance_id, actor.org_kind)
    reduced, withdrawn = [], []
    for offer in await repository.active_offers_of_resource(session, resource.id, utcnow().date()):
        per_day = health.reduced_capacity_per_day(offer.capacity_per_day, MAINTENANCE_REDUCTION)
        try:
            if per_day < 1:
                raise Conflict("nothing left", "capacity_below_reserved")
            await capacity_service.change_offer(session, owner, offer.id, OfferChange(capacity_per_day=per_day))
            reduced.append(offer.id)
        except Conflict:
            # Allocated work would no longer fit: withdraw, which lists the allocations for repair.
            await capacity_service.withdraw_offer(session, owner, offer.id, f"maintenance alert on {resource.name}")
            withdrawn.append(offer.id)
    return reduced, withdrawn


# ----------------------------------------------------------------- KPIs
@dataclass
class KpiReport:
    window_start: datetime
    window_end: datetime
    kpis: list[health.KpiValue]
    self_check: health.SelfCheck
    notes: list[str]


async def kpis(session: AsyncSession, actor: Actor, start: datetime | None = None, end: datetime | None = None, *,
               facts: analytics.UtilisationFacts | None = None, on_time: analytics.OnTime | None = None) -> KpiReport:
    """KPIs with their DOMAIN.md targets over a window (default: 30 days either side of
    today, as marketplace analytics; rates over delivered work only count the past).
    `facts` (analytics.load_utilisation of the same window) and `on_time` are passed by a
    caller that has them already."""
    actor.require(Permission.FORECAST_READ)
    now = utcnow()
    default_start, default_end = analytics.default_window(now)
    end = ensure_utc(end) if end else default_end
    start = ensure_utc(start) if start else default_start
    if end <= start:
        raise InvalidInput.at("/end", "end must be after start")
    if end - start > timedelta(days=400):
        raise InvalidInput.at("/end", "the window may span at most 400 days")
    if facts is None:
        facts = await analytics.utilisation_facts(session, actor, start, end)
    elif (facts.start, facts.end, facts.as_buyer) != (start, end, False):
        raise ValueError("the utilisation facts are of another window")

    util_rows = analytics.aggregate(facts, "factory")
    by_unit: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in util_rows:
        if row.published:
            by_unit[row.unit][0] += row.allocated
            by_unit[row.unit][1] += row.published
    unit_ratios = [a / p for a, p in by_unit.values() if p]
    utilisation = sum(unit_ratios) / len(unit_ratios) if unit_ratios else None

    due = [o for o in await repository.orders_due(session, actor, start, min(end, now))]
    fulfilled = [o for o in due if o.delivered_at is not None]
    fulfilment = len(fulfilled) / len(due) if due else None
    if on_time is None:
        on_time = await analytics.on_time_of(session, actor, start, end)

    # A member's tier mix is about where its own orders went (analytics.utilisation).
    tier_facts = facts if actor.is_alliance_admin else await analytics.utilisation_facts(session, actor, start, end, as_buyer=True)
    tiers = analytics.aggregate(tier_facts, "tier")
    tier_alloc: dict[str, int] = defaultdict(int)
    for row in tiers:
        tier_alloc[row.key] += row.allocated
    total = sum(tier_alloc.values())
    external = (tier_alloc[Tier.PARTNER.value] + tier_alloc[Tier.FLOATING.value]) / total if total else None
    core = tier_alloc[Tier.CORE.value] / total if total else None

    allocations = await repository.allocations_of_buyer(session, actor, start, end)
    value = sum(a.quantity * a.unit_price_minor for a in allocations)
    switched = sum(a.quantity * a.unit_price_minor for a in allocations if a.status.value in ("declined", "cancelled"))
    switching = switched / value if value else None

    delivered = await repository.orders_delivered(session, actor, start, end)
    cycle_days = [(ensure_utc(o.delivered_at) - ensure_utc(o.created_at)).total_seconds() / 86400 for o in delivered if o.delivered_at]
    volatility = health.volatility(cycle_days)

    responds = await _responds_within_24h(session, actor, start, end)
    visible = await repository.current_offer_exists(session, actor, now.date())
    check = health.self_check(responds, external, utilisation, visible)
    values = [
        health.kpi("utilisation", utilisation), health.kpi("fulfilment_rate", fulfilment),
        health.kpi("switching_cost_share", switching), health.kpi("external_share", external),
        health.kpi("core_share", core), health.kpi("on_time_rate", on_time.rate), health.kpi("cycle_volatility", volatility),
    ]
    notes = [
        "switching_cost_share: value of allocations declined or cancelled (work that had to move) over all allocation value in the window",
        "responds_within_24h: every order submitted in the window was allocated within 24 hours of submission",
        "real_time_capacity_visibility: an active offer covers today",
    ]
    return KpiReport(start, end, values, check, notes)


async def _responds_within_24h(session: AsyncSession, actor: Actor, start: datetime, end: datetime) -> bool | None:
    """Whether every order submitted in the window was allocated within 24 hours of its
    (first) submission in it; None when none was submitted."""
    submitted: dict[uuid.UUID, datetime] = {}
    allocated: dict[uuid.UUID, datetime] = {}
    for order_id, to_status, occurred_at in await repository.submissions_and_allocations(session, actor, start, end):
        at = ensure_utc(occurred_at)
        if to_status == OrderStatus.SUBMITTED and start <= at < end:
            submitted.setdefault(order_id, at)
        elif to_status == OrderStatus.ALLOCATED:
            allocated.setdefault(order_id, at)
    if not submitted:
        return None
    return all(o in allocated and allocated[o] - at <= timedelta(hours=24) for o, at in submitted.items())
