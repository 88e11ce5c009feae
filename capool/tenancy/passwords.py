"""People's passwords for the portal: scrypt with a per-user salt, compared in constant time.

Stored as `scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>` so that the cost can be raised later
without invalidating the hashes already stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import cache

from capool.errors import InvalidInput
from capool.tenancy.models import User

# 2**15 * 8 * 128 bytes = 32 MiB per hash; about 0.1 s on one core.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
MIN_LENGTH = 10
MAX_LENGTH = 1024


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


@cache
def _dummy_hash() -> str:
    # Compared against when the email is unknown, so that a miss costs as long as a hit.
    return hash_password("capool-no-such-user")


def verify_password(user: User | None, password: str) -> bool:
    if user is None or user.password_hash is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(user.password_hash, password)
