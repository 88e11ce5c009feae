"""Rate limits: sign-in per account and per client address, the API per key (REST and
GraphQL alike) and per address without a key; 429 problem+json with Retry-After; counters in
Redis shared between processes; and scrypt off the event loop."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.config import get_settings
from capool.db import create_session_factory
from capool.errors import RateLimited
from capool.ratelimit import RateLimits
from capool.tenancy.models import PortalSession
from tests.conftest import World, redis_url_or_skip
from tests.portal.conftest import PASSWORD, csrf_of, give_password

OFFERS_QUERY = {"query": "{ offers { id } }"}


def app_with(db: AsyncEngine, **settings: object):  # type: ignore[no-untyped-def]
    from api.app import create_app

    return create_app(get_settings().model_copy(update=settings), engine=db, run_worker=False)


@asynccontextmanager
async def client_for(app, *, peer: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, client=(peer, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://capool.test", headers={"Accept-Language": "en"}) as client:
        yield client


async def attempt(client: httpx.AsyncClient, email: str, password: str, headers: dict[str, str] | None = None) -> httpx.Response:
    client.cookies.clear()  # a fresh visitor each time (a signed-in one is sent on from the form)
    page = await client.get("/portal/login")
    return await client.post("/portal/login", data={"_csrf": csrf_of(page.text), "email": email, "password": password}, headers=headers or {})


async def count_sessions(db: AsyncEngine) -> int:
    async with create_session_factory(db)() as session:
        return int(await session.scalar(select(func.count()).select_from(PortalSession)) or 0)


def assert_retry_after(response: httpx.Response, window_s: int = 60) -> None:
    assert 1 <= int(response.headers["retry-after"]) <= window_s


async def test_the_sixth_wrong_password_in_a_minute_is_refused_unchecked(db: AsyncEngine, world: World) -> None:
    email = await give_password(db, world.partner)
    async with client_for(app_with(db, login_rate_limit="5/minute", login_address_rate_limit="100/minute")) as client:
        for _ in range(5):
            assert (await attempt(client, email, "not the password")).status_code == 401
        # The right password now: refused all the same, so it was not even checked.
        sixth = await attempt(client, email.upper(), PASSWORD)
        assert sixth.status_code == 429
        assert_retry_after(sixth)
        assert "Too many sign-in attempts. Try again in" in sixth.text and 'id="login-failed"' not in sixth.text
        assert await count_sessions(db) == 0
        # Another account from the same address is not locked out by it.
        other = await give_password(db, world.brand)
        assert (await attempt(client, other, PASSWORD)).status_code == 303


async def test_a_successful_sign_in_starts_the_account_count_again(db: AsyncEngine, world: World) -> None:
    email = await give_password(db, world.partner)
    async with client_for(app_with(db, login_rate_limit="3/minute", login_address_rate_limit="100/minute")) as client:
        for _ in range(2):
            assert (await attempt(client, email, "not the password")).status_code == 401
        assert (await attempt(client, email, PASSWORD)).status_code == 303
        for _ in range(3):
            assert (await attempt(client, email, "not the password")).status_code == 401
        assert (await attempt(client, email, "not the password")).status_code == 429


async def test_sign_in_is_limited_per_client_address_behind_a_trusted_proxy(db: AsyncEngine, world: World) -> None:
    app = app_with(db, login_rate_limit="100/minute", login_address_rate_limit="3/minute", trusted_proxies=["10.0.0.5"])
    async with client_for(app, peer="10.0.0.5") as proxy:
        guesser = {"X-Forwarded-For": "203.0.113.7"}
        for n in range(3):
            assert (await attempt(proxy, f"guess{n}@x.test", "not the password", guesser)).status_code == 401
        refused = await attempt(proxy, "guess9@x.test", "not the password", guesser)
        assert refused.status_code == 429
        assert_retry_after(refused)
        # Another client behind the same proxy has its own count.
        email = await give_password(db, world.partner)
        assert (await attempt(proxy, email, PASSWORD, {"X-Forwarded-For": "198.51.100.20"})).status_code == 303
    # A peer that is no trusted proxy cannot pose as a fresh address.
    async with client_for(app, peer="192.0.2.44") as direct:
        for n in range(3):
            assert (await attempt(direct, f"other{n}@x.test", "not the password", {"X-Forwarded-For": f"203.0.113.{n + 100}"})).status_code == 401
        assert (await attempt(direct, "other9@x.test", "not the password", {"X-Forwarded-For": "203.0.113.200"})).status_code == 429


async def test_api_keys_are_limited_one_by_one_on_rest_and_graphql(db: AsyncEngine, world: World) -> None:
    async with client_for(app_with(db, api_rate_limit="3/minute")) as client:
        for _ in range(2):
            assert (await client.get("/v1/offers", headers=world.brand.headers)).status_code == 200
        assert (await client.post("/graphql", json=OFFERS_QUERY, headers=world.brand.headers)).status_code == 200
        # REST and GraphQL share the key's count.
        for response in (await client.get("/v1/offers", headers=world.brand.headers), await client.post("/graphql", json=OFFERS_QUERY, headers=world.brand.headers)):
            assert response.status_code == 429
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["code"] == "rate_limited" and response.json()["status"] == 429
            assert_retry_after(response)
        # Another key (even of the same organisation's people) has its own count.
        assert (await client.get("/v1/offers", headers=world.partner.headers)).status_code == 200
        assert (await client.post("/graphql", json=OFFERS_QUERY, headers=world.partner.headers)).status_code == 200


async def test_a_refused_write_changes_nothing(db: AsyncEngine, world: World) -> None:
    async with client_for(app_with(db, api_rate_limit="1/minute")) as client:
        assert (await client.get("/v1/sites", headers=world.partner.headers)).status_code == 200
        refused = await client.post("/v1/sites", json={"name": "limited", "region": "foshan"}, headers=world.partner.headers)
        assert refused.status_code == 429
        assert (await client.get("/v1/sites", headers=world.brand.headers)).status_code == 200
    async with client_for(app_with(db)) as client:
        sites = (await client.get("/v1/sites", headers=world.partner.headers)).json()
        assert "limited" not in str(sites)


async def test_requests_without_a_valid_key_are_limited_per_address(db: AsyncEngine, world: World) -> None:
    async with client_for(app_with(db, api_anonymous_rate_limit="2/minute"), peer="198.51.100.3") as client:
        assert (await client.get("/v1/offers")).status_code == 401
        assert (await client.get("/v1/offers", headers={"Authorization": "Bearer cpk_nothing_real"})).status_code == 401
        refused = await client.post("/graphql", json=OFFERS_QUERY)
        assert refused.status_code == 429 and refused.headers["content-type"] == "application/problem+json"
        assert_retry_after(refused)
        # A valid key is counted as the key, not as the address.
        assert (await client.get("/v1/offers", headers=world.brand.headers)).status_code == 200


async def test_redis_counters_are_shared_between_processes(db: AsyncEngine, world: World) -> None:
    settings = get_settings().model_copy(update={"redis_url": redis_url_or_skip().rsplit("/", 1)[0] + "/13", "api_rate_limit": "2/minute"})
    prefix = f"capool-test-{uuid.uuid4().hex}"
    one, other = RateLimits(settings, key_prefix=prefix), RateLimits(settings, key_prefix=prefix)
    key = str(uuid.uuid4())
    await one.api_key_request(key)
    await other.api_key_request(key)
    with pytest.raises(RateLimited) as refused:
        await one.api_key_request(key)
    assert 1 <= refused.value.retry_after <= 60
    await other.api_key_request(str(uuid.uuid4()))  # another key: its own count
    # And through the app as deployed with Redis (its own prefix; key ids are unique).
    async with client_for(app_with(db, redis_url=settings.redis_url, api_rate_limit="2/minute")) as client:
        statuses = [(await client.get("/v1/offers", headers=world.brand.headers)).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert (await client.get("/v1/offers", headers=world.partner.headers)).status_code == 200


async def test_the_event_loop_answers_while_sign_ins_hash(db: AsyncEngine, world: World) -> None:
    email = await give_password(db, world.partner)
    async with client_for(app_with(db, login_rate_limit="100/minute", login_address_rate_limit="100/minute")) as client:
        started = time.perf_counter()
        signing_in = asyncio.gather(*(attempt(client, email if n % 2 else f"nobody{n}@x.test", "not the password") for n in range(10)))
        rounds = []
        while not signing_in.done():
            asked = time.perf_counter()
            assert (await client.get("/health")).status_code == 200
            await asyncio.sleep(0.01)
            rounds.append(time.perf_counter() - asked)
        assert [r.status_code for r in await signing_in] == [401] * 10
        took = time.perf_counter() - started
    # A health check and a 10 ms nap take some milliseconds. Rounds of over 100 ms are the
    # loop being held up: by scrypt on the loop, nearly all the time the sign-ins take (each
    # hash holds it for its whole length); off the loop, now and then on a busy machine.
    held_up = sum(r for r in rounds if r > 0.1)
    assert held_up < took / 2, (held_up, took, len(rounds))


async def test_an_unknown_email_costs_a_hash_like_a_known_one(db: AsyncEngine, world: World) -> None:
    email = await give_password(db, world.partner)

    async def quickest(who: str) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            assert (await attempt(client, who, "not the password")).status_code == 401
            times.append(time.perf_counter() - started)
        return min(times)

    async with client_for(app_with(db, login_rate_limit="100/minute", login_address_rate_limit="100/minute")) as client:
        known, unknown = await quickest(email), await quickest("nobody@x.test")
    # Loosely: without a dummy hash an unknown e-mail answers in a small fraction of the time.
    assert unknown > known * 0.5, (unknown, known)
