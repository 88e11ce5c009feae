"""The portal's process and currency inputs are selects: the signed-in member's alliance
catalogue (active codes, named in the page's language) and the ISO 4217 codes in use; the
service still refuses a code that is not in the catalogue, next to the field."""

from __future__ import annotations

import re
import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.db import create_session_factory
from marketplace import catalogue
from marketplace.models import Order, Resource
from marketplace.schemas import ProcessIn, ProcessNames
from tests.conftest import TEST_PROCESSES, World, today_plus
from tests.portal.conftest import csrf_of, sign_in

ZH = {"Accept-Language": "zh-CN"}


def options(html: str, name: str) -> dict[str, str]:
    """value -> label of the options of the select named `name`."""
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select named {name}"
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', match.group(1)))


async def test_order_form_lists_the_alliance_catalogue_in_chinese(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    async with create_session_factory(db)() as session:
        await catalogue.retire_in_alliance(session, world.alliance_id, "embroidery")
        # Another alliance's own code is not this alliance's to order.
        elsewhere = world.outsider.actor.alliance_id
        await catalogue.add_to_alliance(session, elsewhere, ProcessIn(code="knitting", names=ProcessNames(en="Knitting", zh_cn="针织")))
        await session.commit()
    await sign_in(portal, db, world.brand)
    page = await portal.get("/portal/buyer/orders/new", headers=ZH)
    assert page.status_code == 200
    processes = options(page.text, "process")
    active = set(TEST_PROCESSES) - {"embroidery"}
    assert set(processes) == active
    assert processes["screen_printing"] == "丝网印刷" and processes["cut_and_sew"] == "裁剪缝制"
    assert "刺绣" not in page.text and "knitting" not in page.text
    currencies = options(page.text, "currency")
    assert list(currencies)[0] == "CNY" and {"USD", "EUR", "VND"} <= set(currencies) and not {"XXX", "DEM", "XTS"} & set(currencies)
    assert re.search(r'<option value="CNY" selected>', page.text)
    english = options((await portal.get("/portal/buyer/orders/new", headers={"Accept-Language": "en"})).text, "process")
    assert english["screen_printing"] == "Screen printing"

    # A code from the list is placed; the retired one (a stale page) is refused next to the field.
    form = {"_csrf": csrf_of(page.text), "reference": "PO-CAT", "product": "tee", "process": "cut_and_sew", "quantity": "50",
            "due": today_plus(20), "currency": "USD"}
    placed = await portal.post("/portal/buyer/orders", data=form, headers=ZH)
    assert placed.status_code == 303, placed.text
    stale = await portal.post("/portal/buyer/orders", data=form | {"reference": "PO-OLD", "process": "embroidery"}, headers=ZH)
    assert stale.status_code == 422
    assert re.search(r'<select name="process".*?</select><span class="field-error" data-field="process">[^<]+</span>', stale.text, re.S), stale.text
    async with create_session_factory(db)() as session:
        orders = {o.reference: o for o in (await session.execute(select(Order).where(Order.buyer_org_id == world.brand.org_id))).scalars()}
    assert orders["PO-CAT"].process == "cut_and_sew" and orders["PO-CAT"].currency == "USD" and "PO-OLD" not in orders


async def test_resource_form_takes_several_processes_from_the_catalogue(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    await sign_in(portal, db, world.partner)
    sites = await portal.get("/portal/supplier/sites")
    created = await portal.post("/portal/supplier/sites", data={"_csrf": csrf_of(sites.text), "name": "Plant 1", "region": "Dongguan"})
    assert created.status_code in (303, 200), created.text
    page = await portal.get("/portal/supplier/sites")
    assert '<select name="processes" multiple' in page.text and set(options(page.text, "processes")) == set(TEST_PROCESSES)
    site_id = re.search(r'<select name="site_id"><option value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    added = await portal.post("/portal/supplier/resources", data={
        "_csrf": csrf_of(page.text), "site_id": site_id, "name": "Line C", "kind": "crew", "processes": ["sewing", "cutting"], "carbon_g_per_unit": "0"})
    assert added.status_code == 303, added.text
    async with create_session_factory(db)() as session:
        resource = (await session.execute(select(Resource).where(Resource.site_id == uuid.UUID(site_id)))).scalar_one()
    assert sorted(resource.processes) == ["cutting", "sewing"]
    offers = await portal.get("/portal/supplier/offers")
    assert set(options(offers.text, "process")) == set(TEST_PROCESSES) and list(options(offers.text, "currency"))[0] == "CNY"
