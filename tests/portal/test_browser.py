"""Browser tests: headless Chromium (Debian's /usr/bin/chromium, driven by Playwright's
Python package; no browser download) against the real app served by uvicorn on a free
port, on a SQLite file with the migrations applied.

Screenshots of every page in both languages are written to a temporary folder, and to
docs/screenshots/ only with CAPOOL_UPDATE_SCREENSHOTS=1 (a test run must not change tracked files).
"""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from sqlalchemy import select

from capool.clock import utcnow
from capool.config import Settings
from capool.db import create_engine, create_session_factory
from capool.migrate import upgrade
from capool.tenancy import service as members
from capool.tenancy.actor import Actor, effective_permissions
from capool.tenancy.models import OrgKind, Role
from capool.tenancy.passwords import set_password
from forecasting.schemas import TelemetryIn, TelemetrySample
from forecasting.service import ingest_telemetry
from marketplace import allocations, capacity
from marketplace.models import CapacityOffer
from marketplace.orders import place_order
from marketplace.schemas import OfferIn, OrderIn, PartnershipIn, PlanItem, ResourceIn, SiteIn
from tests.conftest import seed_catalogue

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"
INDEXED = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHOTS = INDEXED if os.environ.get("CAPOOL_UPDATE_SCREENSHOTS") == "1" else Path(tempfile.gettempdir()) / f"capool-screenshots-{os.getpid()}"
IN_CI = os.environ.get("CI", "").lower() == "true"

sync_api = pytest.importorskip("playwright.sync_api") if not IN_CI else __import__("playwright.sync_api", fromlist=["sync_playwright"])
if not Path(CHROMIUM).exists():
    if IN_CI:
        raise RuntimeError("CI=true but /usr/bin/chromium is missing: apt-get install -y chromium chromium-driver")
    pytest.skip("Debian chromium is not installed (apt-get install -y chromium chromium-driver)", allow_module_level=True)


@dataclass
class Person:
    email: str
    user_id: uuid.UUID
    actor: Actor


@dataclass
class Live:
    base: str
    url: str  # database
    partner: Person
    floating: Person
    brand: Person
    admin: Person


async def _person(session, alliance_id, org, name: str, role: Role) -> Person:  # type: ignore[no-untyped-def]
    user = await members.create_user(session, org.id, f"{name.split()[0].lower()}@{org.name.split()[0].lower()}.example", name, role)
    set_password(user, PASSWORD)
    actor = Actor(user.id, org.id, alliance_id, role, org.kind, effective_permissions(role, org.kind, None))
    return Person(user.email, user.id, actor)


