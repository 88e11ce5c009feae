"""The buyer's forecast page: the latest daily demand forecast with its intervals, against the
capacity forecast per day and the 70% warning line, as a server-made SVG chart per process."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.db import create_session_factory
from forecasting import service
from tests.conftest import World, publish
from tests.forecasting.test_api import add_history, refresh
from tests.portal.conftest import sign_in


async def test_the_buyer_sees_demand_with_its_intervals_against_capacity(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    """100 pieces a day of history; the brand's own workshop offers 50 a day for 28 days (its
    core capacity, every day of the week): capacity 50 a day, warning line at 35."""
    await add_history(db, world.brand.org_id, per_day=100)
    await publish(portal, world.brand_ops, per_day=50, days=28)
    await refresh(db, world)
    async with create_session_factory(db)() as session:
        view = await service.outlook(session, world.brand.actor)
    [process] = view.processes
    assert process.process == "screen_printing" and len(process.days) == 28
    today = datetime.now(UTC).date()
    assert [d.day for d in process.days] == [today + timedelta(days=i) for i in range(28)]
    assert all(d.capacity_per_day == 50 for d in process.days)
    assert all(abs(d.yhat - 100) < 1e-6 and d.lo_95 <= d.lo_80 <= d.yhat <= d.hi_80 <= d.hi_95 for d in process.days)
    assert sum(w.available for w in process.weeks) == 1400

    await sign_in(portal, db, world.brand)
    page = (await portal.get("/portal/buyer/forecast")).text
    assert 'href="/portal/buyer/forecast"' in page and f"From {today} to {today + timedelta(days=27)}" in page
    section = page[page.index('data-process="screen_printing"'):]
    chart = section[section.index("<svg"): section.index("</svg>")]
    for mark in ('class="demand"', 'class="interval-80"', 'class="interval-95"', 'class="capacity"', 'class="warning"'):
        assert mark in chart, mark
    assert chart.count('class="day"') == 28
    assert f"<title>{today:%m-%d}: forecast demand 100 (80%: " in chart and "capacity per day 50</title>" in chart
    # The capacity step and the warning line are flat at 50 and 35: one y each across the chart.
    levels = {name: set(re.findall(r"[ML][0-9.]+,([0-9.]+)", re.search(rf'class="{name}" d="([^"]+)"', chart).group(1))) for name in ("capacity", "warning")}
    assert len(levels["capacity"]) == 1 and len(levels["warning"]) == 1
    # 28 days from today x 50 = 1400 available over the weeks; the warning line column is 70% of each week's.
    weeks = re.findall(r'<tr data-week="[^"]+"><td>[^<]+</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>', section)
    assert sum(int(w[3]) for w in weeks) == 1400 and all(int(w[4]) == round(int(w[3]) * 0.7) for w in weeks)
    zh = (await portal.get("/portal/lang/zh-CN?next=/portal/buyer/forecast", follow_redirects=True)).text
    assert "需求与产能预测" in zh and "每日产能" in zh
    # Another buyer of the alliance sees the workshop's capacity it may buy, never the brand's forecast.
    await sign_in(portal, db, world.other_buyer)
    other = (await portal.get("/portal/buyer/forecast")).text
    assert 'id="no-forecast"' in other and 'class="demand"' not in other and "forecast demand 100" not in other


async def test_without_a_forecast_the_page_says_so(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    await sign_in(portal, db, world.other_buyer)
    page = await portal.get("/portal/buyer/forecast")
    assert page.status_code == 200 and 'id="no-forecast"' in page.text
