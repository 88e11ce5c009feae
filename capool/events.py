"""Domain events through a transactional outbox.

`record()` adds an event row in the caller's transaction; when that transaction commits,
the ids are handed to the job broker (capool/jobs.py listens for the commit). A rollback
drops both the row and the pending send, so no job ever sees an event that did not happen.
Consumers register with `@consumer("order.")` and run in `process_outbox_event`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column

from capool.clock import utcnow
from capool.db import Base, IdMixin
from capool.tenancy.actor import Actor

PENDING_KEY = "capool.outbox.pending"


class OutboxEvent(IdMixin, Base):
    __tablename__ = "outbox_events"

    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    type: Mapped[str] = mapped_column(String(100), index=True)
    aggregate_type: Mapped[str] = mapped_column(String(50))
    aggregate_id: Mapped[uuid.UUID]
    payload: Mapped[dict[str, Any]]
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(2000))

    __table_args__ = (Index("ix_outbox_events_unprocessed", "processed_at", "created_at"),)


def record(
    session: AsyncSession,
    *,
    alliance_id: uuid.UUID,
    organisation_id: uuid.UUID,
    type: str,
    aggregate_type: str,
    aggregate_id: uuid.UUID,
    payload: dict[str, Any],
    occurred_at: datetime | None = None,
) -> OutboxEvent:
    """`occurred_at`: when it happened, if not now (a progress report dated by the shop floor)."""
    row = OutboxEvent(
        alliance_id=alliance_id,
        organisation_id=organisation_id,
        type=type,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        payload=payload,
        occurred_at=occurred_at or utcnow(),
    )
    session.add(row)
    session.sync_session.info.setdefault(PENDING_KEY, []).append(row.id)
    return row


def emit(
    session: AsyncSession, actor: Actor, type: str, aggregate_type: str, aggregate_id: uuid.UUID, payload: dict[str, Any],
    occurred_at: datetime | None = None,
) -> OutboxEvent:
    """Record an event on behalf of the acting organisation."""
    return record(
        session,
        alliance_id=actor.alliance_id,
        organisation_id=actor.organisation_id,
        type=type,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        payload=payload,
        occurred_at=occurred_at,
    )


Consumer = Callable[[AsyncSession, OutboxEvent], Awaitable[None]]
_consumers: list[tuple[str, Consumer]] = []


def consumer(type_prefix: str) -> Callable[[Consumer], Consumer]:
    """Register a handler for every event whose type starts with `type_prefix`."""

    def register(handler: Consumer) -> Consumer:
        _consumers.append((type_prefix, handler))
        return handler

    return register


def consumers_for(event_type: str) -> list[Consumer]:
    return [handler for prefix, handler in _consumers if event_type.startswith(prefix)]


# Hooks that deliver committed event ids; capool.jobs installs the broker's sender.
_after_commit_senders: list[Callable[[list[uuid.UUID]], None]] = []


def on_committed(sender: Callable[[list[uuid.UUID]], None]) -> None:
    _after_commit_senders.append(sender)


@event.listens_for(Session, "after_commit")
def _send_committed(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    if pending:
        for sender in _after_commit_senders:
            sender(list(pending))


@event.listens_for(Session, "after_rollback")
def _drop_rolled_back(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)
