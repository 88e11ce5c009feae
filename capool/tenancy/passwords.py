"""People's passwords for the portal: scrypt with a per-user salt, compared in constant time.

Stored as `scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>` so that the cost can be raised later
without invalidating the hashes already stored. The server hashes with the `_async`
functions, which run scrypt on a small thread pool of its own instead of the event loop.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from capool.errors import InvalidInput
from capool.tenancy.models import User

# 2**15 * 8 * 128 bytes = 32 MiB per hash; about 0.1 s on one core.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
MIN_LENGTH = 10
MAX_LENGTH = 1024
# Compared against when there is no usable hash (unknown email, no password set), so that a
# miss costs one derivation at the same cost as a hit. Its digest matches no password.
_DUMMY_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${base64.b64encode(bytes(16)).decode()}${base64.b64encode(bytes(32)).decode()}"
# One scrypt holds a core for about 0.1 s and 32 MiB. On the event loop it would stall every
# request for that long (twenty failed sign-ins: a second); here at most this many run at
# once, so a burst of sign-ins can take neither all memory nor the default executor's threads.
_HASHING = ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1), thread_name_prefix="capool-scrypt")
T = TypeVar("T")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=128 * r * n * 2, dklen=32)


def hash_password(password: str) -> str:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidInput.at("/password", f"a password needs {MIN_LENGTH} to {MAX_LENGTH} characters")
    salt = secrets.token_bytes(16)
    digest = _derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_password_hash(stored: str | None, password: str) -> bool:
    if not stored or len(password) > MAX_LENGTH:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)


def _verify_stored(stored: str | None, password: str) -> bool:
    if stored is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(stored, password)


def verify_password(user: User | None, password: str) -> bool:
    return _verify_stored(user.password_hash if user is not None else None, password)


async def _off_the_loop(work: Callable[..., T], *args: object) -> T:
    return await asyncio.get_running_loop().run_in_executor(_HASHING, work, *args)


async def hash_password_async(password: str) -> str:
    return await _off_the_loop(hash_password, password)


async def verify_password_async(user: User | None, password: str) -> bool:
    # The row is read here, on the loop: an ORM object is not for other threads.
    return await _off_the_loop(_verify_stored, user.password_hash if user is not None else None, password)
