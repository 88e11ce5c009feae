"""The admin dashboard's Catena-X DCM table: imported demand against capacity per buyer,
process and ISO week, coloured by the DCM matching result, in English and Chinese."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import World
from tests.integrations.test_catenax import demand_doc, scenario
from tests.portal.conftest import sign_in
from tests.portal.test_dashboard_health import row_of


async def test_dashboard_compares_demand_with_capacity_per_iso_week(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    monday = await scenario(portal, world)
    # A newer version: +30% in week 1 beyond the +20% / +100 thresholds.
    newer = demand_doc({monday: 780, monday + timedelta(weeks=1): 600}, changed_at="2026-12-01T00:00:00Z")
    assert (await portal.post("/v1/catenax/material-demands", headers=world.other_buyer.headers, json=newer)).status_code == 200
    await sign_in(portal, db, world.admin)
    page = (await portal.get("/portal/admin")).text
    row = row_of(page, f'data-buyer="{world.other_buyer.org_id}"')
    week1, week2 = monday.isoformat(), (monday + timedelta(weeks=1)).isoformat()
    cell1 = row[row.index(f'data-week="{week1}"'): row.index("</td>", row.index(f'data-week="{week1}"'))]
    cell2 = row[row.index(f'data-week="{week2}"'): row.index("</td>", row.index(f'data-week="{week2}"'))]
    # Week 1: 780 against actual 140, maximum 600; week 2: 600 against 200 / 580 (hand-computed in test_catenax).
    assert 'data-status="bottleneck_maximum"' in cell1 and 'data-volatility="increase"' in cell1 and "780 / 140 / 600 ▲" in cell1
    assert 'data-status="bottleneck_maximum"' in cell2 and 'data-volatility=""' in cell2 and "600 / 200 / 580" in cell2
    brand = row_of(page, f'data-buyer="{world.brand.org_id}"')
    assert 'data-status="surplus"' in brand and "60 / 100 / 560" in brand
    assert "Demand against capacity (Catena-X DCM)" in page and "+20% / -30%" in page

    zh = (await portal.get("/portal/lang/zh-CN?next=/portal/admin", follow_redirects=True)).text
    assert "需求与产能对比（Catena-X DCM）" in zh and "超出最大产能" in zh
