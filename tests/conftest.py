"""Test fixtures: real databases with migrations applied, a real app, and a small alliance.

Every test runs on SQLite and, where reachable, on PostgreSQL. In CI (CI=true) PostgreSQL
and Redis are required: an unreachable server fails the run instead of skipping it.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dramatiq
import httpx
import pytest
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from capool import jobs, wiring  # noqa: F401  (wiring: outbox consumers)
from capool.db import create_engine, create_session_factory
from capool.events import OutboxEvent
from capool.migrate import upgrade
from capool.models import metadata
from capool.tenancy import service as members
from capool.tenancy.actor import Actor, effective_permissions
from capool.tenancy.models import OrgKind, Role
from marketplace import capacity, catalogue
from marketplace.schemas import PartnershipIn, ProcessIn, ProcessNames

# Deterministic secrets of the tests' own, none of them a published value: set before any
# settings are read, and inherited by the CLI subprocesses the tests start. A developer's
# own environment or .env must not decide which keys the tests sign with.
TEST_SECRETS = {
    "API_KEY_PEPPER": "test-api-key-pepper-4b1d6c2e",
    "SESSION_SECRET": "test-session-secret-9f3a7e51",
    "CAPOOL_LEDGER_SECRET": "test-ledger-secret-2c8e0d94",
}
os.environ.update(TEST_SECRETS)

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Under pytest-xdist each worker (gw0, gw1, ...) gets a Redis database of its own, counted down
# from the configured one, because the Redis tests empty their database (flushdb).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw"):
    _base, _, _db = REDIS_URL.rpartition("/")
    REDIS_URL = f"{_base}/{(int(_db or 0) - int(_XDIST_WORKER[2:])) % 16}"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _backends() -> list[str]:
    if _reachable("127.0.0.1", 5432) or IN_CI:
        return ["sqlite", "postgresql"]
    return ["sqlite"]


def redis_url_or_skip() -> str:
    if not _reachable("127.0.0.1", 6379):
        if IN_CI:
            pytest.fail("CI=true but Redis is not reachable on 127.0.0.1:6379")
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    return REDIS_URL


async def _fresh_postgres_database(suffix: str = "") -> str:
    name = f"capool_test_{os.getpid()}{suffix}"
    admin = create_engine(PG_ADMIN_URL)
    try:
        async with admin.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OSError as exc:
        pytest.fail(f"PostgreSQL is required (CI={IN_CI}) but not reachable: {exc}")
    finally:
        await admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh SQLite file for commands run in-process with click's CliRunner."""
    from capool.config import get_settings

    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session", params=_backends())
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
async def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'capool.db'}"
    else:
        url = await _fresh_postgres_database()
    # Migrations, not create_all: the tests run on the schema users get.
    await asyncio.to_thread(upgrade, url)
    return url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The engine, with every table emptied after the test."""
    yield engine
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(text("TRUNCATE " + ", ".join(tables) + " CASCADE"))
        else:
            for table in tables:
                await conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
async def session(db: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with create_session_factory(db)() as session:
        yield session


@pytest.fixture
async def client(db: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """The real app on the test's own event loop (asyncpg connections are bound to it)."""
    from api.app import create_app

    app = create_app(engine=db, run_worker=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://capool.test") as client:
        yield client


@dataclass
class Member:
    org_id: uuid.UUID
    user_id: uuid.UUID
    actor: Actor
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    alliance_id: uuid.UUID
    brand: Member  # buys and owns workshops (core tier)
    brand_ops: Member  # the brand's workshop operator
    partner: Member  # contracted factory
    floating: Member  # any other factory
    other_buyer: Member
    admin: Member  # alliance admin
    outsider: Member  # member of another alliance
    outsider_admin: Member  # the other alliance's admin


async def _member(session: AsyncSession, alliance_id: uuid.UUID, name: str, kind: OrgKind, role: Role, org_id: uuid.UUID | None = None) -> Member:
    if org_id is None:
        org = await members.create_organisation(session, alliance_id, name, kind, "guangzhou")
        org_id = org.id
    user = await members.create_user(session, org_id, f"{uuid.uuid4().hex[:8]}@{name.lower().replace(' ', '')}.test", name, role)
    issued = await members.issue_api_key(session, user.id, "test")
    actor = Actor(user.id, org_id, alliance_id, role, kind, effective_permissions(role, kind, None), issued.key.id)
    return Member(org_id, user.id, actor, issued.token)


# The processes the tests' alliances have in their catalogues (marketplace.catalogue): every
# code a test names through the services. Engine-only tests (matching.engine) need none.
TEST_PROCESSES = {
    "screen_printing": ("Screen printing", "丝网印刷"), "dtg_printing": ("Direct-to-garment printing", "数码直喷印花"),
    "heat_transfer": ("Heat transfer printing", "热转印"), "embroidery": ("Embroidery", "刺绣"), "cut_and_sew": ("Cut and sew", "裁剪缝制"),
    "sewing": ("Sewing", "缝制"), "cutting": ("Cutting", "裁剪"), "cut": ("Cut", "裁"), "print": ("Print", "印"), "p": ("P", "P"),
    "cnc_machining": ("CNC machining", "数控加工"),
}


async def seed_catalogue(session: AsyncSession, alliance_id: uuid.UUID, codes: dict[str, tuple[str, str]] = TEST_PROCESSES) -> None:
    for code, (en, zh) in codes.items():
        await catalogue.add_to_alliance(session, alliance_id, ProcessIn(code=code, names=ProcessNames(en=en, zh_cn=zh)))


@pytest.fixture
async def world(db: AsyncEngine) -> World:
    async with create_session_factory(db)() as session:
        alliance = await members.create_alliance(session, "Test Alliance")
        await seed_catalogue(session, alliance.id)
        brand = await _member(session, alliance.id, "Brand", OrgKind.BOTH, Role.BUYER)
        brand_ops = await _member(session, alliance.id, "Brand", OrgKind.BOTH, Role.SUPPLIER_OPERATOR, brand.org_id)
        partner = await _member(session, alliance.id, "Partner Factory", OrgKind.FACTORY, Role.SUPPLIER_OPERATOR)
        floating = await _member(session, alliance.id, "Floating Factory", OrgKind.FACTORY, Role.SUPPLIER_OPERATOR)
        other_buyer = await _member(session, alliance.id, "Other Buyer", OrgKind.BUYER, Role.BUYER)
        admin = await _member(session, alliance.id, "Alliance Office", OrgKind.BUYER, Role.ALLIANCE_ADMIN)
        elsewhere = await members.create_alliance(session, "Another Alliance")
        await seed_catalogue(session, elsewhere.id)
        outsider = await _member(session, elsewhere.id, "Outsider", OrgKind.BOTH, Role.ORG_ADMIN)
        outsider_admin = await _member(session, elsewhere.id, "Another Office", OrgKind.BUYER, Role.ALLIANCE_ADMIN)
        await capacity.create_partnership(session, brand.actor, PartnershipIn(factory_org_id=partner.org_id, agreed_unit_price_minor=450, currency="CNY"))
        await session.commit()
    return World(alliance.id, brand, brand_ops, partner, floating, other_buyer, admin, outsider, outsider_admin)


def future(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def today_plus(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


async def publish(client: httpx.AsyncClient, member: Member, process: str = "screen_printing", *, per_day: int = 100, days: int = 10,
                  price: int = 500, visibility: str = "alliance", min_batch: int = 1, materials: list[str] | None = None) -> dict:
    """A site, a resource and an offer through the REST API; returns the offer."""
    site = await client.post("/v1/sites", json={"name": f"site-{uuid.uuid4().hex[:6]}", "region": "foshan"}, headers=member.headers)
    assert site.status_code == 201, site.text
    resource = await client.post("/v1/resources", headers=member.headers, json={
        "site_id": site.json()["id"], "name": f"line-{uuid.uuid4().hex[:6]}", "kind": "crew", "processes": [process],
        "materials": materials or ["cotton"], "carbon_g_per_unit": 120,
    })
    assert resource.status_code == 201, resource.text
    offer = await client.post("/v1/offers", headers=member.headers, json={
        "resource_id": resource.json()["id"], "process": process, "window_start": today_plus(0), "window_end": today_plus(days - 1),
        "capacity_per_day": per_day, "unit_price_minor": price, "currency": "CNY", "visibility": visibility, "min_batch": min_batch,
    })
    assert offer.status_code == 201, offer.text
    return offer.json()


async def place(client: httpx.AsyncClient, member: Member, quantity: int = 100, process: str = "screen_printing", **extra: object) -> dict:
    body = {"reference": f"PO-{uuid.uuid4().hex[:8]}", "product": "tee", "process": process, "quantity": quantity,
            "due_at": future(20), "currency": "CNY", "material": "cotton", **extra}
    response = await client.post("/v1/orders", json=body, headers=member.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def allocate(client: httpx.AsyncClient, member: Member, items: list[tuple[str, str, int]]) -> list[dict]:
    response = await client.post("/v1/allocation-plans", headers=member.headers, json={
        "items": [{"order_id": o, "offer_id": f, "quantity": q} for o, f, q in items]})
    assert response.status_code == 201, response.text
    return response.json()




class OutboxWorker:
    """A real dramatiq worker consuming the outbox, on the broker the test chose."""

    def __init__(self, broker: dramatiq.Broker, worker: dramatiq.Worker, engine: AsyncEngine) -> None:
        self.broker = broker
        self.worker = worker
        self.engine = engine

    async def drain(self, timeout_s: float = 30.0) -> None:
        """Wait until every sent message has been processed (StubBroker), or (Redis) until the
        outbox is empty and no matching run is queued (a queued run's job emits more events)."""
        from matching.consumers import run_matching
        from matching.models import MatchRun, RunStatus

        if isinstance(self.broker, StubBroker):
            # Outbox consumers send matching jobs, and matching jobs emit outbox events.
            # Only those two queues: webhook deliveries reschedule themselves with delays (an
            # outage retries for a while), and a test decides itself how long to wait for them.
            broker = self.broker
            drained = (jobs.process_outbox_event.queue_name, run_matching.queue_name)
            while True:
                for queue in drained:
                    await asyncio.to_thread(broker.join, queue, timeout=int(timeout_s * 1000), fail_fast=True)
                await asyncio.to_thread(self.worker.join)
                if not any(broker.queues[q].unfinished_tasks for q in broker.queues if q.removesuffix(".DQ").removesuffix(".XQ") in drained):
                    return

        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            async with create_session_factory(self.engine)() as session:
                pending = await session.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None)))
                pending += await session.scalar(select(func.count()).select_from(MatchRun).where(MatchRun.status == RunStatus.QUEUED))
            if not pending:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{pending} outbox events or queued matching runs still unprocessed")
            await asyncio.sleep(0.05)


@asynccontextmanager
async def running_outbox_worker(database_url: str, redis_url: str | None, engine: AsyncEngine) -> AsyncIterator[OutboxWorker]:
    """Start a worker and, as the app does at start-up, re-send what was committed before it
    ran; stop it and go back to the embedded broker afterwards."""
    broker = jobs.use_broker(redis_url)
    if redis_url:
        broker.client.flushdb()
    jobs.job_database.configure(database_url)
    outbox = OutboxWorker(broker, jobs.start_worker(broker, threads=2), engine)
    try:
        async with create_session_factory(engine)() as session:
            await jobs.sweep_outbox(session, older_than=timedelta(0))
        yield outbox
    finally:
        outbox.worker.stop()
        if redis_url:
            broker.close()
        jobs.use_broker(None)


@pytest.fixture
async def outbox_worker(db: AsyncEngine, database_url: str) -> AsyncIterator[OutboxWorker]:
    """The embedded setup: an in-process StubBroker and worker threads."""
    async with running_outbox_worker(database_url, None, db) as outbox:
        yield outbox


@pytest.fixture
async def redis_outbox_worker(db: AsyncEngine, database_url: str) -> AsyncIterator[OutboxWorker]:
    """The production setup: the Redis broker (required in CI) and a dramatiq worker."""
    async with running_outbox_worker(database_url, redis_url_or_skip(), db) as outbox:
        yield outbox
