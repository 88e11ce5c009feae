"""UTC-aware time, in one place so that every timestamp carries its zone."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def ensure_utc(value: datetime) -> datetime:
    """Reject naive datetimes at the boundary instead of guessing their zone."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must carry a time zone (e.g. 2026-11-23T10:00:00Z)")
    return value.astimezone(UTC)