async def _seed(url: str) -> dict[str, Person]:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        alliance = await members.create_alliance(session, "Pearl River Apparel Alliance")
        await seed_catalogue(session, alliance.id)
        brand_org = await members.create_organisation(session, alliance.id, "Brand Co", OrgKind.BUYER, "guangzhou")
        partner_org = await members.create_organisation(session, alliance.id, "Foshan Print Works", OrgKind.FACTORY, "foshan")
        floating_org = await members.create_organisation(session, alliance.id, "Dongguan Sewing", OrgKind.FACTORY, "dongguan")
        office = await members.create_organisation(session, alliance.id, "Alliance Office", OrgKind.BUYER, "guangzhou")
        people = {
            "brand": await _person(session, alliance.id, brand_org, "Chen Buyer", Role.BUYER),
            "partner": await _person(session, alliance.id, partner_org, "Li Operator", Role.SUPPLIER_OPERATOR),
            "floating": await _person(session, alliance.id, floating_org, "Wu Operator", Role.SUPPLIER_OPERATOR),
            "admin": await _person(session, alliance.id, office, "Zhao Admin", Role.ALLIANCE_ADMIN),
        }
        await capacity.create_partnership(session, people["brand"].actor, PartnershipIn(factory_org_id=partner_org.id, agreed_unit_price_minor=450, currency="CNY"))
        for who, process in (("partner", "screen_printing"), ("floating", "sewing")):
            actor = people[who].actor
            site = await capacity.create_site(session, actor, SiteIn(name=f"{who} plant", region="guangdong"))
            await capacity.create_resource(session, actor, ResourceIn(site_id=site.id, name=f"{process} line 1", kind="crew", processes=[process], materials=["cotton"]))  # type: ignore[arg-type]
        # Some work already running at the other factory, so the heat map has more than one row.
        floating = people["floating"].actor
        resource_id = (await capacity.list_resources(session, floating)).items[0].id
        sewing = await capacity.publish_offer(session, floating, OfferIn(resource_id=resource_id, process="sewing", window_start=date.today(), window_end=date.today() + timedelta(days=27), capacity_per_day=200, unit_price_minor=300, currency="CNY"))
        earlier = await place_order(session, people["brand"].actor, OrderIn(reference="PO-2026-001", product="polo shirt", process="sewing", quantity=2400, due_at=utcnow() + timedelta(days=30), currency="CNY", material="cotton"))
        await allocations.apply_plan(session, people["brand"].actor, [PlanItem(order_id=earlier.id, offer_id=sewing.id, quantity=2400, explanation={"reason": "cheapest feasible", "score": 0.82})])
        await session.commit()
    await engine.dispose()
    return people


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    import uvicorn

    from tests.portal.conftest import portal_app_for_settings

    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('browser') / 'capool.db'}"
    upgrade(url)
    people = asyncio.run(_seed(url))
    port = _free_port()
    app = portal_app_for_settings(Settings(database_url=url))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield Live(f"http://127.0.0.1:{port}", url, people["partner"], people["floating"], people["brand"], people["admin"])
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(live: Live):  # type: ignore[no-untyped-def]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture(scope="module", autouse=True)
def screenshot_folder() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)


def shoot(page, live: Live, name: str, *, full_page: bool = False, then=None) -> None:  # type: ignore[no-untyped-def]
    """The current page in both languages (switched the way a person does), English last."""
    parsed = urlparse(page.url)
    here = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    for lang in ("zh-CN", "en"):
        page.goto(f"{live.base}/portal/lang/{lang}?next={quote(here, safe='')}")
        assert page.locator("html").get_attribute("lang") == lang
        if then is not None:
            then(page)
        shot = SHOTS / f"{name}.{lang}.png"
        page.screenshot(path=str(shot), full_page=full_page)
        # Small PNGs: the indexed ones are committed (docs/screenshots). A full-page dashboard
        # with its weekly chart is about 400 kB.
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert shot.stat().st_size < 600_000, shot.name


def sign_in(browser, live: Live, person: Person, *, phone: bool = False):  # type: ignore[no-untyped-def]
    viewport = {"width": 390, "height": 780} if phone else {"width": 1200, "height": 820}
    context = browser.new_context(locale="en-US", viewport=viewport)
    page = context.new_page()
    page.goto(f"{live.base}/portal/")
    assert "/portal/login" in page.url
    page.fill("input[name=email]", person.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live.base}/portal/")
    return context, page


def _drain_outbox(url: str) -> None:
    """What the outbox worker does (capool.jobs.process_outbox_event): every waiting event's
    consumers, each event in its own transaction; here the settlement ledger's."""
    from capool import events
    from capool.events import OutboxEvent

    async def work() -> None:
        engine = create_engine(url)
        factory = create_session_factory(engine)
        async with factory() as session:
            ids = list((await session.execute(select(OutboxEvent.id).where(OutboxEvent.processed_at.is_(None)).order_by(OutboxEvent.created_at))).scalars())
        for event_id in ids:
            async with factory() as session:
                row = await session.get(OutboxEvent, event_id)
                assert row is not None
                for handler in events.consumers_for(row.type):
                    await handler(session, row)
                row.processed_at = utcnow()
                await session.commit()
        await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, work()).result()


