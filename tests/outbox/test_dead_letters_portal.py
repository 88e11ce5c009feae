"""The alliance admin's dead-letter page: each dead letter with its consumers' bookkeeping and a
retry button (CSRF-checked); members without alliance:admin get the 403 page."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from capool import jobs
from capool.config import get_settings
from capool.db import create_session_factory
from capool.events import OutboxEvent
from tests.conftest import World
from tests.outbox.conftest import FAN_OUT, LEDGER, Flaky, new_event
from tests.portal.conftest import portal, post_form, sign_in  # noqa: F401  (portal: the fixture)
from tests.tenancy import snapshot

PAGE = "/portal/admin/dead-letters"


async def _dead_letter(db: AsyncEngine, world: World) -> uuid.UUID:
    event_id = await new_event(db, world)
    with pytest.raises(jobs.ConsumersFailed):
        await jobs.handle_outbox_event(event_id)
    return event_id


def _row(html: str, event_id: uuid.UUID) -> str:
    match = re.search(rf'<tr class="dead-letter" data-event="{event_id}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {event_id}"
    return match.group(1)


async def test_the_admin_sees_and_retries_a_dead_letter(portal: httpx.AsyncClient, db: AsyncEngine, world: World, flaky: Flaky, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setattr(get_settings().outbox, "max_attempts", 1)
    event_id = await _dead_letter(db, world)
    await sign_in(portal, db, world.admin)
    page = await portal.get(PAGE)
    assert page.status_code == 200, page.text
    assert "1 dead letters" in page.text and 'href="/portal/admin/dead-letters"' in page.text  # counted, and in the navigation
    row = _row(page.text, event_id)
    assert f'data-consumer="{LEDGER}" data-done="true"' in row
    assert f'data-consumer="{FAN_OUT}" data-done="false"' in row and "RuntimeError: receiver down" in row

    flaky.failing = False
    retried = await post_form(portal, PAGE, f"{PAGE}/{event_id}/retry", {})
    assert retried.status_code == 303 and retried.headers["location"] == f"{PAGE}?retried={event_id}"
    async with create_session_factory(db)() as session:
        row_after = await session.get(OutboxEvent, event_id)
        assert row_after is not None and row_after.dead_at is None and row_after.attempts == 0
    after = await portal.get(retried.headers["location"])
    assert f"Event {event_id} will be retried" in after.text and 'data-event="' not in after.text

    # Retrying it again: it is no dead letter any more (409 on the page, nothing changed).
    page = await portal.get(PAGE)
    again = await portal.post(f"{PAGE}/{event_id}/retry", data={"_csrf": re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)})  # type: ignore[union-attr]
    assert again.status_code == 409 and "is not a dead letter" in again.text


async def test_a_retry_without_the_csrf_token_changes_nothing(portal: httpx.AsyncClient, db: AsyncEngine, world: World, flaky: Flaky, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setattr(get_settings().outbox, "max_attempts", 1)
    event_id = await _dead_letter(db, world)
    await sign_in(portal, db, world.admin)
    before = await snapshot(db)
    response = await portal.post(f"{PAGE}/{event_id}/retry", data={})
    assert response.status_code == 403
    assert await snapshot(db) == before


async def test_members_without_alliance_admin_get_403(portal: httpx.AsyncClient, db: AsyncEngine, world: World, flaky: Flaky, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setattr(get_settings().outbox, "max_attempts", 1)
    event_id = await _dead_letter(db, world)
    for member in (world.brand, world.partner, world.outsider):
        await sign_in(portal, db, member)
        home = await portal.get("/portal/")
        assert "/portal/admin/dead-letters" not in home.text
        assert (await portal.get(PAGE)).status_code == 403
        before = await snapshot(db)
        refused = await post_form(portal, "/portal/", f"{PAGE}/{event_id}/retry", {})
        assert refused.status_code == 403
        assert await snapshot(db) == before
