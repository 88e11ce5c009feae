"""A pair of outbox consumers, one of which fails on demand, for the bookkeeping tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from capool import events, jobs
from capool.db import after_commit, create_session_factory
from capool.events import OutboxEvent
from tests.conftest import World

TYPE = "test.bookkeeping.happened"


class Flaky:
    """Two consumers of TYPE: `ledger` always succeeds and records a follow-up event;
    `fan_out` fails while `failing` is set, after writing an event and registering a send."""

    def __init__(self) -> None:
        self.failing = True
        self.calls: list[tuple[str, uuid.UUID]] = []
        self.sent: list[str] = []

    async def ledger(self, session, event: OutboxEvent) -> None:  # type: ignore[no-untyped-def]
        self.calls.append(("ledger", event.id))
        events.record(session, alliance_id=event.alliance_id, organisation_id=event.organisation_id, type="test.bookkeeping.ledgered",
                      aggregate_type="test", aggregate_id=uuid.uuid4(), payload={"of": str(event.id)})
        after_commit(session, lambda: self.sent.append(f"ledger:{event.id}"))

    async def fan_out(self, session, event: OutboxEvent) -> None:  # type: ignore[no-untyped-def]
        self.calls.append(("fan_out", event.id))
        events.record(session, alliance_id=event.alliance_id, organisation_id=event.organisation_id, type="test.bookkeeping.fanned",
                      aggregate_type="test", aggregate_id=uuid.uuid4(), payload={"of": str(event.id)})
        after_commit(session, lambda: self.sent.append(f"fan_out:{event.id}"))
        await session.flush()
        if self.failing:
            raise RuntimeError("receiver down")


@pytest.fixture
def flaky(database_url: str) -> Iterator[Flaky]:
    jobs.job_database.configure(database_url)
    subject = Flaky()
    before = list(events._consumers)
    events.consumer(TYPE)(subject.ledger)
    events.consumer(TYPE)(subject.fan_out)
    try:
        yield subject
    finally:
        events._consumers[:] = before


LEDGER = events.consumer_name(Flaky.ledger)
FAN_OUT = events.consumer_name(Flaky.fan_out)


async def new_event(db, world: World, aggregate_id: uuid.UUID | None = None) -> uuid.UUID:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        row = events.record(session, alliance_id=world.alliance_id, organisation_id=world.brand.org_id, type=TYPE, aggregate_type="order",
                            aggregate_id=aggregate_id or uuid.uuid4(), payload={})
        await session.commit()
    return row.id


