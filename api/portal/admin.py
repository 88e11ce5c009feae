"""Alliance admin dashboard: utilisation heat map (factory x week), utilisation by tier and
process, on-time delivery (marketplace.analytics); KPIs against their targets, traffic
lights with reasons, open warning-line and equipment alerts and the self-check score
(forecasting.service); bottleneck processes (lights of processes at risk and the most
utilised processes). Dead letters: the alliance's outbox events whose consumer kept failing
(capool.dead_letters), each retried with one button."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from api.portal.access import requires
from api.portal.charts import HeatCell, bar, heat_map
from api.portal.web import PREFIX, form_of, redirect, render, signed_in
from capool import dead_letters
from capool.clock import utcnow
from capool.errors import Conflict, InvalidInput
from capool.tenancy.actor import Permission
from forecasting import repository as health_repository
from forecasting import service as health_service
from forecasting.models import AlertKind
from marketplace import analytics, capacity
from marketplace.integrations.catenax import service as dcm_service

BOTTLENECK_TOP = 3

WEEKS_BEFORE = 2
WEEKS_AFTER = 6


def week_starts(now: datetime) -> list[datetime]:
    monday = datetime.combine(now.date() - timedelta(days=now.weekday()), time.min, UTC)
    return [monday + timedelta(weeks=i) for i in range(-WEEKS_BEFORE, WEEKS_AFTER)]


async def week_grid(db_session: AsyncSession, actor, weeks: list[datetime], group_by: str) -> tuple[list[str], dict[tuple[int, int], HeatCell]]:  # type: ignore[no-untyped-def]
    """Rows (factories or processes) x weeks of analytics.utilisation, one call per week."""
    per_week = [await analytics.utilisation(db_session, actor, start, start + timedelta(weeks=1), group_by) for start in weeks]
    labels: dict[tuple[str, str], str] = {}
    for rows in per_week:
        for row in rows:
            labels[(row.key, row.unit)] = row.label
    units = {unit for _, unit in labels}
    keys = sorted(labels, key=lambda k: (labels[k], k[1]))
    # The unit only shows when factories publish in more than one.
    names = [labels[k] if len(units) == 1 else f"{labels[k]} ({k[1]})" for k in keys]
    cells: dict[tuple[int, int], HeatCell] = {}
    index = {k: i for i, k in enumerate(keys)}
    for c, rows in enumerate(per_week):
        for row in rows:
            cells[(index[(row.key, row.unit)], c)] = HeatCell(row.utilisation, row.allocated, row.published or 0)
    return names, cells


@get("/admin", name="portal:admin-dashboard", **requires(Permission.ANALYTICS_ALLIANCE))
async def dashboard(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    ctx = await signed_in(request, db_session)
    actor = ctx.actor
    assert actor is not None
    now = utcnow()
    weeks = week_starts(now)
    columns = [w.strftime("%m-%d") for w in weeks]
    factories, factory_cells = await week_grid(db_session, actor, weeks, "factory")
    processes, process_cells = await week_grid(db_session, actor, weeks, "process")
    start, end = weeks[0], weeks[-1] + timedelta(weeks=1)
    by_tier = await analytics.utilisation(db_session, actor, start, end, "tier")
    by_process = await analytics.utilisation(db_session, actor, start, end, "process")
    on_time = await analytics.on_time_rate(db_session, actor, now - timedelta(days=90), now)
    report = await health_service.kpis(db_session, actor)
    lights = await health_service.traffic_lights(db_session, actor)
    # The open alerts the forecasting service raised (read with the same alliance-wide scope
    # traffic_lights uses); the lights are built from them.
    alerts = [a for a in await health_repository.open_alerts(db_session, actor, alliance_wide=True) if a.kind in (AlertKind.FORECAST_WARNING, AlertKind.EQUIPMENT, AlertKind.WITHDRAWN_WORK)]
    bottlenecks = bottleneck_processes(lights, by_process)
    offers = await capacity.offer_labels(db_session, actor, [a.subject for a in alerts if a.kind == AlertKind.WITHDRAWN_WORK])
    # Catena-X DCM: this week and the weeks after it, the heat map's future columns.
    dcm = await dcm_service.compare(db_session, actor, now.date(), WEEKS_AFTER)
    return render(
        ctx, "admin/dashboard.html", heatmap=heat_map(factories, columns, factory_cells, ctx.t("dash.heatmap")),
        process_heatmap=heat_map(processes, columns, process_cells, ctx.t("dash.process_heatmap")), by_tier=by_tier, by_process=by_process, on_time=on_time, bar=bar,
        window_start=start.date(), window_end=(end - timedelta(days=1)).date(),
        report=report, lights=lights, alerts=alerts, bottlenecks=bottlenecks, dcm=dcm, dcm_thresholds=dcm_thresholds(dcm.volatility_parameters), offers=offers,
    )


def dcm_thresholds(parameters: dict) -> str:  # type: ignore[type-arg]
    """The first sub-horizon's thresholds as "+20% / -30% or +-100"."""
    [first, *_] = parameters["rollingHorizonAlertThresholds"]
    return (f"+{first['relativePositiveDeviation']:.0%} / -{first['relativeNegativeDeviation']:.0%}, "
            f"±{first['absolutePositiveDeviation']:g} / ±{first['absoluteNegativeDeviation']:g}")


