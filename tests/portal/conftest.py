"""Portal fixtures: the real app with the portal mounted, people with passwords, and a
signed-in browser-like client (cookies kept, CSRF token read from the page)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.db import create_session_factory
from capool.tenancy.models import User
from capool.tenancy.passwords import set_password
from tests.conftest import Member

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


def portal_app(engine: AsyncEngine):  # type: ignore[no-untyped-def]
    """The real app (api/app.py mounts the portal) on the test's engine."""
    from api.app import create_app

    return create_app(engine=engine, run_worker=False)


@pytest.fixture
async def portal(db: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=portal_app(db))
    async with httpx.AsyncClient(transport=transport, base_url="http://capool.test", headers={"Accept-Language": "en"}) as client:
        yield client


async def give_password(engine: AsyncEngine, member: Member, password: str = PASSWORD) -> str:
    async with create_session_factory(engine)() as session:
        user = await session.get(User, member.user_id)
        assert user is not None
        set_password(user, password)
        await session.commit()
        return user.email


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, engine: AsyncEngine, member: Member) -> None:
    email = await give_password(engine, member)
    client.cookies.clear()
    page = await client.get("/portal/login")
    assert page.status_code == 200
    response = await client.post("/portal/login", data={"_csrf": csrf_of(page.text), "email": email, "password": PASSWORD, "next": "/portal/"})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/portal/"


async def post_form(client: httpx.AsyncClient, page_path: str, action: str, data: dict[str, str]) -> httpx.Response:
    """Submit a form the way a browser does: the token comes from the page the form is on."""
    page = await client.get(page_path)
    assert page.status_code == 200, page.text
    return await client.post(action, data={"_csrf": csrf_of(page.text), **data})


def portal_app_for_settings(settings):  # type: ignore[no-untyped-def]
    """The app as `capool serve` builds it (its own engine and lifespan)."""
    from api.app import create_app

    return create_app(settings, run_worker=False)
