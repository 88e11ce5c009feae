"""Portal sessions end on the server: signing out kills the cookie (also a copy of it), a
new password ends every session, and cookies are Secure behind a trusted TLS proxy only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.config import get_settings
from capool.db import create_session_factory
from capool.tenancy.models import PortalSession, User
from tests.conftest import World
from tests.portal.conftest import PASSWORD, csrf_of, portal_app, sign_in


@asynccontextmanager
async def client_for(app, *, peer: str = "127.0.0.1", base_url: str = "http://capool.test") -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, client=(peer, 50000))
    async with httpx.AsyncClient(transport=transport, base_url=base_url, headers={"Accept-Language": "en"}) as client:
        yield client


def app_with(db: AsyncEngine, **settings: object):  # type: ignore[no-untyped-def]
    from api.app import create_app

    return create_app(get_settings().model_copy(update=settings), engine=db, run_worker=False)


async def sessions_of(db: AsyncEngine, user_id: object) -> list[PortalSession]:
    async with create_session_factory(db)() as session:
        return list((await session.scalars(select(PortalSession).where(PortalSession.user_id == user_id))).all())


async def email_of(db: AsyncEngine, user_id: object) -> str:
    async with create_session_factory(db)() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user.email


async def test_signing_out_ends_the_session_for_a_copied_cookie_too(db: AsyncEngine, world: World) -> None:
    app = portal_app(db)
    async with client_for(app) as browser, client_for(app) as thief:
        await sign_in(browser, db, world.partner)
        captured = browser.cookies["capool_portal"]
        thief.cookies.set("capool_portal", captured, domain="capool.test", path="/portal")
        assert (await thief.get("/portal/")).status_code == 200  # the copy works while the session lives

        home = await browser.get("/portal/")
        out = await browser.post("/portal/logout", data={"_csrf": csrf_of(home.text)})
        assert out.status_code == 303

        thief.cookies.clear()
        thief.cookies.set("capool_portal", captured, domain="capool.test", path="/portal")
        stale = await thief.get("/portal/supplier/offers")
        assert stale.status_code == 303
        assert stale.headers["location"] == "/portal/login?next=%2Fportal%2Fsupplier%2Foffers"
    [row] = await sessions_of(db, world.partner.user_id)
    assert row.revoked_at is not None


async def test_a_new_password_ends_every_session_of_the_person(db: AsyncEngine, world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from capool.tenancy.cli import set_password_command

    app = portal_app(db)
    async with client_for(app) as laptop, client_for(app) as phone, client_for(app) as colleague:
        await sign_in(laptop, db, world.partner)
        email = await email_of(db, world.partner.user_id)
        page = await phone.get("/portal/login")
        assert (await phone.post("/portal/login", data={"_csrf": csrf_of(page.text), "email": email, "password": PASSWORD})).status_code == 303
        await sign_in(colleague, db, world.brand)
        assert (await laptop.get("/portal/")).status_code == 200 and (await phone.get("/portal/")).status_code == 200

        monkeypatch.setenv("DATABASE_URL", db.url.render_as_string(hide_password=False))
        get_settings.cache_clear()
        try:
            result = await asyncio.to_thread(CliRunner().invoke, set_password_command, [email, "--password", "a brand new password"])
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0, result.output

        assert (await laptop.get("/portal/")).status_code == 303
        assert (await phone.get("/portal/")).status_code == 303
        assert (await colleague.get("/portal/")).status_code == 200  # somebody else's session is not touched
    rows = await sessions_of(db, world.partner.user_id)
    assert len(rows) == 2 and all(row.revoked_at is not None for row in rows)
    [other] = await sessions_of(db, world.brand.user_id)
    assert other.revoked_at is None


async def test_signing_in_again_replaces_the_old_session(db: AsyncEngine, world: World) -> None:
    async with client_for(portal_app(db)) as browser:
        await sign_in(browser, db, world.partner)
        first = browser.cookies["capool_portal"]
        home = await browser.get("/portal/")
        page_token = csrf_of(home.text)
        email = await email_of(db, world.partner.user_id)
        again = await browser.post("/portal/login", data={"_csrf": page_token, "email": email, "password": PASSWORD})
        assert again.status_code == 303
    # The first session was revoked by the second sign-in, and then pruned as dead.
    [row] = await sessions_of(db, world.partner.user_id)
    assert row.revoked_at is None
    async with client_for(portal_app(db)) as thief:
        thief.cookies.set("capool_portal", first, domain="capool.test", path="/portal")
        assert (await thief.get("/portal/")).status_code == 303


async def test_cookies_are_secure_behind_a_trusted_proxy_only(db: AsyncEngine, world: World) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    trusted = app_with(db, trusted_proxies=["10.0.0.5"])
    async with client_for(trusted, peer="10.0.0.5") as via_proxy:
        assert "Secure" in (await via_proxy.get("/portal/login", headers=forwarded)).headers["set-cookie"]
        assert "Secure" not in (await via_proxy.get("/portal/login", headers={"X-Forwarded-Proto": "http"})).headers["set-cookie"]
        language = await via_proxy.get("/portal/lang/zh-CN?next=/portal/login", headers=forwarded)
        assert "capool_lang=zh-CN" in language.headers["set-cookie"] and "Secure" in language.headers["set-cookie"]
    # Anyone else claiming https over plain http is not believed; and without trusted
    # proxies nobody is.
    async with client_for(trusted, peer="198.51.100.9") as direct:
        assert "Secure" not in (await direct.get("/portal/login", headers=forwarded)).headers["set-cookie"]
    async with client_for(portal_app(db), peer="10.0.0.5") as unconfigured:
        assert "Secure" not in (await unconfigured.get("/portal/login", headers=forwarded)).headers["set-cookie"]


async def test_secure_cookies_can_be_forced_either_way(db: AsyncEngine, world: World) -> None:
    async with client_for(app_with(db, cookie_secure=True)) as plain_http:
        assert "Secure" in (await plain_http.get("/portal/login")).headers["set-cookie"]
    async with client_for(app_with(db, cookie_secure=False), base_url="https://capool.test") as https:
        assert "Secure" not in (await https.get("/portal/login")).headers["set-cookie"]
