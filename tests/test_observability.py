"""Request ids, structured logs and Prometheus metrics (capool/observability.py, api/observability.py)."""

from __future__ import annotations

import json
import logging
import re

import httpx
import pytest
from sqlalchemy import func, select

from capool import observability
from capool.config import get_settings
from capool.db import create_session_factory
from capool.events import OutboxEvent
from tests.conftest import World, place


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text exposition (0 when absent)."""
    for line in text.splitlines():
        match = re.fullmatch(rf"{re.escape(name)}\{{(.*)\}} (\S+)", line) or re.fullmatch(rf"{re.escape(name)} (\S+)", line)
        if not match:
            continue
        if match.lastindex == 1:
            return float(match.group(1)) if not labels else 0.0
        got = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        if all(got.get(k) == v for k, v in labels.items()):
            return float(match.group(2))
    return 0.0


async def test_http_metrics_count_each_request_by_route_template(client: httpx.AsyncClient, db, world: World) -> None:
    before = (await client.get("/metrics")).text
    for _ in range(3):
        assert (await client.get("/v1/offers", headers=world.brand.headers)).status_code == 200
    assert (await client.get("/v1/offers", headers={"X-API-Key": "cpk_nonsense"})).status_code == 401
    after = (await client.get("/metrics")).text
    ok = dict(method="GET", route="/v1/offers", status="200")
    assert _sample(after, "capool_http_requests_total", **ok) - _sample(before, "capool_http_requests_total", **ok) == 3
    denied = dict(method="GET", route="/v1/offers", status="401")
    assert _sample(after, "capool_http_requests_total", **denied) - _sample(before, "capool_http_requests_total", **denied) == 1
    count = dict(method="GET", route="/v1/offers")
    assert _sample(after, "capool_http_request_duration_seconds_count", **count) - _sample(before, "capool_http_request_duration_seconds_count", **count) == 4


async def test_outbox_gauges_are_read_from_the_database(client: httpx.AsyncClient, db, world: World) -> None:
    await place(client, world.brand, quantity=10)
    async with create_session_factory(db)() as session:
        pending = await session.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None)))
    assert pending and pending >= 2  # order.created and order.submitted, no worker here
    text = (await client.get("/metrics")).text
    assert _sample(text, "capool_outbox_pending_events") == pending
    assert _sample(text, "capool_outbox_lag_seconds") >= 0


async def test_metrics_need_loopback_or_the_token(db, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.app import create_app

    remote = httpx.ASGITransport(app=create_app(engine=db, run_worker=False), client=("203.0.113.9", 4000))
    async with httpx.AsyncClient(transport=remote, base_url="http://capool.test") as outsider:
        answer = await outsider.get("/metrics")
        assert answer.status_code == 401 and answer.headers["content-type"].startswith("application/problem+json")
    monkeypatch.setenv("METRICS_TOKEN", "s3cret-metrics-token-for-the-scraper")
    get_settings.cache_clear()
    try:
        app = create_app(engine=db, run_worker=False)
        for address in ("203.0.113.9", "127.0.0.1"):  # with a token, loopback needs it too
            transport = httpx.ASGITransport(app=app, client=(address, 4000))
            async with httpx.AsyncClient(transport=transport, base_url="http://capool.test") as scraper:
                assert (await scraper.get("/metrics")).status_code == 401
                assert (await scraper.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
                good = await scraper.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token-for-the-scraper"})
                assert good.status_code == 200 and "capool_http_requests_total" in good.text
    finally:
        monkeypatch.delenv("METRICS_TOKEN")
        get_settings.cache_clear()


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient, db, world: World) -> None:
    first, second = (await client.get("/health")), (await client.get("/health"))
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["x-request-id"]) and first.headers["x-request-id"] != second.headers["x-request-id"]
    assert (await client.get("/health", headers={"X-Request-ID": "proxy-7f3a.1"})).headers["x-request-id"] == "proxy-7f3a.1"
    forged = await client.get("/health", headers={"X-Request-ID": "x" * 65})
    assert forged.headers["x-request-id"] != "x" * 65
    problem = await client.get("/v1/offers")  # errors carry it too
    assert problem.status_code == 401 and "x-request-id" in problem.headers


async def test_log_lines_are_json_with_request_and_tenant(client: httpx.AsyncClient, db, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    observability.configure_logging("json", "INFO")
    try:
        assert (await client.get("/v1/offers", headers=world.brand.headers | {"X-Request-ID": "req-42"})).status_code == 200
        assert (await client.get("/v1/offers", headers={"X-Request-ID": "req-43"})).status_code == 401
        observability.bind(job_id="m-1")
        logging.getLogger("capool.test_probe").warning("placed %d orders", 3, extra={"orders": 3})
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    finally:
        import structlog

        structlog.contextvars.clear_contextvars()
        root.handlers[:] = handlers
        root.setLevel(level)
    access = {line["request_id"]: line for line in lines if line["logger"] == "capool.access"}
    expected = {"event": "request", "level": "info", "route": "/v1/offers", "status": 200, "tenant": str(world.brand.org_id), "method": "GET"}
    assert {key: access["req-42"].get(key) for key in expected} == expected
    assert access["req-43"]["status"] == 401 and "tenant" not in access["req-43"]  # no key, no tenant
    assert access["req-42"]["timestamp"].endswith("Z")
    probe = [line for line in lines if line["logger"] == "capool.test_probe"]
    assert probe == [probe[0]] and probe[0]["event"] == "placed 3 orders" and probe[0]["orders"] == 3 and probe[0]["job_id"] == "m-1"
    assert "request_id" not in probe[0]  # the request's context ended with it


async def test_jobs_are_counted_by_outcome(client: httpx.AsyncClient, db, world: World, outbox_worker) -> None:
    before = observability.exposition().decode()
    await place(client, world.brand, quantity=10)
    await outbox_worker.drain()
    after = observability.exposition().decode()
    labels = dict(queue="outbox", actor="process_outbox_event", outcome="done")
    assert _sample(after, "capool_jobs_total", **labels) - _sample(before, "capool_jobs_total", **labels) >= 2
