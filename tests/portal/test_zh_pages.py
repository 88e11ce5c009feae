"""zh-CN pages say everything in Chinese: on the demo alliance (its orders matched by the
engine, its lights, KPIs and alerts), the English the services write (traffic-light reasons,
alert messages, matching explanations, form errors, KPI targets) never reaches a zh-CN page;
the portal translates the services' codes and values instead (api/portal/i18n.py)."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.db import create_session_factory
from capool.demo import PORTAL, load_demo
from forecasting.models import AlertKind, HealthAlert
from marketplace.models import Allocation, Order
from tests.conftest import today_plus
from tests.portal.conftest import csrf_of

ZH = {"Accept-Language": "zh-CN"}
# What the services write in English, as it would read on a page left untranslated.
ENGLISH = [
    # traffic-light reasons (forecasting.health)
    r"qualified supplier\(s\)", r"utilisation \(>=", r"forecast demand at", r"maintenance alert on", r"warning line \d",
    # alert messages (forecasting.service)
    r"is red:", r"[Ff]orecast demand for", r"cycle peak outside",
    # matching explanations (matching.engine.explain)
    r"weighted cost among", r"cheaper (eligible )?offers", r"fully used", r"share band", r"late by \d", r"alternative qualified offer",
    r"no other eligible offer", r"not proven optimal",
    # KPI targets (forecasting.health.Target.describe)
    r">= 0\.\d", r"<= 0\.\d", r"[<>] 0\.\d",
    # form errors (msgspec) and service refusals
    r"Expected `", r"Object missing", r"already exists", r"the form has errors",
    # the stale placeholder
    r"not connected yet",
    # process codes where the catalogue names them (the demo's, 丝网印刷 etc.), the dashboard's
    # heat map and Catena-X DCM comparison included
    r"\b(screen_printing|dtg_printing|cut_and_sew|heat_transfer)\b",
]
PROCESS_CODES = ENGLISH[-1]


def english_on(html: str, *, codes: bool = True) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S))
    return [pattern for pattern in ENGLISH if re.search(pattern, text) and (codes or pattern != PROCESS_CODES)]


async def _sign_in(client: httpx.AsyncClient, email: str) -> None:
    client.cookies.clear()
    page = await client.get("/portal/login", headers=ZH)
    response = await client.post("/portal/login", headers=ZH, data={"_csrf": csrf_of(page.text), "email": email, "password": PORTAL["password"], "next": "/portal/"})
    assert response.status_code == 303, response.text


@pytest.fixture
async def demo(db: AsyncEngine, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # the demo writes var/demo-keys.json
    async with create_session_factory(db)() as session:
        await load_demo(session, orders=30, seed=5)
        # Open alerts as the forecasting service writes them (kind, message in English, details).
        order = (await session.execute(select(Order).limit(1))).scalar_one()
        session.add(HealthAlert(organisation_id=order.buyer_org_id, kind=AlertKind.FORECAST_WARNING, subject="screen_printing",
                                message="forecast demand for screen_printing is 980 against 1000 available (warning line 70%)",
                                details={"process": "screen_printing", "forecast_demand": 980.0, "available_capacity": 1000, "ratio": 0.98, "needed": 400, "uncovered": 0, "proposal": []}))
        allocation = (await session.execute(select(Allocation).limit(1))).scalar_one()
        session.add(HealthAlert(organisation_id=allocation.factory_org_id, kind=AlertKind.EQUIPMENT, subject=str(uuid.uuid4()),
                                message="maintenance alert on press 2", details={"resource": "press 2", "processes": ["screen_printing"], "deviations": []}))
        await session.commit()


async def test_zh_cn_pages_carry_no_english_from_the_services(portal: httpx.AsyncClient, db: AsyncEngine, demo: None) -> None:
    await _sign_in(portal, PORTAL["logins"]["alliance admin"])
    dashboard = await portal.get("/portal/admin", headers=ZH)
    assert dashboard.status_code == 200
    assert 'id="lights"' in dashboard.text and "合格供应商" in dashboard.text  # a thin process's light, in Chinese
    assert "的预测需求为" in dashboard.text and "设备维护告警" in dashboard.text  # the two alerts
    assert "不低于 75%" in dashboard.text or "不低于 92%" in dashboard.text  # KPI targets
    assert english_on(dashboard.text) == []
    process_heat = dashboard.text[dashboard.text.index('id="process-heatmap"'):]
    process_heat = process_heat[:process_heat.index("</svg>")]
    assert 'data-row="screen_printing"' in process_heat and ">丝网印刷</text>" in process_heat  # the row by its catalogue name
    english = await portal.get("/portal/admin", headers={"Accept-Language": "en"})
    # The same page in English does say them (the check above can fail).
    assert english_on(english.text) != []

    await _sign_in(portal, PORTAL["logins"]["buyer"])
    for path in ("/portal/buyer/orders", "/portal/buyer/allocations", "/portal/buyer/repairs"):
        page = await portal.get(path, headers=ZH)
        assert page.status_code == 200, path
        assert english_on(page.text) == [], path

    # Form errors: a quantity below 1, a reference in use.
    form = await portal.get("/portal/buyer/orders/new", headers=ZH)
    bad = await portal.post("/portal/buyer/orders", headers=ZH, data={"_csrf": csrf_of(form.text), "reference": "Z-1", "product": "tee", "process": "screen_printing",
                                                                      "quantity": "0", "due": today_plus(20), "currency": "CNY"})
    assert bad.status_code == 422 and "不能小于 1。" in bad.text and english_on(bad.text) == []
    good = {"reference": "Z-2", "product": "tee", "process": "screen_printing", "quantity": "300", "material": "cotton", "due": today_plus(20), "currency": "CNY"}
    placed = await portal.post("/portal/buyer/orders", headers=ZH, data={"_csrf": csrf_of(form.text), **good})
    assert placed.status_code == 303
    again = await portal.post("/portal/buyer/orders", headers=ZH, data={"_csrf": csrf_of(form.text), **good})
    assert again.status_code == 409 and "该订单号已存在。" in again.text and english_on(again.text) == []

    # The matching engine's preview and its applied plan explain themselves in Chinese.
    path = placed.headers["location"]
    page = await portal.get(path, headers=ZH)
    preview = await portal.post(f"{path}/preview", headers=ZH, data={"_csrf": csrf_of(page.text)})
    assert preview.status_code == 200 and 'id="preview"' in preview.text and english_on(preview.text) == []
    matched = await portal.post(f"{path}/match", headers=ZH, data={"_csrf": csrf_of(page.text)})
    assert matched.status_code == 303, matched.text
    page = await portal.get(path, headers=ZH)
    card = page.text[page.text.index('id="explanations"'):page.text.index('id="matching"')]
    assert 'class="why"' in card and re.search(r"加权成本最低|更便宜", card), card[:2000]
    assert english_on(page.text) == [] and "丝网印刷" in page.text  # the order's process by its catalogue name
    assert english_on((await portal.get(path, headers={"Accept-Language": "en"})).text) != []  # in English they are there

    await _sign_in(portal, PORTAL["logins"]["supplier"])
    incoming = await portal.get("/portal/supplier/allocations", headers=ZH)
    assert incoming.status_code == 200 and english_on(incoming.text) == []
