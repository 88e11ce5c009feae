"""Domain events through a transactional outbox.

`record()` adds an event row in the caller's transaction; when that transaction commits,
the id is handed to the job broker (capool/jobs.py installs the sender; the kernel's
`capool.db.after_commit` holds it until the commit). A rollback drops both the row and the
pending send, so no job ever sees an event that did not happen. Consumers register with
`@consumer("order.")` and run in `capool.jobs.process_event`, each in its own savepoint, with
its attempts and last error kept in `outbox_consumptions` (one row per event and consumer).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from capool.clock import utcnow
from capool.db import Base, IdMixin, after_commit
from capool.tenancy.actor import Actor


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
    # Passes that ran consumers of this event, and what the last failing one raised.
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(2000))
    # Set when a consumer still failed after `outbox_max_attempts` passes: no retry, no
    # sweep, listed for the alliance admin (a dead letter) until an admin retries it.
    dead_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_outbox_events_unprocessed", "processed_at", "created_at"), Index("ix_outbox_events_dead", "dead_at"))


class OutboxConsumption(Base):
    """One consumer's bookkeeping for one event: done once it succeeded (a retried event only
    re-runs the consumers not done), otherwise how often it failed and with what. Written for
    events that took more than one pass; an event processed at its first pass has none."""

    __tablename__ = "outbox_consumptions"

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outbox_events.id", ondelete="CASCADE"), primary_key=True)
    consumer: Mapped[str] = mapped_column(String(200), primary_key=True)
    done_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(2000))
    last_attempt_at: Mapped[datetime | None]


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
    send_after_commit(session, row.id)
    return row


def send_after_commit(session: AsyncSession, event_id: uuid.UUID) -> None:
    """Hand the event to the worker once the caller's transaction has committed."""
    after_commit(session, lambda: _send(event_id))


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
_consumers: list[tuple[str, str, Consumer]] = []


def consumer_name(handler: Consumer) -> str:
    """The name a consumer's bookkeeping is stored under (`outbox_consumptions.consumer`)."""
    return f"{handler.__module__}.{handler.__qualname__}"[:200]


def consumer(type_prefix: str) -> Callable[[Consumer], Consumer]:
    """Register a handler for every event whose type starts with `type_prefix`."""

    def register(handler: Consumer) -> Consumer:
        _consumers.append((type_prefix, consumer_name(handler), handler))
        return handler

    return register


def named_consumers_for(event_type: str) -> list[tuple[str, Consumer]]:
    return [(name, handler) for prefix, name, handler in _consumers if event_type.startswith(prefix)]


def consumers_for(event_type: str) -> list[Consumer]:
    return [handler for _name, handler in named_consumers_for(event_type)]


# Hooks that deliver committed event ids; capool.jobs installs the broker's sender.
_after_commit_senders: list[Callable[[list[uuid.UUID]], None]] = []


def on_committed(sender: Callable[[list[uuid.UUID]], None]) -> None:
    _after_commit_senders.append(sender)


def _send(event_id: uuid.UUID) -> None:
    for sender in _after_commit_senders:
        sender([event_id])
