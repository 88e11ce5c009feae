"""Verify capool webhook signatures (standard library only, so receivers need nothing else).

    from capool_client.signing import verify_signature
    ok = verify_signature(secret, raw_body, request.headers["Capool-Signature"], request.headers["Capool-Timestamp"])

The signature is `v1=` + hex(HMAC-SHA256(secret, f"{timestamp}." + raw body)); a timestamp
more than REPLAY_WINDOW_S (5 minutes) away from the receiver's clock is refused as a replay.
Also dedupe on the Capool-Delivery-Id header: a delivery may arrive more than once.
"""

from __future__ import annotations

import hashlib
import hmac
import time

REPLAY_WINDOW_S = 300


def verify_signature(secret: str, body: bytes, signature: str, timestamp: str | int, *, tolerance_s: int = REPLAY_WINDOW_S,
                     now: float | None = None) -> bool:
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - ts) > tolerance_s:
        return False
    expected = "v1=" + hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, part.strip()) for part in signature.split(","))