def bottleneck_processes(lights, by_process) -> list[dict]:  # type: ignore[no-untyped-def]
    """Processes whose light is not green (fewer than 3 qualified suppliers, a warning line,
    a factory at >= 90%, an equipment alert: the service's reasons), plus the most
    utilised processes of the window."""
    rows: dict[str, dict] = {}
    utilisation = {row.key: row.utilisation for row in by_process}
    for light in lights:
        if light.scope == "process" and light.colour != "green":
            rows[light.key] = {"process": light.key, "colour": light.colour, "reasons": light.reasons, "risks": light.risks, "utilisation": utilisation.get(light.key)}
    busiest = sorted((r for r in by_process if r.utilisation is not None), key=lambda r: r.utilisation, reverse=True)[:BOTTLENECK_TOP]
    colours = {light.key: light.colour for light in lights if light.scope == "process"}
    for row in busiest:
        rows.setdefault(row.key, {"process": row.key, "colour": colours.get(row.key, "green"), "reasons": [], "risks": [], "utilisation": row.utilisation})
    return sorted(rows.values(), key=lambda r: ({"red": 0, "yellow": 1}.get(r["colour"], 2), -(r["utilisation"] or 0.0)))


DEAD_LETTERS_PAGE = 50


async def _dead_letters_page(request: Request, db_session: AsyncSession, status_code: int = 200, error: str | None = None) -> Response:
    ctx = await signed_in(request, db_session)
    assert ctx.actor is not None
    cursor = request.query_params.get("cursor") or None
    try:
        page = await dead_letters.list_dead_letters(db_session, ctx.actor, cursor=cursor, limit=DEAD_LETTERS_PAGE)
    except InvalidInput as exc:  # a cursor this portal did not hand out: start from the first page
        page = await dead_letters.list_dead_letters(db_session, ctx.actor, limit=DEAD_LETTERS_PAGE)
        status_code, error = exc.status, ctx.error(exc)
    total = await dead_letters.count_dead_letters(db_session, ctx.actor)
    retried = request.query_params.get("retried")
    return render(ctx, "admin/dead_letters.html", status_code=status_code, letters=page.items, next_cursor=page.next_cursor,
                  total=total, error=error, retried=retried)


@get("/admin/dead-letters", name="portal:admin-dead-letters", **requires(Permission.ALLIANCE_ADMIN))
async def dead_letters_page(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    return await _dead_letters_page(request, db_session)


@post("/admin/dead-letters/{event_id:uuid}/retry", name="portal:admin-dead-letter-retry", **requires(Permission.ALLIANCE_ADMIN))
async def retry_dead_letter(request: Request, db_session: NamedDependency[AsyncSession], event_id: FromPath[uuid.UUID]) -> Response:
    ctx = await signed_in(request, db_session)
    await form_of(ctx)
    try:
        await dead_letters.retry_dead_letter(db_session, ctx.actor, event_id)  # type: ignore[arg-type]
    except Conflict as exc:
        return await _dead_letters_page(request, db_session, exc.status, ctx.error(exc))
    return redirect(ctx, f"{PREFIX}/admin/dead-letters?retried={event_id}")
