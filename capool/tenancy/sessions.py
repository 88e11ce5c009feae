"""Portal sessions on the server: opened at sign-in, checked on every page, revoked at
sign-out and, all of a person's at once, when their password changes."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from capool.clock import utcnow
from capool.tenancy.models import PortalSession, User
from capool.tenancy.passwords import hash_password_async


async def open_session(db: AsyncSession, user_id: uuid.UUID, lifetime: timedelta) -> PortalSession:
    now = utcnow()
    # The person's ended sessions go when a new one starts, the only time rows are added,
    # so the table stays about one row per person and browser. A missing row is as dead
    # as a revoked one, so nothing is lost.
    await db.execute(delete(PortalSession).where(
        PortalSession.user_id == user_id, or_(PortalSession.expires_at <= now, PortalSession.revoked_at.is_not(None))))
    row = PortalSession(user_id=user_id, expires_at=now + lifetime)
    db.add(row)
    await db.flush()
    return row


async def is_live(db: AsyncSession, session_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    found = await db.scalar(select(PortalSession.id).where(
        PortalSession.id == session_id, PortalSession.user_id == user_id,
        PortalSession.revoked_at.is_(None), PortalSession.expires_at > utcnow()))
    return found is not None


async def revoke_session(db: AsyncSession, session_id: uuid.UUID) -> None:
    await db.execute(update(PortalSession).where(PortalSession.id == session_id, PortalSession.revoked_at.is_(None)).values(revoked_at=utcnow()))


async def revoke_all_sessions(db: AsyncSession, user_id: uuid.UUID) -> None:
    await db.execute(update(PortalSession).where(PortalSession.user_id == user_id, PortalSession.revoked_at.is_(None)).values(revoked_at=utcnow()))


async def change_password(db: AsyncSession, user: User, password: str) -> None:
    """A new password ends every session the person has open, wherever it was opened: one
    of them may be why the password is being changed."""
    user.password_hash = await hash_password_async(password)
    await revoke_all_sessions(db, user.id)
