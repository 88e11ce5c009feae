"""Dead letters through REST: listed (paginated) for the alliance's admins with each consumer's
bookkeeping, refused (403) to everybody else, and retried by an admin: only the consumer that
had failed runs again."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from capool import events, jobs
from capool.config import get_settings
from capool.db import create_session_factory
from capool.events import OutboxEvent
from tests.conftest import World
from tests.outbox.conftest import FAN_OUT, LEDGER, Flaky, new_event
from tests.tenancy import snapshot

PATH = "/v1/admin/dead-letters"


async def _dead_letter(db, world: World, monkeypatch: pytest.MonkeyPatch) -> uuid.UUID:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(get_settings().outbox, "max_attempts", 1)
    event_id = await new_event(db, world)
    with pytest.raises(jobs.ConsumersFailed):
        await jobs.handle_outbox_event(event_id)
    return event_id


async def test_admins_list_their_dead_letters_with_each_consumer(client, db, world: World, flaky: Flaky, monkeypatch) -> None:
    dead = [await _dead_letter(db, world, monkeypatch) for _ in range(3)]
    listed = await client.get(PATH, headers=world.admin.headers, params={"limit": 2})
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert [item["id"] for item in page["items"]] == [str(dead[0]), str(dead[1])]
    first = page["items"][0]
    assert (first["type"], first["organisation_id"], first["attempts"]) == ("test.bookkeeping.happened", str(world.brand.org_id), 1)
    assert first["last_error"] == f"{FAN_OUT}: RuntimeError: receiver down" and first["dead_at"]
    consumers = {c["consumer"]: c for c in first["consumers"]}
    assert consumers[LEDGER]["done_at"] and consumers[LEDGER]["attempts"] == 1 and consumers[LEDGER]["last_error"] is None
    assert consumers[FAN_OUT]["done_at"] is None and consumers[FAN_OUT]["last_error"] == "RuntimeError: receiver down"

    rest = (await client.get(PATH, headers=world.admin.headers, params={"limit": 2, "cursor": page["next_cursor"]})).json()
    assert [item["id"] for item in rest["items"]] == [str(dead[2])] and rest["next_cursor"] is None


async def test_everybody_else_is_refused(client, db, world: World, flaky: Flaky, monkeypatch) -> None:
    event_id = await _dead_letter(db, world, monkeypatch)
    before = await snapshot(db)
    for member in (world.brand, world.partner, world.other_buyer, world.outsider):
        listed = await client.get(PATH, headers=member.headers)
        assert listed.status_code == 403 and listed.headers["content-type"].startswith("application/problem+json")
        assert listed.json()["code"] == "permission_denied"
        retried = await client.post(f"{PATH}/{event_id}/retry", headers=member.headers)
        assert retried.status_code == 403 and retried.json()["code"] == "permission_denied"
    assert (await client.get(PATH)).status_code == 401
    assert await snapshot(db) == before


async def test_bad_paging_is_a_problem_with_its_field(client, db, world: World) -> None:
    too_many = await client.get(PATH, headers=world.admin.headers, params={"limit": 5000})
    assert too_many.status_code == 422 and too_many.headers["content-type"].startswith("application/problem+json")
    assert too_many.json()["errors"][0]["pointer"].endswith("limit")
    cursor = await client.get(PATH, headers=world.admin.headers, params={"cursor": "not-a-cursor!"})
    assert cursor.status_code == 422 and cursor.json()["errors"][0]["pointer"] == "/cursor"


async def test_an_admin_retries_a_dead_letter_and_only_the_failed_consumer_runs(client, db, world: World, flaky: Flaky, monkeypatch) -> None:
    event_id = await _dead_letter(db, world, monkeypatch)
    other = await new_event(db, world)  # alive, not dead: cannot be retried as a dead letter
    flaky.failing = False
    sent: list[uuid.UUID] = []
    events.on_committed(sent.extend)
    try:
        retried = await client.post(f"{PATH}/{event_id}/retry", headers=world.admin.headers)
    finally:
        events._after_commit_senders.remove(sent.extend)
    assert retried.status_code == 202, retried.text
    assert retried.json()["dead_at"] is None and retried.json()["attempts"] == 0
    assert sent == [event_id]  # handed to the worker after the commit

    await jobs.handle_outbox_event(event_id)  # what the worker does with it
    async with create_session_factory(db)() as session:
        row = await session.get(OutboxEvent, event_id)
        assert row is not None and row.processed_at is not None and row.dead_at is None
    assert [call for call in flaky.calls if call[1] == event_id] == [("ledger", event_id), ("fan_out", event_id), ("fan_out", event_id)]
    assert (await client.get(PATH, headers=world.admin.headers)).json()["items"] == []

    again = await client.post(f"{PATH}/{event_id}/retry", headers=world.admin.headers)
    assert again.status_code == 409 and again.json()["code"] == "not_a_dead_letter"
    alive = await client.post(f"{PATH}/{other}/retry", headers=world.admin.headers)
    assert alive.status_code == 409 and alive.headers["content-type"].startswith("application/problem+json")
    missing = await client.post(f"{PATH}/{uuid.uuid4()}/retry", headers=world.admin.headers)
    assert missing.status_code == 404
    async with create_session_factory(db)() as session:
        assert (await session.execute(select(OutboxEvent.dead_at).where(OutboxEvent.id == other))).scalar_one() is None
