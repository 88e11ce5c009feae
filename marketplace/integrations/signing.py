"""Webhook signatures: HMAC-SHA256 over `timestamp.body` (the raw request body bytes).

Headers sent with every delivery:
  Capool-Timestamp: 1795430400            (unix seconds)
  Capool-Signature: v1=<hex hmac>         (hmac_sha256(secret, f"{timestamp}.".encode() + body))
  Capool-Delivery-Id / Capool-Event-Id / Capool-Event-Type
A receiver recomputes the HMAC with its endpoint secret, compares in constant time, and
rejects timestamps more than five minutes (REPLAY_WINDOW_S) from its own clock.
"""

from __future__ import annotations

import hashlib
import hmac
import time

REPLAY_WINDOW_S = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def verify_signature(secret: str, body: bytes, signature: str, timestamp: str | int, *, tolerance_s: int = REPLAY_WINDOW_S,
                     now: float | None = None) -> bool:
    """True when `signature` (the Capool-Signature header) signs `body` at `timestamp` and the
    timestamp lies within the replay window."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - ts) > tolerance_s:
        return False
    expected = sign(secret, ts, body)
    return any(hmac.compare_digest(expected, part.strip()) for part in signature.split(","))
