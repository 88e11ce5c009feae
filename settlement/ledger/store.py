"""Where the Merkle tree keeps its hashes.

A node is keyed by `(level, index)`: the root of the perfect subtree over the leaves
`[index * 2**level, (index + 1) * 2**level)`. Level 0 is the leaf hashes themselves; they
sit behind their own methods because a SQL schema will usually keep them on the entry
rows, while the interior nodes (level >= 1) go to a separate table keyed by
`(ledger_id, level, index)`.

Only nodes of *complete* subtrees are ever stored, and once written they never change:
the store is append-only, which is what makes every proof a bounded batch read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from settlement.ledger.hashing import HASH_SIZE

NodeKey = tuple[int, int]


class TreeStore(Protocol):
    """Batch access to leaf hashes and interior nodes of one ledger's tree.

    Every method is called at most once or twice per tree operation with all the keys it
    needs, so an implementation backed by SQL answers each with one query. Reads of a
    key that was never written raise `KeyError`.
    """

    def leaf_count(self) -> int:
        """Number of leaves appended so far (the current tree size)."""
        ...

    def get_leaf_hashes(self, indices: Sequence[int]) -> list[bytes]:
        """The leaf hashes at `indices`, in the same order."""
        ...

    def append_leaf_hashes(self, start: int, leaf_hashes: Sequence[bytes]) -> None:
        """Append leaves `start, start + 1, ...`; `start` must equal `leaf_count()`."""
        ...

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        """The interior nodes (level >= 1) at `keys`, in the same order."""
        ...

    def put_nodes(self, nodes: Mapping[NodeKey, bytes]) -> None:
        """Store newly completed interior nodes (level >= 1)."""
        ...


class InMemoryTreeStore:
    """A `TreeStore` holding each level as one contiguous bytearray of 32-byte hashes.

    Contiguous levels keep a million-leaf tree at about 64 MiB instead of the several
    hundred a dict of small bytes objects would take.
    """

    def __init__(self) -> None:
        self._levels: list[bytearray] = [bytearray()]

    def leaf_count(self) -> int:
        return len(self._levels[0]) // HASH_SIZE

    def get_leaf_hashes(self, indices: Sequence[int]) -> list[bytes]:
        return [self._read(0, index) for index in indices]

    def append_leaf_hashes(self, start: int, leaf_hashes: Sequence[bytes]) -> None:
        if start != self.leaf_count():
            raise ValueError(f"append at {start} but the tree has {self.leaf_count()} leaves")
        leaves = self._levels[0]
        for value in leaf_hashes:
            _check_hash(value)
            leaves += value

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        return [self._read(level, index) for level, index in keys]

    def put_nodes(self, nodes: Mapping[NodeKey, bytes]) -> None:
        for (level, index), value in sorted(nodes.items()):
            if level < 1:
                raise ValueError("leaf hashes are written with append_leaf_hashes")
            _check_hash(value)
            while len(self._levels) <= level:
                self._levels.append(bytearray())
            row = self._levels[level]
            if index != len(row) // HASH_SIZE:
                raise ValueError(f"node ({level}, {index}) is not the next node of its level")
            row += value

    def _read(self, level: int, index: int) -> bytes:
        if level >= len(self._levels) or index < 0:
            raise KeyError((level, index))
        offset = index * HASH_SIZE
        value = bytes(self._levels[level][offset : offset + HASH_SIZE])
        if len(value) != HASH_SIZE:
            raise KeyError((level, index))
        return value


def _check_hash(value: bytes) -> None:
    if len(value) != HASH_SIZE:
        raise ValueError(f"a hash is {HASH_SIZE} bytes, got {len(value)}")
