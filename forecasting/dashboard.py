"""The alliance admin dashboard as one service call over one window.

Every figure is over the same window, service.health_window() (eight ISO weeks: two before
the current one, the current one, five after), and the marketplace facts behind them are
read once: the offers and allocations of the window (analytics.load_utilisation) feed the
factory x week and process x week grids, the utilisation per week, by tier and by process,
the utilisation and tier KPIs and the factories' traffic lights; the open alerts are read
once for the lights and the alert list. Rates over delivered work (on-time, fulfilment,
cycle volatility) can only count the part of the window that has passed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from capool.clock import utcnow
from capool.tenancy.actor import Actor, Permission
from forecasting import repository, service
from forecasting.models import AlertKind, HealthAlert
from marketplace import analytics, capacity
from marketplace.integrations.catenax import service as dcm_service

BOTTLENECK_TOP = 3
# The alerts an admin acts on; red-light alerts are the lights themselves.
LISTED_ALERTS = (AlertKind.FORECAST_WARNING, AlertKind.EQUIPMENT, AlertKind.WITHDRAWN_WORK)


@dataclass
class Grid:
    """Rows (factories or processes) x the window's weeks; a missing cell: nothing published
    or allocated that week."""

    rows: list[str]
    weeks: list[datetime]
    cells: dict[tuple[int, int], analytics.UtilisationRow]
    # (key, unit) of each row: the factory's id or the process code, for pages that label rows
    # their own way (processes by their catalogue names in the page's language).
    keys: list[tuple[str, str]] = field(default_factory=list)
    # Whether the rows name their unit (factories publish in more than one).
    units_shown: bool = False


@dataclass
class WeekUtilisation:
    """The alliance's utilisation in one week, per capacity unit."""

    week: datetime
    unit: str
    allocated: int
    published: int
    utilisation: float | None


@dataclass
class AlertRow:
    """One open alert per process (warning line: every buyer warned for it together),
    resource (equipment) or withdrawn offer (withdrawn work)."""

    kind: AlertKind
    subject: str
    message: str
    # The details of the alert whose message is shown (the page says it from them).
    details: dict[str, object]
    organisations: list[str]
    opened_at: datetime | None
    alert_ids: list[uuid.UUID] = field(default_factory=list)


@dataclass
class Bottleneck:
    process: str
    colour: str
    reasons: list[str]
    risks: list[dict[str, object]]
    utilisation: float | None


@dataclass
class Dashboard:
    window: service.Window
    factory_grid: Grid
    process_grid: Grid
    weekly: list[WeekUtilisation]
    by_tier: list[analytics.UtilisationRow]
    by_process: list[analytics.UtilisationRow]
    on_time: analytics.OnTime
    report: service.KpiReport
    lights: list[service.LightOut]
    alerts: list[AlertRow]
    bottlenecks: list[Bottleneck]
    dcm: dcm_service.Comparison
    # Offer id -> label, for the withdrawn offers the alerts name.
    offers: dict[str, str]


def week_grid(facts: analytics.UtilisationFacts, weeks: list[datetime], group_by: str) -> Grid:
    per_week = [analytics.aggregate(facts, group_by, start, start + timedelta(weeks=1)) for start in weeks]
    labels: dict[tuple[str, str], str] = {}
    for rows in per_week:
        for row in rows:
            labels[(row.key, row.unit)] = row.label
    units = {unit for _, unit in labels}
    keys = sorted(labels, key=lambda k: (labels[k], k[1]))
    # The unit only shows when factories publish in more than one.
    names = [labels[k] if len(units) == 1 else f"{labels[k]} ({k[1]})" for k in keys]
    index = {k: i for i, k in enumerate(keys)}
    cells = {(index[(row.key, row.unit)], c): row for c, rows in enumerate(per_week) for row in rows}
    return Grid(names, weeks, cells, keys, len(units) > 1)


def weekly_utilisation(facts: analytics.UtilisationFacts, weeks: list[datetime]) -> list[WeekUtilisation]:
    """Allocated over published capacity of the whole alliance per week and unit."""
    out = []
    for start in weeks:
        totals: dict[str, list[int]] = {}
        for row in analytics.aggregate(facts, "factory", start, start + timedelta(weeks=1)):
            pair = totals.setdefault(row.unit, [0, 0])
            pair[0] += row.allocated
            pair[1] += row.published or 0
        for unit, (allocated, published) in sorted(totals.items()):
            out.append(WeekUtilisation(start, unit, allocated, published, allocated / published if published else None))
    return out


