"""The one textual form of a time inside signed or hashed ledger data.

Signed bytes must be reproducible from stored rows, so a time has exactly one spelling:
UTC, microseconds, `Z` suffix (e.g. `2026-11-23T10:00:00.000000Z`). Parsing is strict:
any other spelling is rejected rather than normalised, because normalising would hash
bytes other than the ones that were signed.
"""

from __future__ import annotations

from datetime import datetime

from capool.clock import ensure_utc
from settlement.ledger.errors import LedgerError


def format_time(value: datetime) -> str:
    return ensure_utc(value).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise LedgerError(f"not a ledger time (YYYY-MM-DDTHH:MM:SS.ffffffZ): {text!r}") from exc
    if value.tzinfo is None or format_time(value) != text:
        raise LedgerError(f"not the canonical spelling of a ledger time: {text!r}")
    return value
