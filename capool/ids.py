"""Time-ordered UUIDs (RFC 9562 version 7), so ids double as stable pagination cursors.

Within one process the ids are strictly increasing (RFC 9562 section 6.2, method 2: the
random part is incremented when the clock has not moved), so rows made in the same
millisecond keep their creation order.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterable

_VERSION_AND_VARIANT = (0x7 << 76) | (0b10 << 62)
_lock = threading.Lock()
_last = 0


def _compose(millis: int, rand_a: int, rand_b: int) -> int:
    return ((millis & ((1 << 48) - 1)) << 80) | _VERSION_AND_VARIANT | ((rand_a & 0xFFF) << 64) | (rand_b & ((1 << 62) - 1))


def new_id() -> uuid.UUID:
    global _last
    with _lock:
        millis = time.time_ns() // 1_000_000
        candidate = _compose(millis, int.from_bytes(os.urandom(2), "big"), int.from_bytes(os.urandom(8), "big") >> 2)
        if candidate <= _last:
            # Same millisecond (or the clock stepped back): count up from the last id,
            # carrying from rand_b into rand_a while the version and variant bits stay put.
            last_ms, last_a, last_b = _last >> 80, (_last >> 64) & 0xFFF, _last & ((1 << 62) - 1)
            last_b += 1
            if last_b >> 62:
                last_b, last_a = 0, last_a + 1
            if last_a >> 12:
                last_a, last_ms = 0, last_ms + 1
            candidate = _compose(last_ms, last_a, last_b)
        _last = candidate
        return uuid.UUID(int=candidate)


def parse_ids(values: Iterable[uuid.UUID | str | None]) -> list[uuid.UUID]:
    """The values that are UUIDs (or their text), each once, in order; the rest are dropped
    (a page naming ids it finds in payloads and plans skips whatever is not an id)."""
    ids: dict[uuid.UUID, None] = {}
    for value in values:
        try:
            ids[value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))] = None
        except ValueError:
            continue
    return list(ids)
