"""Live notifications (capool/live.py) on both transports: published only once the transaction
commits, nothing for a rolled-back one or a rolled-back savepoint, delivered across processes
through Redis, and a gap reported instead of a silent loss."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from capool import live
from capool.db import create_session_factory
from tests.conftest import redis_url_or_skip


@pytest.fixture(params=["in-process", "redis"])
def transport(request: pytest.FixtureRequest) -> Iterator[str | None]:
    url = redis_url_or_skip() if request.param == "redis" else None
    live.use(url)
    yield url
    live.use(None)


async def _subscribed(inbox: live.Inbox, redis_url: str | None) -> None:
    if redis_url:  # the Redis subscription reports itself with a gap once it is made
        assert await inbox.get(5) is live.GAP


async def test_published_after_commit_only(db: AsyncEngine, transport: str | None) -> None:
    sessions = create_session_factory(db)
    async with live.subscribe("test:commit") as inbox:
        await _subscribed(inbox, transport)
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
            live.publish_after_commit(session, "test:commit", {"n": 1})
            assert await inbox.get(0.2) is None  # not before the commit
            await session.rollback()
        assert await inbox.get(0.3) is None

        async with sessions() as session:
            await session.execute(text("SELECT 1"))
            savepoint = await session.begin_nested()
            live.publish_after_commit(session, "test:commit", {"n": 2})
            await savepoint.rollback()  # what the savepoint registered goes with it
            live.publish_after_commit(session, "test:commit", {"n": 3})
            await session.commit()
        assert await inbox.get(5) == {"n": 3}
        assert await inbox.get(0.3) is None
    assert live.subscribers("test:commit") == 0


async def test_only_the_channels_subscribers_get_it(transport: str | None) -> None:
    async with live.subscribe("test:a") as a, live.subscribe("test:b") as b:
        await _subscribed(a, transport)
        await _subscribed(b, transport)
        live.publish("test:b", {"to": "b"})
        assert await b.get(5) == {"to": "b"}
        assert await a.get(0.3) is None


async def test_another_process_reaches_the_subscribers_through_redis() -> None:
    url = redis_url_or_skip()
    live.use(url)
    try:
        async with live.subscribe("test:remote") as inbox:
            await _subscribed(inbox, url)
            # What a worker process does: publish on the deployment's key with its own client.
            other = redis.Redis.from_url(url)
            key = f"capool:live:{redis.connection.parse_url(url).get('db', 0)}"
            assert other.publish(key, json.dumps({"channel": "test:remote", "message": {"from": "worker"}})) >= 1
            assert await inbox.get(5) == {"from": "worker"}
            other.publish(key, b"not json")  # ignored, and the subscription stays
            other.publish(key, json.dumps({"channel": "test:remote", "message": {"still": "here"}}))
            assert await inbox.get(5) == {"still": "here"}
            other.close()
    finally:
        live.use(None)


async def test_an_overflowing_inbox_reports_a_gap() -> None:
    live.use(None)
    async with live.subscribe("test:flood") as inbox:
        for n in range(live.INBOX_SIZE + 10):
            live.publish("test:flood", {"n": n})
        received = [await inbox.get(1) for _ in range(live.INBOX_SIZE + 1)]
        assert received[: live.INBOX_SIZE] == [{"n": n} for n in range(live.INBOX_SIZE)]
        assert received[-1] is live.GAP
        assert await inbox.get(0.2) is None  # the gap stands for the rest
