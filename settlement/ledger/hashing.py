"""RFC 9162 (Certificate Transparency v2) hashing: SHA-256 with domain-separation prefixes.

The prefixes make a leaf hash and an interior node hash different even over the same
bytes, so a leaf can never be passed off as a subtree (second-preimage defence).
"""

from __future__ import annotations

from hashlib import sha256

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"

# MTH({}) = HASH(): the root of the empty tree (RFC 9162 section 2.1.1).
EMPTY_ROOT = sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    return sha256(LEAF_PREFIX + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(NODE_PREFIX + left + right).digest()
