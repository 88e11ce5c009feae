"""The API's pages in a real browser (Debian's headless Chromium, as tests/portal/test_browser.py)
with every request to another origin refused: Swagger UI renders the operations, and GraphiQL
runs a query with the API key typed into its page."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from capool.config import Settings
from capool.db import create_engine, create_session_factory
from capool.migrate import upgrade
from capool.tenancy import service as members
from capool.tenancy.models import OrgKind, Role

CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() == "true"

sync_api = pytest.importorskip("playwright.sync_api") if not IN_CI else __import__("playwright.sync_api", fromlist=["sync_playwright"])
if not Path(CHROMIUM).exists():
    if IN_CI:
        raise RuntimeError("CI=true but /usr/bin/chromium is missing: apt-get install -y chromium chromium-driver")
    pytest.skip("Debian chromium is not installed (apt-get install -y chromium chromium-driver)", allow_module_level=True)


async def _seed(url: str) -> str:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        alliance = await members.create_alliance(session, "Viewer Alliance")
        org = await members.create_organisation(session, alliance.id, "Viewer Brand", OrgKind.BUYER, "guangzhou")
        user = await members.create_user(session, org.id, "viewer@brand.example", "Viewer", Role.BUYER)
        token = (await members.issue_api_key(session, user.id, "graphiql")).token
        await session.commit()
    await engine.dispose()
    return token


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    import uvicorn

    from api.app import create_app

    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('viewers') / 'capool.db'}"
    upgrade(url)
    token = asyncio.run(_seed(url))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(database_url=url), run_worker=False), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", token
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(live: tuple[str, str]):  # type: ignore[no-untyped-def]
    base = live[0]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        context = browser.new_context()
        foreign: list[str] = []

        def offline(route) -> None:  # type: ignore[no-untyped-def]
            if route.request.url.startswith(base) or urlparse(route.request.url).scheme == "data":
                route.continue_()
            else:
                foreign.append(route.request.url)
                route.abort()

        context.route("**/*", offline)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        yield page
        browser.close()
        assert foreign == [], f"the page asked for other origins: {foreign}"
        assert [e for e in errors if "401" not in e] == [], errors


def test_swagger_ui_renders_the_operations_offline(page, live: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    base, _ = live
    page.goto(f"{base}/schema/swagger")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() > 50
    assert page.locator(".opblock-summary-path", has_text="/v1/orders/{order_id}").count() >= 1
    page.goto(f"{base}/schema")
    page.wait_for_selector(".opblock", timeout=20_000)


def test_graphiql_runs_a_query_with_the_key_from_the_page(page, live: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    base, token = live
    page.goto(f"{base}/graphql")
    page.wait_for_selector(".graphiql-container .graphiql-execute-button", timeout=20_000)
    assert page.locator("#api-key-state").inner_text().startswith("no key")
    page.fill("#api-key", token)
    assert page.locator("#api-key-state").inner_text() == "key set"
    page.click(".graphiql-execute-button")
    result = page.locator(".result-window")
    result.locator("text=items").wait_for(timeout=20_000)
    assert '"orders"' in result.inner_text()
    assert "401" not in result.inner_text()
