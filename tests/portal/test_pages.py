"""The portal pages over HTTP: sign-in, CSRF, the supplier, buyer and admin flows, and
tenancy (another organisation's ids answer the 404 page and change nothing)."""

from __future__ import annotations

import base64
import json
import re
import uuid

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.db import create_session_factory
from marketplace.models import Allocation, AllocationStatus, CapacityOffer, Order, ProgressReport, Resource, Site
from tests.conftest import World, allocate, place, publish, today_plus
from tests.portal.conftest import PASSWORD, csrf_of, give_password, post_form, sign_in


async def count(engine: AsyncEngine, model: type) -> int:
    async with create_session_factory(engine)() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_sign_in_wrong_password_then_right_then_out(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    email = await give_password(db, world.partner)
    assert (await portal.get("/portal/supplier/offers")).headers["location"] == "/portal/login?next=%2Fportal%2Fsupplier%2Foffers"
    page = await portal.get("/portal/login")
    wrong = await portal.post("/portal/login", data={"_csrf": csrf_of(page.text), "email": email, "password": "not the password"})
    assert wrong.status_code == 401
    assert "Email or password is wrong." in wrong.text
    unknown = await portal.post("/portal/login", data={"_csrf": csrf_of(page.text), "email": "nobody@x.test", "password": PASSWORD})
    assert unknown.status_code == 401

    right = await portal.post("/portal/login", data={"_csrf": csrf_of(page.text), "email": email.upper(), "password": PASSWORD, "next": "/portal/supplier/offers"})
    assert right.status_code == 303
    assert right.headers["location"] == "/portal/supplier/offers"
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/portal" in cookie
    assert "Secure" not in cookie  # plain http in this test; https answers with Secure
    home = await portal.get("/portal/")
    assert home.status_code == 200 and "Partner Factory" in home.text

    out = await portal.post("/portal/logout", data={"_csrf": csrf_of(home.text)})
    assert out.status_code == 303
    assert (await portal.get("/portal/")).status_code == 303


async def test_next_never_leaves_the_portal(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    email = await give_password(db, world.partner)
    page = await portal.get("/portal/login")
    response = await portal.post("/portal/login", data={"_csrf": csrf_of(page.text), "email": email, "password": PASSWORD, "next": "https://evil.example/"})
    assert response.headers["location"] == "/portal/"


async def test_session_cookie_served_over_https_is_secure(db: AsyncEngine, world: World) -> None:
    from tests.portal.conftest import portal_app

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=portal_app(db)), base_url="https://capool.test") as client:
        page = await client.get("/portal/login")
        assert "Secure" in page.headers["set-cookie"]


