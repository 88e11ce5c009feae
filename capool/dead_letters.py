"""Dead letters: outbox events whose consumer kept failing (`OutboxEvent.dead_at`), listed for
the admins of the alliance they happened in, and retried by them once the cause is fixed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from capool import events
from capool.errors import Conflict, NotFound
from capool.events import OutboxConsumption, OutboxEvent
from capool.pagination import Page, paginate
from capool.tenancy.actor import Actor, Permission
from capool.tenancy.policy import org_members_clause


@dataclass(frozen=True)
class DeadLetter:
    event: OutboxEvent
    consumptions: list[OutboxConsumption]  # every consumer that ran: done ones and failing ones


def _alliance_events(actor: Actor) -> ColumnElement[bool]:
    return org_members_clause(actor, OutboxEvent.organisation_id)


async def _with_consumptions(session: AsyncSession, rows: list[OutboxEvent]) -> list[DeadLetter]:
    statement = (select(OutboxConsumption).where(OutboxConsumption.event_id.in_([row.id for row in rows]))
                 .order_by(OutboxConsumption.event_id, OutboxConsumption.consumer))
    by_event: dict[uuid.UUID, list[OutboxConsumption]] = {row.id: [] for row in rows}
    for consumption in (await session.execute(statement)).scalars():
        by_event[consumption.event_id].append(consumption)
    return [DeadLetter(row, by_event[row.id]) for row in rows]


async def list_dead_letters(session: AsyncSession, actor: Actor, *, cursor: str | None = None, limit: int = 50) -> Page[DeadLetter]:
    """The alliance's dead letters, oldest first."""
    actor.require(Permission.ALLIANCE_ADMIN)
    statement = select(OutboxEvent).where(OutboxEvent.dead_at.is_not(None), OutboxEvent.processed_at.is_(None), _alliance_events(actor))
    page = await paginate(session, statement, OutboxEvent.id, cursor, limit)
    return Page(items=await _with_consumptions(session, page.items), next_cursor=page.next_cursor)


async def count_dead_letters(session: AsyncSession, actor: Actor) -> int:
    actor.require(Permission.ALLIANCE_ADMIN)
    statement = select(func.count()).select_from(OutboxEvent).where(
        OutboxEvent.dead_at.is_not(None), OutboxEvent.processed_at.is_(None), _alliance_events(actor))
    return int(await session.scalar(statement) or 0)


async def retry_dead_letter(session: AsyncSession, actor: Actor, event_id: uuid.UUID) -> DeadLetter:
    """Give a dead letter a fresh budget of attempts and send it to the worker after the commit;
    the worker runs only its consumers that are not done. 404 outside the admin's alliance,
    409 for an event that is not (or no longer) a dead letter."""
    actor.require(Permission.ALLIANCE_ADMIN)
    statement = select(OutboxEvent).where(OutboxEvent.id == event_id, _alliance_events(actor)).with_for_update()
    row = (await session.execute(statement)).scalar_one_or_none()
    if row is None:
        raise NotFound("outbox event", event_id)
    if row.processed_at is not None or row.dead_at is None:
        raise Conflict(f"outbox event {event_id} is not a dead letter", code="not_a_dead_letter")
    row.dead_at = None
    row.attempts = 0
    events.send_after_commit(session, row.id)
    await session.flush()
    return (await _with_consumptions(session, [row]))[0]