def test_supplier_publishes_buyer_orders_supplier_reports_by_qr(browser, live: Live) -> None:  # type: ignore[no-untyped-def]
    login_context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 820})
    login = login_context.new_page()
    login.goto(f"{live.base}/portal/login")
    shoot(login, live, "login")
    login_context.close()

    supplier_context, supplier = sign_in(browser, live, live.partner)
    shoot(supplier, live, "supplier-home")
    supplier.click("a[href='/portal/supplier/sites']")
    assert "screen_printing line 1" in supplier.inner_text("#resources")
    shoot(supplier, live, "supplier-sites")

    supplier.goto(f"{live.base}/portal/supplier/offers")
    supplier.select_option("#offer-form select[name=process]", "screen_printing")
    supplier.fill("#offer-form input[name=window_start]", date.today().isoformat())
    supplier.fill("#offer-form input[name=window_end]", (date.today() + timedelta(days=20)).isoformat())
    supplier.fill("#offer-form input[name=capacity_per_day]", "150")
    supplier.fill("#offer-form input[name=unit_price_minor]", "520")
    supplier.click("#offer-form button[type=submit]")
    supplier.wait_for_selector("#published")
    assert "0 of 3150 reserved" in supplier.inner_text("#calendar")

    buyer_context, buyer = sign_in(browser, live, live.brand)
    buyer.click("a[href='/portal/buyer/orders/new']")
    shoot(buyer, live, "buyer-new-order")
    buyer.fill("#order-form input[name=reference]", "PO-2026-042")
    buyer.fill("#order-form input[name=product]", "printed tee")
    buyer.select_option("#order-form select[name=process]", "screen_printing")
    buyer.fill("#order-form input[name=material]", "cotton")
    buyer.fill("#order-form input[name=quantity]", "1200")
    buyer.select_option("#order-form select[name=urgency]", "high")
    buyer.click("#order-form button[type=submit]")
    buyer.wait_for_selector("#summary")
    assert "submitted" in buyer.inner_text("#stage")

    # Match now: the matching engine plans the order and the plan is applied (a small run).
    buyer.click("#match-button")
    buyer.wait_for_selector("#run-status[data-status=applied]")
    assert "allocated" in buyer.inner_text("#stage")
    assert "Foshan Print Works" in buyer.inner_text("#factories")
    assert "lowest weighted cost" in buyer.inner_text("#explanations")
    buyer.locator("#explanations").scroll_into_view_if_needed()
    shoot(buyer, live, "buyer-order-matched")

    supplier.goto(f"{live.base}/portal/supplier/offers")
    assert "1200 of 3150 reserved" in supplier.inner_text("#calendar")
    shoot(supplier, live, "supplier-capacity-calendar")
    supplier.goto(f"{live.base}/portal/supplier/allocations")
    card = supplier.locator("article.card", has_text="PO-2026-042")
    assert "lowest weighted cost" in card.inner_text()
    shoot(supplier, live, "supplier-incoming")
    card.locator("button.accept").click()
    supplier.wait_for_selector("a.qr-link")
    supplier.click("a.qr-link")
    assert supplier.locator("#qr svg").count() == 1
    shoot(supplier, live, "supplier-qr")
    floor_url = supplier.get_attribute("#floor-link", "href")
    assert floor_url and floor_url.startswith(live.base + "/portal/floor/")

    # The phone: the operator's own session, a phone-sized screen, the URL the QR code holds.
    phone_context, phone = sign_in(browser, live, live.partner, phone=True)
    phone.goto(floor_url)
    for step in ("scan", "done", "confirm"):
        assert phone.get_attribute("#floor-form input[name=step]", "value") == step
        if step == "scan":
            shoot(phone, live, "shopfloor-phone")  # before typing: a screenshot reloads the page
            phone.fill("#floor-form input[name=quantity]", "500")
        phone.fill("#floor-form input[name=operator]", "Li Wei")
        phone.click("#step-button")
        phone.wait_for_selector("#recorded")
    assert "500 of 1200" in phone.inner_text("#confirmed")
    shoot(phone, live, "shopfloor-phone-confirmed")

    # Quality: the factory opens an inspection lot for the allocation, reports counts by
    # defect class and sees the ISO 2859-1 plan and the AQL decision.
    supplier.goto(f"{live.base}/portal/supplier/allocations")
    supplier.locator("article.card", has_text="PO-2026-042").locator("a.inspection-link").click()
    supplier.click("#lot-form button[type=submit]")
    supplier.wait_for_selector("#plan")
    assert supplier.inner_text("#sample-size") == "80"  # 1200 pieces, level II: code letter J
    supplier.fill("#results-form input[name=class_0]", "stain")
    supplier.select_option("#results-form select[name=severity_0]", "minor")
    supplier.fill("#results-form input[name=count_0]", "2")
    supplier.click("#results-button")
    supplier.wait_for_selector("#decision[data-decision=accepted]")
    shoot(supplier, live, "supplier-inspection-lot")
    supplier.goto(f"{live.base}/portal/supplier/statements")
    assert supplier.locator("#totals").count() == 1
    shoot(supplier, live, "supplier-statement")

    # The ledger: accepting the allocation and starting production became entries (the
    # outbox consumers run here, as the worker would); the buyer verifies one in the browser.
    _drain_outbox(live.url)
    buyer.reload()
    order_url = buyer.url
    buyer.locator("#ledger a.proof-link").first.click()
    assert buyer.get_attribute("#server-check", "data-ok") == "true"

    def verify(page) -> None:  # type: ignore[no-untyped-def]
        page.click("#verify-button")
        page.wait_for_selector("#verify-result[data-ok]")
        assert page.get_attribute("#verify-result", "data-ok") == "true", page.inner_text("#verify-result")

    shoot(buyer, live, "buyer-ledger-proof", then=verify)

    buyer.goto(order_url)
    assert "in production" in buyer.inner_text("#stage")
    assert "Screen printing 500/1200" in buyer.inner_text("#factories")  # the catalogue's name
    assert "Li Wei" in buyer.inner_text("#progress")
    shoot(buyer, live, "buyer-order-tracking")
    buyer.goto(f"{live.base}/portal/buyer/orders")
    assert "PO-2026-042" in buyer.inner_text("#orders")
    shoot(buyer, live, "buyer-orders")
    buyer.goto(f"{live.base}/portal/buyer/allocations")
    shoot(buyer, live, "buyer-allocations")

    # Another factory's operator holding the QR URL gets the 404 page, and nothing is recorded.
    other_context, other = sign_in(browser, live, live.floating)
    response = other.goto(floor_url)
    assert response is not None and response.status == 404
    assert other.locator("#error-message").count() == 1
    shoot(other, live, "not-found")
    for context in (supplier_context, buyer_context, phone_context, other_context):
        context.close()


