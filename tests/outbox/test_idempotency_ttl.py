"""An Idempotency-Key is reusable once its TTL has passed (whether or not the purge ran), and
the purge deletes exactly the expired records."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from capool import housekeeping, idempotency, jobs
from capool.clock import utcnow
from capool.db import create_session_factory
from capool.idempotency import IdempotencyRecord
from marketplace.models import Order
from tests.conftest import World, future

DUE = future(10)


def _order(reference: str) -> dict:
    # One due date for all: the same order is the same request body.
    return {"reference": reference, "product": "tee", "process": "screen_printing", "quantity": 100, "due_at": DUE, "currency": "CNY"}


async def _expire(db, key: str) -> None:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        await session.execute(update(IdempotencyRecord).where(IdempotencyRecord.key == key).values(expires_at=utcnow() - timedelta(seconds=1)))
        await session.commit()


async def _references(db) -> list[str]:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        return sorted((await session.execute(select(Order.reference))).scalars())


async def test_a_key_is_reusable_after_its_ttl_before_any_purge(client, db, world: World) -> None:
    headers = world.brand.headers | {"Idempotency-Key": "nightly-import"}
    assert (await client.post("/v1/orders", json=_order("PO-MON"), headers=headers)).status_code == 201
    # Within the TTL another body is refused.
    assert (await client.post("/v1/orders", json=_order("PO-TUE"), headers=headers)).status_code == 422
    await _expire(db, "nightly-import")

    # After it (the stored record still there, no purge ran): a new request, not a replay, not a conflict.
    reused = await client.post("/v1/orders", json=_order("PO-TUE"), headers=headers)
    assert reused.status_code == 201, reused.text
    assert "idempotent-replayed" not in reused.headers
    assert await _references(db) == ["PO-MON", "PO-TUE"]
    # ... and the key now stands for the new request, with a fresh TTL.
    again = await client.post("/v1/orders", json=_order("PO-TUE"), headers=headers)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == reused.json()["id"]
    async with create_session_factory(db)() as session:
        records = (await session.execute(select(IdempotencyRecord).where(IdempotencyRecord.key == "nightly-import"))).scalars().all()
    assert len(records) == 1 and records[0].expires_at > utcnow() + timedelta(hours=23)

    # Expired, the same body is not replayed either: it is a new request, done again.
    await _expire(db, "nightly-import")
    assert (await client.post("/v1/orders", json=_order("PO-WED"), headers=headers)).status_code == 201
    await _expire(db, "nightly-import")
    same = await client.post("/v1/orders", json=_order("PO-WED"), headers=headers)
    assert same.status_code == 409 and "idempotent-replayed" not in same.headers, same.text
    assert "PO-WED" in same.json()["detail"]  # refused as a second order with that reference, i.e. run again
    assert await _references(db) == ["PO-MON", "PO-TUE", "PO-WED"]


def _record(scope: str, key: str, expires_in: timedelta) -> IdempotencyRecord:
    return IdempotencyRecord(scope=scope, key=key, method="POST", path="/v1/orders", request_hash="0" * 64, status_code=201,
                             content_type="application/json", body=b"{}", expires_at=utcnow() + expires_in)


async def test_the_purge_removes_only_expired_records(db, database_url) -> None:
    async with create_session_factory(db)() as session:
        session.add_all([
            _record("api-key:a", "old-1", -timedelta(hours=2)),
            _record("api-key:a", "old-2", -timedelta(seconds=1)),
            _record("api-key:b", "old-3", -timedelta(days=3)),
            _record("api-key:a", "live-1", timedelta(minutes=5)),
            _record("api-key:b", "live-2", timedelta(hours=20)),
        ])
        await session.commit()

    # One batch at a time: the oldest first, never a live one.
    async with create_session_factory(db)() as session:
        assert await idempotency.purge_expired(session, batch=2) == 2
        await session.commit()
        assert sorted((await session.execute(select(IdempotencyRecord.key))).scalars()) == ["live-1", "live-2", "old-2"]

    jobs.job_database.configure(database_url)
    assert await housekeeping.purge_idempotency_records() == 1
    async with create_session_factory(db)() as session:
        assert sorted((await session.execute(select(IdempotencyRecord.key))).scalars()) == ["live-1", "live-2"]
        assert await session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 2
    assert await housekeeping.purge_idempotency_records() == 0


def test_the_purge_is_a_periodic_task() -> None:
    assert any(task.fn is housekeeping.purge_expired_idempotency for task in jobs.periodic_tasks())