async def test_a_forged_session_cookie_is_anonymous(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    await sign_in(portal, db, world.partner)
    body, mac = portal.cookies["capool_portal"].split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["uid"] = str(world.admin.user_id)  # claim to be someone else, keeping the old signature
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode() + "." + mac
    portal.cookies.clear()
    portal.cookies.set("capool_portal", forged, domain="capool.test", path="/portal")
    assert (await portal.get("/portal/admin")).status_code == 303


async def test_changing_the_password_ends_sessions(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    await sign_in(portal, db, world.partner)
    assert (await portal.get("/portal/")).status_code == 200
    await give_password(db, world.partner, "another long password")
    assert (await portal.get("/portal/")).status_code == 303


async def test_forms_without_the_csrf_token_are_rejected_and_change_nothing(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    await sign_in(portal, db, world.partner)
    missing = await portal.post("/portal/supplier/sites", data={"name": "Plant", "region": "foshan"})
    assert missing.status_code == 403
    assert "form has expired" in missing.text
    forged = await portal.post("/portal/supplier/sites", data={"_csrf": "forged-token", "name": "Plant", "region": "foshan"})
    assert forged.status_code == 403
    assert await count(db, Site) == 0
    ok = await post_form(portal, "/portal/supplier/sites", "/portal/supplier/sites", {"name": "Plant", "region": "foshan"})
    assert ok.status_code == 303
    assert await count(db, Site) == 1


async def test_login_form_needs_its_token(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    email = await give_password(db, world.partner)
    response = await portal.post("/portal/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 403
    assert (await portal.get("/portal/")).status_code == 303


async def test_supplier_sets_up_and_publishes_on_the_calendar(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    await sign_in(portal, db, world.partner)
    assert (await post_form(portal, "/portal/supplier/sites", "/portal/supplier/sites", {"name": "Foshan 1", "region": "foshan", "address": ""})).status_code == 303
    page = await portal.get("/portal/supplier/sites")
    site_id = re.search(r'<option value="([0-9a-f-]{36})"', page.text).group(1)  # type: ignore[union-attr]
    bad = await post_form(portal, "/portal/supplier/sites", "/portal/supplier/resources", {
        "site_id": site_id, "name": "Line A", "kind": "crew", "processes": "Screen Printing!", "materials": "cotton", "skills": "printing=4"})
    assert bad.status_code == 422
    assert 'data-field="processes"' in bad.text
    assert await count(db, Resource) == 0
    good = await post_form(portal, "/portal/supplier/sites", "/portal/supplier/resources", {
        "site_id": site_id, "name": "Line A", "kind": "crew", "processes": "screen_printing, sewing", "materials": "cotton", "skills": "printing=4", "carbon_g_per_unit": "90"})
    assert good.status_code == 303
    async with create_session_factory(db)() as session:
        resource = (await session.execute(select(Resource))).scalar_one()
        assert resource.processes == ["screen_printing", "sewing"] and resource.skills == {"printing": 4}

    late = await post_form(portal, "/portal/supplier/offers", "/portal/supplier/offers", {
        "resource_id": str(resource.id), "process": "screen_printing", "window_start": today_plus(3), "window_end": today_plus(1),
        "capacity_per_day": "100", "unit_price_minor": "500", "currency": "CNY", "visibility": "alliance"})
    assert late.status_code == 422 and 'data-field="window_end"' in late.text
    published = await post_form(portal, "/portal/supplier/offers", "/portal/supplier/offers", {
        "resource_id": str(resource.id), "process": "screen_printing", "window_start": today_plus(0), "window_end": today_plus(9),
        "capacity_per_day": "100", "unit_price_minor": "500", "currency": "cny", "visibility": "alliance", "min_batch": "1", "lead_time_days": "0"})
    assert published.status_code == 303
    async with create_session_factory(db)() as session:
        offer = (await session.execute(select(CapacityOffer))).scalar_one()
    assert offer.total_capacity == 1000 and offer.currency == "CNY" and offer.organisation_id == world.partner.org_id

    order = await place(portal, world.brand, quantity=300)
    await allocate(portal, world.brand, [(order["id"], str(offer.id), 300)])
    calendar = await portal.get("/portal/supplier/offers")
    assert "300 of 1000 reserved" in calendar.text
    assert f'data-offer="{offer.id}"' in calendar.text


async def _accepted_allocation(portal: httpx.AsyncClient, db: AsyncEngine, world: World, operations: list[str] | None = None) -> tuple[dict, dict]:
    offer = await publish(portal, world.partner)
    order = await place(portal, world.brand, quantity=100, **({"operations": operations} if operations else {}))
    [allocation] = await allocate(portal, world.brand, [(order["id"], offer["id"], 100)])
    return order, allocation


async def test_incoming_allocation_accept_and_qr_flow(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    order, allocation = await _accepted_allocation(portal, db, world, ["screen_printing", "packing"])
    await sign_in(portal, db, world.partner)
    incoming = await portal.get("/portal/supplier/allocations")
    assert order["reference"] in incoming.text and "proposed" in incoming.text
    declined_without_reason = await post_form(portal, "/portal/supplier/allocations", f"/portal/supplier/allocations/{allocation['id']}/respond", {"accept": "0", "reason": ""})
    assert declined_without_reason.status_code == 422
    accepted = await post_form(portal, "/portal/supplier/allocations", f"/portal/supplier/allocations/{allocation['id']}/respond", {"accept": "1"})
    assert accepted.status_code == 303

    qr = await portal.get(f"/portal/supplier/allocations/{allocation['id']}/qr/screen_printing")
    assert qr.status_code == 200
    assert "<svg" in qr.text and f"http://capool.test/portal/floor/{allocation['id']}/screen_printing" in qr.text

    floor = f"/portal/floor/{allocation['id']}/screen_printing"
    for step in ("scan", "done", "confirm"):
        page = await portal.get(floor)
        assert f'name="step" value="{step}"' in page.text
        response = await portal.post(floor, data={"_csrf": csrf_of(page.text), "step": step, "quantity": "60", "operator": "Li Wei"})
        assert response.status_code == 303, response.text
    page = await portal.get(floor)
    assert "Confirmed so far: 60 of 100" in page.text
    too_many = await portal.post(floor, data={"_csrf": csrf_of(page.text), "step": "scan", "quantity": "41", "operator": "Li Wei"})
    assert too_many.status_code == 422 and "only 40 units" in too_many.text
    out_of_order = await portal.post(floor, data={"_csrf": csrf_of(page.text), "step": "confirm", "quantity": "40", "operator": "Li Wei"})
    assert out_of_order.status_code == 409
    assert await count(db, ProgressReport) == 3

    await sign_in(portal, db, world.brand)
    track = await portal.get(f"/portal/buyer/orders/{order['id']}")
    assert track.status_code == 200
    assert "in production" in track.text and "Partner Factory" in track.text
    assert "Screen printing 60/100" in track.text and "packing 0/100" in track.text  # named from the catalogue
    assert "Li Wei" in track.text


async def test_buyer_places_an_order_and_follows_it(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    await sign_in(portal, db, world.brand)
    bad = await post_form(portal, "/portal/buyer/orders/new", "/portal/buyer/orders", {
        "reference": "PO-1", "product": "tee", "process": "screen_printing", "quantity": "0", "due": today_plus(20), "currency": "CNY"})
    assert bad.status_code == 422 and 'data-field="quantity"' in bad.text
    past = await post_form(portal, "/portal/buyer/orders/new", "/portal/buyer/orders", {
        "reference": "PO-1", "product": "tee", "process": "screen_printing", "quantity": "10", "due": today_plus(-2), "currency": "CNY"})
    assert past.status_code == 422 and 'data-field="due"' in past.text
    assert await count(db, Order) == 0
    placed = await post_form(portal, "/portal/buyer/orders/new", "/portal/buyer/orders", {
        "reference": "PO-1", "product": "tee", "process": "screen_printing", "material": "cotton", "quantity": "200",
        "due": today_plus(20), "currency": "CNY", "urgency": "high", "split_allowed": "on", "aql": "1.5"})
    assert placed.status_code == 303
    order_path = placed.headers["location"]
    duplicate = await post_form(portal, "/portal/buyer/orders/new", "/portal/buyer/orders", {
        "reference": "PO-1", "product": "tee", "process": "screen_printing", "quantity": "10", "due": today_plus(20), "currency": "CNY"})
    assert duplicate.status_code == 409
    listing = await portal.get("/portal/buyer/orders")
    assert "PO-1" in listing.text and "submitted" in listing.text
    track = await portal.get(order_path)
    assert "not known until the order is allocated" in track.text

    offer = await publish(portal, world.partner)
    order_id = order_path.rsplit("/", 1)[1]
    await allocate(portal, world.brand, [(order_id, offer["id"], 200)])
    track = await portal.get(order_path)
    assert ">allocated<" in track.text and "Partner Factory" in track.text and "partner" in track.text
    assert "not known" not in track.text
    allocations = await portal.get("/portal/buyer/allocations")
    # The partnership's agreed price, 450 fen, in the reader's format for CNY.
    assert "PO-1" in allocations.text and '<td class="money">CN¥4.50</td>' in allocations.text and "450 CNY" not in allocations.text
    zh = await portal.get("/portal/buyer/allocations", headers={"Accept-Language": "zh-CN"})
    assert '<td class="money">¥4.50</td>' in zh.text


async def test_other_organisations_ids_answer_404_and_change_nothing(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    order, allocation = await _accepted_allocation(portal, db, world)
    for intruder in (world.floating, world.outsider):
        await sign_in(portal, db, intruder)
        for path in (f"/portal/supplier/allocations/{allocation['id']}/qr/screen_printing", f"/portal/floor/{allocation['id']}/screen_printing", f"/portal/buyer/orders/{order['id']}"):
            response = await portal.get(path)
            assert response.status_code == 404, path
            assert "Not found" in response.text
        page = await portal.get("/portal/supplier/allocations")
        respond = await portal.post(f"/portal/supplier/allocations/{allocation['id']}/respond", data={"_csrf": csrf_of(page.text), "accept": "1"})
        assert respond.status_code == 404
        report = await portal.post(f"/portal/floor/{allocation['id']}/screen_printing", data={"_csrf": csrf_of(page.text), "step": "scan", "quantity": "5", "operator": "x"})
        assert report.status_code == 404
    # The other buyer sees neither the order nor the allocation, and the buyer cannot use the factory's floor page.
    for member in (world.other_buyer, world.brand):
        await sign_in(portal, db, member)
        assert (await portal.get(f"/portal/floor/{allocation['id']}/screen_printing")).status_code == 404
    await sign_in(portal, db, world.other_buyer)
    assert (await portal.get(f"/portal/buyer/orders/{order['id']}")).status_code == 404
    assert order["reference"] not in (await portal.get("/portal/buyer/allocations")).text
    assert (await portal.get(f"/portal/buyer/orders/{uuid.uuid4()}")).status_code == 404
    assert (await portal.get("/portal/buyer/orders/not-a-uuid")).status_code == 404
    async with create_session_factory(db)() as session:
        stored = await session.get(Allocation, uuid.UUID(allocation["id"]))
        assert stored is not None and stored.status == AllocationStatus.PROPOSED
    assert await count(db, ProgressReport) == 0


async def test_pages_a_role_may_not_use_answer_403(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    await sign_in(portal, db, world.partner)
    assert (await portal.get("/portal/admin")).status_code == 403
    page = await portal.get("/portal/supplier/sites")
    response = await portal.post("/portal/buyer/orders", data={"_csrf": csrf_of(page.text), "reference": "X", "product": "p", "process": "sewing", "quantity": "1", "due": today_plus(5), "currency": "CNY"})
    assert response.status_code == 403
    assert await count(db, Order) == 0


async def test_admin_sees_the_heat_map_and_figures(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    offer = await publish(portal, world.partner, per_day=100, days=14)
    order = await place(portal, world.brand, quantity=700)
    await allocate(portal, world.brand, [(order["id"], offer["id"], 700)])
    await sign_in(portal, db, world.admin)
    page = await portal.get("/portal/admin")
    assert page.status_code == 200
    heat = page.text[page.text.index('<svg xmlns="http://www.w3.org/2000/svg" class="heatmap"'):]
    heat = heat[: heat.index("</svg>")]
    assert "Partner Factory" in heat
    percentages = [int(p) for p in re.findall(r">(\d+)%</text>", heat)]
    assert percentages and max(percentages) > 0
    tier_table = page.text[page.text.index('id="by-tier"'):]
    assert "partner" in tier_table[: tier_table.index("</table>")] and "700" in tier_table[: tier_table.index("</table>")]
    process_heat = page.text[page.text.index('id="process-heatmap"'):]
    assert 'data-row="screen_printing"' in process_heat[: process_heat.index("</svg>")]
    assert "No deliveries in this period." in page.text


async def test_language_follows_accept_language_then_the_remembered_choice(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    zh = await portal.get("/portal/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert '<html lang="zh-CN">' in zh.text and "登录" in zh.text
    en = await portal.get("/portal/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in en.text and "Sign in" in en.text
    default = await portal.get("/portal/login", headers={"Accept-Language": "fr"})
    assert '<html lang="zh-CN">' in default.text
    switch = await portal.get("/portal/lang/zh-CN?next=/portal/login")
    assert switch.status_code == 303 and switch.headers["location"] == "/portal/login"
    remembered = await portal.get("/portal/login", headers={"Accept-Language": "en"})
    assert '<html lang="zh-CN">' in remembered.text
    away = await portal.get("/portal/lang/en?next=//evil.example/")
    assert away.headers["location"] == "/portal/"


async def test_order_moves_from_the_portal_and_across_tenants(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    order, allocation = await _accepted_allocation(portal, db, world)
    offer_id = allocation["offer_id"]
    track_path = f"/portal/buyer/orders/{order['id']}"
    # Another buyer cannot move the brand's order, nor another factory withdraw the partner's offer.
    await sign_in(portal, db, world.other_buyer)
    page = await portal.get("/portal/buyer/orders")
    denied = await portal.post(f"{track_path}/transition", data={"_csrf": csrf_of(page.text), "to": "cancelled", "reason": "x"})
    assert denied.status_code == 404
    await sign_in(portal, db, world.floating)
    page = await portal.get("/portal/supplier/offers")
    # The offer is published to the whole alliance, so the other factory may read it: 403, as in the API.
    assert (await portal.post(f"/portal/supplier/offers/{offer_id}/withdraw", data={"_csrf": csrf_of(page.text), "reason": "x"})).status_code == 403
    assert (await portal.post(f"/portal/supplier/orders/{order['id']}/inspected", data={"_csrf": csrf_of(page.text)})).status_code == 404
    async with create_session_factory(db)() as session:
        assert (await session.get(Order, uuid.UUID(order["id"]))).status.value == "allocated"  # type: ignore[union-attr]
        assert (await session.get(CapacityOffer, uuid.UUID(offer_id))).status.value == "active"  # type: ignore[union-attr]

    await sign_in(portal, db, world.brand)
    track = await portal.get(track_path)
    assert 'value="cancelled"' in track.text and 'value="delivered"' not in track.text
    illegal = await portal.post(f"{track_path}/transition", data={"_csrf": csrf_of(track.text), "to": "delivered"})
    assert illegal.status_code == 409 and "cannot become delivered" in illegal.text
    cancelled = await portal.post(f"{track_path}/transition", data={"_csrf": csrf_of(track.text), "to": "cancelled", "reason": "customer changed the design"})
    assert cancelled.status_code == 303
    track = await portal.get(track_path)
    assert "cancelled" in track.text and "customer changed the design" in track.text and 'id="order-actions"' not in track.text
    async with create_session_factory(db)() as session:
        offer = await session.get(CapacityOffer, uuid.UUID(offer_id))
        assert offer is not None and offer.reserved == 0  # the cancelled allocation gave its capacity back

    await sign_in(portal, db, world.partner)
    offers = await portal.get("/portal/supplier/offers")
    withdrawn = await portal.post(f"/portal/supplier/offers/{offer_id}/withdraw", data={"_csrf": csrf_of(offers.text), "reason": "machine broke"})
    assert withdrawn.status_code == 303
    again = await portal.post(f"/portal/supplier/offers/{offer_id}/withdraw", data={"_csrf": csrf_of(offers.text), "reason": "again"})
    assert again.status_code == 409 and "already withdrawn" in again.text


async def test_factory_records_qc_and_buyer_marks_delivered(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    order, allocation = await _accepted_allocation(portal, db, world)
    await sign_in(portal, db, world.partner)
    page = await portal.get("/portal/supplier/allocations")
    assert (await portal.post(f"/portal/supplier/allocations/{allocation['id']}/respond", data={"_csrf": csrf_of(page.text), "accept": "1"})).status_code == 303
    early = await portal.post(f"/portal/supplier/orders/{order['id']}/inspected", data={"_csrf": csrf_of(page.text)})
    assert early.status_code == 409
    floor = f"/portal/floor/{allocation['id']}/screen_printing"
    for step in ("scan", "done", "confirm"):
        page = await portal.get(floor)
        assert (await portal.post(floor, data={"_csrf": csrf_of(page.text), "step": step, "quantity": "100", "operator": "Li"})).status_code == 303
    page = await portal.get("/portal/supplier/allocations")
    assert "move-inspected" in page.text
    assert (await portal.post(f"/portal/supplier/orders/{order['id']}/inspected", data={"_csrf": csrf_of(page.text)})).status_code == 303

    await sign_in(portal, db, world.brand)
    track = await portal.get(f"/portal/buyer/orders/{order['id']}")
    assert "inspected" in track.text and 'value="delivered"' in track.text
    assert (await portal.post(f"/portal/buyer/orders/{order['id']}/transition", data={"_csrf": csrf_of(track.text), "to": "delivered"})).status_code == 303
    await sign_in(portal, db, world.admin)
    dashboard = await portal.get("/portal/admin")
    assert "1 of 1 delivered orders on time" in dashboard.text and ">100%<" in dashboard.text