def _busy_factory_fails(url: str, factory: Person, buyer: Person) -> None:
    """A rush order fills the factory's sewing line past 90% for the next two weeks; then its
    second line (cutting, in the same plant) draws 40% more current for three cycles in a
    row: the forecasting service's equipment rule opens an alert. Two risks: a red light."""

    async def work() -> None:
        engine = create_engine(url)
        async with create_session_factory(engine)() as session:
            sewing = (await session.execute(select(CapacityOffer).where(CapacityOffer.organisation_id == factory.actor.organisation_id))).scalars().first()
            assert sewing is not None
            rush = await place_order(session, buyer.actor, OrderIn(reference="PO-2026-077", product="polo shirt", process="sewing", quantity=3000, due_at=utcnow() + timedelta(days=27), currency="CNY", material="cotton"))
            await allocations.apply_plan(session, buyer.actor, [PlanItem(order_id=rush.id, offer_id=sewing.id, quantity=3000, explanation={"reason": "rush order"})])
            site = (await capacity.list_sites(session, factory.actor)).items[0]
            resource = await capacity.create_resource(session, factory.actor, ResourceIn(site_id=site.id, name="cutting line 2", kind="machine", processes=["cutting"], materials=["cotton"]))  # type: ignore[arg-type]
            start = utcnow() - timedelta(hours=3)
            readings = [TelemetrySample(cycle=i, current_a=peak, measured_at=start + timedelta(minutes=10 * i)) for i, peak in enumerate([10.0] * 10 + [14.0] * 3)]
            result = await ingest_telemetry(session, factory.actor, TelemetryIn(resource_id=resource.id, readings=readings))
            assert result.alert_opened
            await session.commit()
        await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, work()).result()