def alert_rows(alerts: list[HealthAlert], names: dict[uuid.UUID, str]) -> list[AlertRow]:
    """The listed kinds of `alerts`, one row per (kind, subject). A process warned for several
    buyers is one row: the message of its highest ratio, every buyer named."""
    groups: dict[tuple[AlertKind, str], list[HealthAlert]] = {}
    for alert in alerts:
        if alert.kind in LISTED_ALERTS:
            groups.setdefault((alert.kind, alert.subject), []).append(alert)
    rows = []
    for (kind, subject), group in groups.items():
        if kind == AlertKind.FORECAST_WARNING:
            lead = max(group, key=lambda a: (float((a.details or {}).get("ratio") or 1.0), a.created_at))
        else:
            lead = max(group, key=lambda a: a.created_at)
        label = str((lead.details or {}).get("resource") or subject)
        opened = min((a.created_at for a in group if a.created_at is not None), default=None)
        organisations = sorted({names.get(a.organisation_id, str(a.organisation_id)) for a in group})
        rows.append(AlertRow(kind, label, lead.message, dict(lead.details or {}), organisations, opened, sorted((a.id for a in group), key=str)))
    order = {kind: i for i, kind in enumerate(LISTED_ALERTS)}
    return sorted(rows, key=lambda r: (order[r.kind], r.subject))


def bottleneck_processes(lights: list[service.LightOut], by_process: list[analytics.UtilisationRow]) -> list[Bottleneck]:
    """Processes whose light is not green (the service's reasons), plus the most utilised
    processes of the window; red first, then yellow, then by utilisation."""
    rows: dict[str, Bottleneck] = {}
    utilisation: dict[str, float | None] = {}
    for row in by_process:
        # A process published in two units: its higher figure.
        if row.utilisation is None:
            utilisation.setdefault(row.key, None)
        else:
            utilisation[row.key] = max(utilisation.get(row.key) or 0.0, row.utilisation)
    colours = {light.key: light for light in lights if light.scope == "process"}
    for light in colours.values():
        if light.colour != "green":
            rows[light.key] = Bottleneck(light.key, light.colour, light.reasons, light.risks, utilisation.get(light.key))
    busiest = sorted((k for k, v in utilisation.items() if v is not None), key=lambda k: (-(utilisation[k] or 0.0), k))[:BOTTLENECK_TOP]
    for key in busiest:
        light = colours.get(key)
        rows.setdefault(key, Bottleneck(key, light.colour if light else "green", [], [], utilisation[key]))
    return sorted(rows.values(), key=lambda r: ({"red": 0, "yellow": 1}.get(r.colour, 2), -(r.utilisation or 0.0), r.process))


async def alliance_dashboard(session: AsyncSession, actor: Actor, now: datetime | None = None) -> Dashboard:
    """Alliance admins: the dashboard's figures over health_window(now)."""
    actor.require(Permission.ANALYTICS_ALLIANCE)
    window = service.health_window(now or utcnow())
    weeks = list(window.weeks)
    facts = await analytics.load_utilisation(session, actor, window.start, window.end)
    by_factory = analytics.aggregate(facts, "factory")
    by_process = analytics.aggregate(facts, "process")
    on_time = await analytics.on_time_rate(session, actor, window.start, window.end)
    report = await service.kpis(session, actor, window.start, window.end, facts=facts, on_time=on_time)
    alerts = await repository.open_alerts(session, actor, alliance_wide=True)
    lights = await service.traffic_lights(session, actor, window, factory_rows=by_factory, alerts=alerts)
    names = await repository.organisation_names(session, actor, {a.organisation_id for a in alerts})
    dcm = await dcm_service.compare(session, actor, window.start.date(), len(weeks))
    offers = await capacity.offer_labels(session, actor, [a.subject for a in alerts if a.kind == AlertKind.WITHDRAWN_WORK])
    return Dashboard(
        window=window, factory_grid=week_grid(facts, weeks, "factory"), process_grid=week_grid(facts, weeks, "process"),
        weekly=weekly_utilisation(facts, weeks), by_tier=analytics.aggregate(facts, "tier"), by_process=by_process,
        on_time=on_time, report=report, lights=lights, alerts=alert_rows(alerts, names),
        bottlenecks=bottleneck_processes(lights, by_process), dcm=dcm, offers=offers,
    )
