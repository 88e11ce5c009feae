"""Rate limits for sign-in and the API, on the `limits` library's moving windows.

With `redis_url` set the counters live in Redis, so that every API process shares them (a
limit per process would multiply by the number of processes); without it they live in
this process's memory, which is all the embedded mode has. Limits are written in `limits`'
notation ("5/minute", "600/hour") and come from Settings.
"""

from __future__ import annotations

import hashlib
import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from capool.config import Settings
from capool.errors import RateLimited

KEY_PREFIX = "capool-ratelimit"


def _storage(redis_url: str | None, key_prefix: str) -> Storage:
    if redis_url is None:
        return MemoryStorage()
    return RedisStorage(f"async+{redis_url}", implementation="redispy", key_prefix=key_prefix)


def _private(value: str) -> str:
    # E-mail addresses typed at the sign-in form, real or not, are not stored in Redis as such.
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class RateLimits:
    """The platform's limits; one per app, so that each app (and each test) counts its own
    requests in memory, or shares Redis with the other processes."""

    def __init__(self, settings: Settings, *, key_prefix: str = KEY_PREFIX) -> None:
        self._limiter = MovingWindowRateLimiter(_storage(settings.redis_url, key_prefix))
        self._sign_in_account = parse(settings.login_rate_limit)
        self._sign_in_address = parse(settings.login_address_rate_limit)
        self._api_key = parse(settings.api_rate_limit)
        self._api_anonymous = parse(settings.api_anonymous_rate_limit)

    async def _hit(self, item: RateLimitItem, *identifiers: str) -> None:
        # `hit` counts and checks in one step (atomic in Redis), so concurrent requests
        # cannot all slip under the limit between a check and a count.
        if not await self._limiter.hit(item, *identifiers):
            stats = await self._limiter.get_window_stats(item, *identifiers)
            raise RateLimited(max(1, math.ceil(stats.reset_time - time.time())))

    async def sign_in_attempt(self, email: str, address: str) -> None:
        """Count one sign-in attempt, before the password is looked at; raises RateLimited
        past either limit. Every attempt counts: counting only failures would let a burst of
        concurrent guesses all pass the check before any of them failed."""
        await self._hit(self._sign_in_address, "sign-in-address", address)
        await self._hit(self._sign_in_account, "sign-in-account", _private(email.strip().lower()))

    async def sign_in_succeeded(self, email: str) -> None:
        """The person knows the password: their account's attempts start again from zero (the
        address's do not, or one valid account would reset the count for guessing others)."""
        await self._limiter.clear(self._sign_in_account, "sign-in-account", _private(email.strip().lower()))

    async def api_key_request(self, api_key_id: str) -> None:
        await self._hit(self._api_key, "api-key", api_key_id)

    async def anonymous_request(self, address: str) -> None:
        """An API request without a valid key, counted per client address."""
        await self._hit(self._api_anonymous, "api-anonymous", address)
