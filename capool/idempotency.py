"""Stored responses for `Idempotency-Key`: same key and body replays, another body is refused."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import LargeBinary, String, UniqueConstraint, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from capool.clock import utcnow
from capool.db import Base, IdMixin
from capool.tenancy.actor import Actor


class IdempotencyRecord(IdMixin, Base):
    __tablename__ = "idempotency_records"

    # The authenticated API key's id (`caller_scope`): keys are private to the API key that
    # sent them. Never the prefix of the token as sent, which anyone can copy.
    scope: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(100))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(index=True)

    __table_args__ = (UniqueConstraint("scope", "key"),)


def caller_scope(actor: Actor) -> str:
    """Whose stored responses a request may see: only those of the API key it authenticated with."""
    return f"api-key:{actor.api_key_id}"


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


@dataclass(frozen=True)
class StoredResponse:
    request_hash: str
    status_code: int
    content_type: str
    body: bytes


async def find(session: AsyncSession, scope: str, key: str) -> StoredResponse | None:
    """A detached copy, so that it outlives the transaction it was read in."""
    statement = select(
        IdempotencyRecord.request_hash, IdempotencyRecord.status_code, IdempotencyRecord.content_type, IdempotencyRecord.body
    ).where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key, IdempotencyRecord.expires_at > utcnow())
    row = (await session.execute(statement)).one_or_none()
    return StoredResponse(*row) if row else None


async def purge_expired(session: AsyncSession, *, batch: int = 1000) -> int:
    """Delete up to `batch` expired records; returns how many (the periodic purge repeats)."""
    expired = select(IdempotencyRecord.id).where(IdempotencyRecord.expires_at <= utcnow()).order_by(IdempotencyRecord.expires_at).limit(batch)
    ids = list((await session.execute(expired)).scalars())
    if ids:
        await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id.in_(ids)))
    return len(ids)


async def store(
    session: AsyncSession, scope: str, key: str, method: str, path: str, fingerprint: str, status: int, content_type: str, body: bytes, ttl: timedelta
) -> None:
    """Keep a response for replay. An expired record of the same key is replaced: a key is
    reusable once its TTL has passed, whether or not the periodic purge has run yet."""
    await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key, IdempotencyRecord.expires_at <= utcnow())
    )
    session.add(IdempotencyRecord(
        scope=scope, key=key, method=method, path=path, request_hash=fingerprint,
        status_code=status, content_type=content_type, body=body, expires_at=utcnow() + ttl,
    ))
