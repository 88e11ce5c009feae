"""An append-only RFC 9162 Merkle tree over a `TreeStore`.

Every hash the RFC's recursive definitions ask for is the hash of a leaf range
`[start, end)`. A range splits into at most log2(n) perfect subtrees (the binary
representation of its length), each of which was stored when it became complete, so:

- the root of any size reads O(log n) stored nodes;
- an inclusion or consistency proof reads O(log n) stored nodes: every range in a proof
  is perfect except at most one per proof, the right edge of the tree;
- an append reads the O(log n) roots of the current perfect subtrees (the "frontier")
  and writes the nodes it completes, on average one per leaf.

The key-planning functions are public so that an asynchronous SQL repository can fetch
the same keys itself and feed them to `hash_of_range`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from settlement.ledger.hashing import EMPTY_ROOT, node_hash
from settlement.ledger.store import NodeKey, TreeStore

LeafRange = tuple[int, int]


def largest_power_of_two_below(n: int) -> int:
    """The k of RFC 9162: the largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_subtrees(start: int, end: int) -> list[NodeKey]:
    """The stored subtrees that make up the leaf range [start, end), largest first.

    Valid for the ranges the RFC recursion produces, whose start is aligned to a power
    of two at least as large as the range.
    """
    keys: list[NodeKey] = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start % (1 << level):
            raise ValueError(f"range [{start}, {end}) is not aligned to a subtree boundary")
        keys.append((level, start >> level))
        start += 1 << level
    return keys


def hash_of_range(start: int, end: int, nodes: Mapping[NodeKey, bytes]) -> bytes:
    """MTH(D[start:end]) from its perfect subtrees: the RFC split always puts the largest
    perfect subtree on the left, so the parts fold together from the right."""
    keys = perfect_subtrees(start, end)
    if not keys:
        return EMPTY_ROOT
    result = nodes[keys[-1]]
    for key in reversed(keys[:-1]):
        result = node_hash(nodes[key], result)
    return result


def inclusion_ranges(index: int, tree_size: int) -> list[LeafRange]:
    """The ranges whose hashes form PATH(index, D[tree_size]) (RFC 9162 2.1.3.1), in proof
    order: the sibling nearest the leaf first."""
    if not 0 <= index < tree_size:
        raise ValueError(f"leaf {index} is not in a tree of size {tree_size}")
    ranges: list[LeafRange] = []
    start, end = 0, tree_size
    while end - start > 1:
        split = start + largest_power_of_two_below(end - start)
        if index < split:
            ranges.append((split, end))
            end = split
        else:
            ranges.append((start, split))
            start = split
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[LeafRange]:
    """The ranges whose hashes form PROOF(old_size, D[new_size]) (RFC 9162 2.1.4.1), in
    proof order. Empty when the sizes are equal or the old tree is empty."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    if old_size in (0, new_size):
        return []
    ranges: list[LeafRange] = []
    start, end, remaining = 0, new_size, old_size
    # `old_is_whole_left_edge` is the RFC's boolean b: while true, the old tree is a prefix
    # of the current range and its own root need not be sent.
    old_is_whole_left_edge = True
    while remaining != end - start:
        split = largest_power_of_two_below(end - start)
        if remaining <= split:
            ranges.append((start + split, end))
            end = start + split
        else:
            ranges.append((start, start + split))
            start += split
            remaining -= split
            old_is_whole_left_edge = False
    if not old_is_whole_left_edge:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def keys_for_ranges(ranges: Sequence[LeafRange]) -> list[NodeKey]:
    """Every stored subtree the given ranges need, each once."""
    return list(dict.fromkeys(key for start, end in ranges for key in perfect_subtrees(start, end)))


class MerkleTree:
    """Appends leaf hashes and answers roots and proofs, reading only O(log n) nodes."""

    def __init__(self, store: TreeStore) -> None:
        self.store = store

    @property
    def size(self) -> int:
        return self.store.leaf_count()

    def append(self, leaf_hashes: Sequence[bytes]) -> int:
        """Append leaves and store every subtree they complete; returns the new size."""
        start = self.store.leaf_count()
        frontier_keys = perfect_subtrees(0, start)
        frontier = self._fetch(frontier_keys)
        # A stack of (level, index, hash) for the perfect subtrees at the right edge,
        # largest first; a new leaf merges with equal-sized neighbours, like binary carry.
        stack = [(level, index, frontier[(level, index)]) for level, index in frontier_keys]
        completed: dict[NodeKey, bytes] = {}
        for offset, value in enumerate(leaf_hashes):
            level, index = 0, start + offset
            while stack and stack[-1][0] == level:
                value = node_hash(stack.pop()[2], value)
                level, index = level + 1, index >> 1
                completed[(level, index)] = value
            stack.append((level, index, value))
        self.store.append_leaf_hashes(start, leaf_hashes)
        if completed:
            self.store.put_nodes(completed)
        return start + len(leaf_hashes)

    def leaf_hash(self, index: int) -> bytes:
        self._check_size(index + 1)
        return self.store.get_leaf_hashes([index])[0]

    def root(self, tree_size: int | None = None) -> bytes:
        size = self.size if tree_size is None else tree_size
        self._check_size(size)
        return hash_of_range(0, size, self._fetch(perfect_subtrees(0, size)))

    def inclusion_proof(self, index: int, tree_size: int | None = None) -> list[bytes]:
        size = self.size if tree_size is None else tree_size
        self._check_size(size)
        return self._hashes_of(inclusion_ranges(index, size))

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        size = self.size if new_size is None else new_size
        self._check_size(size)
        return self._hashes_of(consistency_ranges(old_size, size))

    def _hashes_of(self, ranges: Sequence[LeafRange]) -> list[bytes]:
        nodes = self._fetch(keys_for_ranges(ranges))
        return [hash_of_range(start, end, nodes) for start, end in ranges]

    def _fetch(self, keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
        leaf_keys = [key for key in keys if key[0] == 0]
        node_keys = [key for key in keys if key[0] > 0]
        found: dict[NodeKey, bytes] = {}
        if leaf_keys:
            found.update(zip(leaf_keys, self.store.get_leaf_hashes([index for _, index in leaf_keys]), strict=True))
        if node_keys:
            found.update(zip(node_keys, self.store.get_nodes(node_keys), strict=True))
        return found

    def _check_size(self, tree_size: int) -> None:
        if not 0 <= tree_size <= self.size:
            raise ValueError(f"tree size {tree_size} is beyond the {self.size} leaves appended")
