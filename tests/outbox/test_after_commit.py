"""The kernel's after-commit mechanism: what a transaction registers runs once its outermost
transaction commits, never at a SAVEPOINT release, and never for a rolled-back savepoint."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from capool import events
from capool.db import after_commit, create_session_factory
from capool.tenancy.models import Alliance
from tests.conftest import World


@pytest.fixture
def sent() -> Iterator[list[uuid.UUID]]:
    """The outbox ids handed to the broker, as the broker's sender sees them."""
    seen: list[uuid.UUID] = []
    events.on_committed(seen.extend)
    try:
        yield seen
    finally:
        events._after_commit_senders.remove(seen.extend)


async def test_a_savepoint_release_sends_nothing_before_the_commit(db, world: World, sent: list[uuid.UUID]) -> None:
    fired: list[str] = []
    async with create_session_factory(db)() as session:
        row = events.record(session, alliance_id=world.alliance_id, organisation_id=world.brand.org_id, type="test.saved",
                            aggregate_type="test", aggregate_id=uuid.uuid4(), payload={})
        after_commit(session, lambda: fired.append("outer"))
        async with session.begin_nested():  # as settlement does when it creates a ledger head
            session.add(Alliance(name="Savepoint Alliance"))
            after_commit(session, lambda: fired.append("released savepoint"))
            async with session.begin_nested():
                after_commit(session, lambda: fired.append("inner savepoint"))
        assert fired == [] and sent == []
        with pytest.raises(RuntimeError):
            async with session.begin_nested():
                after_commit(session, lambda: fired.append("rolled-back savepoint"))
                raise RuntimeError("consumer failed")
        assert fired == [] and sent == []
        await session.commit()
    assert fired == ["outer", "released savepoint", "inner savepoint"]
    assert sent == [row.id]


async def test_a_rollback_drops_what_was_registered(db, world: World, sent: list[uuid.UUID]) -> None:
    fired: list[str] = []
    async with create_session_factory(db)() as session:
        events.record(session, alliance_id=world.alliance_id, organisation_id=world.brand.org_id, type="test.dropped",
                      aggregate_type="test", aggregate_id=uuid.uuid4(), payload={})
        after_commit(session, lambda: fired.append("dropped"))
        await session.flush()
        await session.rollback()
        after_commit(session, lambda: fired.append("next transaction"))
        session.add(Alliance(name="Next Alliance"))
        await session.commit()
    assert fired == ["next transaction"] and sent == []


async def test_a_failing_callback_does_not_stop_the_others(db) -> None:
    fired: list[str] = []

    def broken() -> None:
        raise ConnectionError("broker down")

    async with create_session_factory(db)() as session:
        after_commit(session, broken)
        after_commit(session, lambda: fired.append("still sent"))
        session.add(Alliance(name="Broker Down Alliance"))
        await session.commit()
    assert fired == ["still sent"]
