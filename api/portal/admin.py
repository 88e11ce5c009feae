"""Alliance admin dashboard: one call into forecasting.dashboard, which computes every figure
over one window (forecasting.service.health_window, stated on the page): traffic lights with
reasons, KPIs against their targets and the self-check, open alerts (one row per process,
resource or withdrawn offer), bottleneck processes, the Catena-X DCM comparison, utilisation
per week, the factory x week and process x week heat maps, utilisation by tier and process,
and on-time delivery. Dead letters: the alliance's outbox events whose consumer kept failing
(capool.dead_letters), each retried with one button."""

from __future__ import annotations

import uuid

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from api.portal.access import requires
from api.portal.charts import HeatCell, bar, heat_map, utilisation_chart
from api.portal.web import PREFIX, PageContext, form_of, process_label, redirect, render, signed_in
from capool import dead_letters
from capool.errors import Conflict, InvalidInput
from capool.tenancy.actor import Permission
from forecasting import dashboard as dashboard_service
from forecasting import health


def _heat_map(grid: dashboard_service.Grid, title: str, rows: list[str] | None = None, row_ids: list[str] | None = None) -> str:
    """A grid's week heat map; `rows` label the grid's rows in its place (`row_ids` then keep
    what data-row says)."""
    cells = {key: HeatCell(row.utilisation, row.allocated, row.published or 0) for key, row in grid.cells.items()}
    return heat_map(grid.rows if rows is None else rows, [w.strftime("%m-%d") for w in grid.weeks], cells, title, row_ids=row_ids)


def _process_heat_map(ctx: PageContext, grid: dashboard_service.Grid, title: str) -> str:
    """The process x week heat map, its rows by the catalogue's names in the page's language
    (web.process_name; the code where the catalogue does not know it), data-row the code."""
    rows = [process_label(ctx, ctx.lang, code) + (f" ({ctx.t('unit.' + unit)})" if grid.units_shown else "") for code, unit in grid.keys]
    return _heat_map(grid, title, rows, [code for code, _ in grid.keys])


def _weekly_charts(view: dashboard_service.Dashboard, t) -> list[tuple[str, str]]:
    """(unit, chart) of utilisation per week, one chart per capacity unit."""
    band = (health.UTILISATION_LOW, health.UTILISATION_HIGH)
    low, high = (f"{bound:.0%}" for bound in band)
    band_label = t("dash.band", low=low, high=high)
    columns = [w.strftime("%m-%d") for w in view.window.weeks]
    charts = []
    for unit in sorted({w.unit for w in view.weekly}):
        by_week = {w.week: w.utilisation for w in view.weekly if w.unit == unit}
        values = [by_week.get(week) for week in view.window.weeks]
        unit_key = f"unit.{unit}"  # a DYNAMIC family (api/portal/i18n.py)
        charts.append((unit, utilisation_chart(columns, values, band, t("dash.weekly_chart", unit=t(unit_key)), band_label)))
    return charts


@get("/admin", name="portal:admin-dashboard", **requires(Permission.ANALYTICS_ALLIANCE))
async def dashboard(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    ctx = await signed_in(request, db_session)
    assert ctx.actor is not None
    view = await dashboard_service.alliance_dashboard(db_session, ctx.actor)
    return render(
        ctx, "admin/dashboard.html", view=view, bar=bar,
        heatmap=_heat_map(view.factory_grid, ctx.t("dash.heatmap")), process_heatmap=_process_heat_map(ctx, view.process_grid, ctx.t("dash.process_heatmap")),
        weekly_charts=_weekly_charts(view, ctx.t), window_start=view.window.start.date(), window_end=view.window.last_day,
        dcm_thresholds=dcm_thresholds(view.dcm.volatility_parameters), offers=view.offers,
    )


def dcm_thresholds(parameters: dict) -> str:
    """The first sub-horizon's thresholds as "+20% / -30% or +-100"."""
    [first, *_] = parameters["rollingHorizonAlertThresholds"]
    return (f"+{first['relativePositiveDeviation']:.0%} / -{first['relativeNegativeDeviation']:.0%}, "
            f"±{first['absolutePositiveDeviation']:g} / ±{first['absoluteNegativeDeviation']:g}")


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
