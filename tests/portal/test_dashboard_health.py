"""The admin dashboard's capacity-health parts over HTTP: KPIs against their targets,
traffic lights with reasons, open equipment alerts, bottleneck processes, the self-check."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.clock import utcnow
from tests.conftest import Member, World, allocate, place, publish
from tests.portal.conftest import sign_in


async def fail_machine(client: httpx.AsyncClient, member: Member, resource_id: str) -> dict:
    """Ten steady cycles, then three whose peak current is 40% higher: the equipment rule fires."""
    start = utcnow() - timedelta(hours=3)
    peaks = [10.0] * 10 + [14.0] * 3
    readings = [{"cycle": i, "current_a": peak, "measured_at": (start + timedelta(minutes=10 * i)).isoformat()} for i, peak in enumerate(peaks)]
    response = await client.post("/v1/telemetry/", json={"resource_id": resource_id, "readings": readings}, headers=member.headers)
    assert response.status_code == 201, response.text
    return response.json()


def row_of(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start: html.index("</tr>", start)]


async def test_admin_sees_kpis_lights_alerts_bottlenecks_and_the_self_check(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    offer = await publish(portal, world.partner, per_day=100, days=14)
    order = await place(portal, world.brand, quantity=1300)
    await allocate(portal, world.brand, [(order["id"], offer["id"], 1300)])
    await sign_in(portal, db, world.admin)
    page = (await portal.get("/portal/admin")).text
    factory = f'data-key="{world.partner.org_id}"'
    # One risk (93% utilisation over the next 14 days): yellow.
    assert 'data-colour="yellow"' in row_of(page, factory)
    assert "Partner Factory at 93% utilisation" in row_of(page, factory)
    assert "No open alerts." in page

    result = await fail_machine(portal, world.partner, offer["resource_id"])
    assert result["alert_opened"]
    page = (await portal.get("/portal/admin")).text
    row = row_of(page, factory)
    assert 'data-colour="red"' in row and "maintenance alert on" in row
    assert 'data-kind="equipment"' in page
    alerts = page[page.index('id="alerts"'): page.index("</table>", page.index('id="alerts"'))]
    assert "Maintenance alert on" in alerts and "cycle peak outside the rolling mean ±15% for 3 cycles in a row" in alerts
    # Bottlenecks: one qualified supplier for screen printing, fewer than three.
    bottleneck = row_of(page, 'data-process="screen_printing"')
    assert "1 qualified supplier(s), fewer than 3" in bottleneck and "red" in bottleneck
    # KPIs with their targets, and the self-check score.
    kpis = row_of(page, 'data-kpi="utilisation"')
    assert "Capacity utilisation" in kpis and "≥ 75% and ≤ 85%" in kpis
    assert 'data-kpi="on_time_rate"' in page and 'data-kpi="cycle_volatility"' in page
    assert 'id="self-check"' in page and "/ 4</span>" in page
    assert 'data-point="real_time_capacity_visibility"' in page

    zh = (await portal.get("/portal/lang/zh-CN?next=/portal/admin", follow_redirects=True)).text
    assert "红绿灯" in zh and "KPI 与目标对比" in zh and "红灯" in row_of(zh, factory) and "自检得分" in zh
    # The reasons, targets and alerts in Chinese, from the services' codes and values.
    assert "Partner Factory 利用率 93%，高于 75%-85% 的区间" in row_of(zh, factory) and "设备维护告警" in row_of(zh, factory)
    assert "丝网印刷：合格供应商 1 家，少于 3 家" in row_of(zh, 'data-process="screen_printing"')  # the process by its catalogue name
    assert "不低于 75%，且不高于 85%" in row_of(zh, 'data-kpi="utilisation"')
    assert "maintenance alert" not in zh and "qualified supplier" not in zh


async def test_members_do_not_get_the_dashboard(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    offer = await publish(portal, world.partner, per_day=100, days=14)
    await fail_machine(portal, world.partner, offer["resource_id"])
    for member in (world.partner, world.brand, world.outsider):
        await sign_in(portal, db, member)
        response = await portal.get("/portal/admin")
        assert response.status_code == 403
        assert "maintenance alert" not in response.text


async def test_the_page_states_its_one_window_lists_a_process_once_and_charts_utilisation_per_week(
        portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    from capool.db import create_session_factory
    from forecasting.models import AlertKind, HealthAlert
    from forecasting.service import health_window

    async with create_session_factory(db)() as session:
        for org, ratio in ((world.brand.org_id, 0.8), (world.other_buyer.org_id, 1.1)):
            session.add(HealthAlert(organisation_id=org, kind=AlertKind.FORECAST_WARNING, subject="screen_printing",
                                    message=f"forecast demand at {ratio:.0%}", details={"ratio": ratio}))
        await session.commit()
    offer = await publish(portal, world.partner, per_day=100, days=7)
    order = await place(portal, world.brand, quantity=700)
    await allocate(portal, world.brand, [(order["id"], offer["id"], 700)])
    await sign_in(portal, db, world.admin)
    page = (await portal.get("/portal/admin")).text
    window = health_window()
    stated = row_of(page.replace("</p>", "</tr>"), 'id="window"')
    assert f"Window: {window.start.date()} to {window.last_day}" in stated and "Every figure on this page is over this window of 8 ISO weeks" in stated
    alerts = page[page.index('id="alerts"'): page.index("</table>", page.index('id="alerts"'))]
    assert alerts.count('data-subject="screen_printing"') == 1
    row = row_of(alerts, 'data-subject="screen_printing"')
    assert "forecast demand at 110%" in row and "Brand, Other Buyer" in row
    # The offer's 7 days from today fall in this week and the next, fully booked: 100% in
    # both, over the band; the weeks without capacity show a dash.
    chart = page[page.index('class="scroll weekly-utilisation"'):]
    chart = chart[: chart.index("</svg>")]
    for week in window.weeks[2:4]:
        assert f'data-column="{week.strftime("%m-%d")}" data-utilisation="1.0000"' in chart
    assert chart.count('class="week"') == 2 and chart.count(">100%</text></g>") == 2 and "target 75%-85%" in chart