def test_admin_sees_the_heat_map(browser, live: Live) -> None:  # type: ignore[no-untyped-def]
    context, admin = sign_in(browser, live, live.admin)
    admin.click("a[href='/portal/admin']")
    heat = admin.locator("#heatmap svg.heatmap")
    assert heat.count() == 1
    rows = heat.locator("g.cell").evaluate_all("cells => [...new Set(cells.map(c => c.dataset.row))]")
    assert "Dongguan Sewing" in rows
    figures = heat.locator("g.cell text").all_text_contents()
    assert any(text.endswith("%") and text != "0%" for text in figures)
    # Processes by their catalogue names (the page is English here); the code stays in data-process.
    assert "Sewing" in admin.inner_text("#by-process")
    assert admin.locator("#by-process [data-process=sewing]").count() == 1
    shoot(admin, live, "admin-dashboard")
    context.close()


def test_admin_sees_a_red_light_after_a_factory_fails(browser, live: Live) -> None:  # type: ignore[no-untyped-def]
    context, admin = sign_in(browser, live, live.admin)
    admin.goto(f"{live.base}/portal/admin")
    factory = admin.locator("#lights tr[data-scope=factory]", has_text="Dongguan Sewing")
    assert factory.get_attribute("data-colour") != "red"
    _busy_factory_fails(live.url, live.floating, live.brand)
    admin.reload()
    factory = admin.locator("#lights tr[data-scope=factory]", has_text="Dongguan Sewing")
    assert factory.get_attribute("data-colour") == "red", factory.inner_text() + admin.inner_text("#by-process")
    reasons = factory.inner_text()
    assert "maintenance alert on cutting line 2" in reasons and "utilisation" in reasons
    assert factory.locator(".lamp.red").count() == 1
    assert "Maintenance alert on cutting line 2" in admin.inner_text("#alerts")
    assert "Sewing" in admin.inner_text("#bottlenecks")  # the catalogue's name
    assert admin.locator("#kpis tr[data-kpi]").count() == 7
    assert "/ 4" in admin.inner_text("#self-check")
    shoot(admin, live, "admin-red-light", full_page=True)
    context.close()


def test_every_screenshot_the_index_links_is_shot_by_a_test() -> None:
    """The index (docs/screenshots/README.md) links committed pictures that these tests make:
    each linked name is a `shoot(...)` of this module in one of its languages (and `shoot`
    asserts every picture it writes), and the committed file exists. Read from the source,
    not from the pictures of this run: under pytest-xdist the shooting tests may run in
    another worker process."""
    import ast
    import re

    index = (INDEXED / "README.md").read_text()
    linked = re.findall(r"\(([\w.-]+\.png)\)", index)
    assert len(linked) == 38
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    shot = {node.args[2].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "shoot"
            and len(node.args) > 2 and isinstance(node.args[2], ast.Constant)}
    made = {f"{name}.{lang}.png" for name in shot for lang in ("zh-CN", "en")}
    assert [name for name in linked if name not in made] == []
    assert [name for name in linked if not (INDEXED / name).exists()] == []
