"""Proof verification exactly as RFC 9162 sections 2.1.3.2 and 2.1.4.2 specify it, and the
JSON shapes proofs travel in (the transparency-dev / Rekor field names, hashes in hex)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from settlement.ledger.errors import ProofError
from settlement.ledger.hashing import EMPTY_ROOT, HASH_SIZE, node_hash


def root_from_inclusion_proof(index: int, tree_size: int, leaf_hash: bytes, proof: list[bytes]) -> bytes:
    """The root that `proof` yields for `leaf_hash` at `index`; raises if the proof has the
    wrong shape for that position."""
    if not 0 <= index < tree_size:
        raise ProofError(f"leaf index {index} is not below tree size {tree_size}")
    fn, sn = index, tree_size - 1
    result = leaf_hash
    for sibling in proof:
        if sn == 0:
            raise ProofError("inclusion proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is shorter than the path to the root")
    return result


def verify_inclusion(index: int, tree_size: int, leaf_hash: bytes, proof: list[bytes], root: bytes) -> None:
    if root_from_inclusion_proof(index, tree_size, leaf_hash, proof) != root:
        raise ProofError(f"inclusion proof for leaf {index} does not lead to the root of size {tree_size}")


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> None:
    if not 0 <= old_size <= new_size:
        raise ProofError(f"no consistency from size {old_size} to size {new_size}")
    if old_size == new_size:
        if proof or old_root != new_root:
            raise ProofError("equal tree sizes need equal roots and an empty proof")
        return
    if old_size == 0:
        # Every tree extends the empty tree; its root is fixed.
        if proof or old_root != EMPTY_ROOT:
            raise ProofError("the empty tree has a fixed root and an empty proof")
        return
    if not proof:
        raise ProofError("consistency proof is empty")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    old_result = new_result = path[0]
    for sibling in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is longer than needed")
        if fn & 1 or fn == sn:
            old_result = node_hash(sibling, old_result)
            new_result = node_hash(sibling, new_result)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            new_result = node_hash(new_result, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is shorter than needed")
    if old_result != old_root:
        raise ProofError(f"consistency proof does not lead to the root of size {old_size}")
    if new_result != new_root:
        raise ProofError(f"consistency proof does not lead to the root of size {new_size}")


@dataclass(frozen=True)
class InclusionProof:
    log_index: int
    tree_size: int
    root_hash: bytes
    hashes: list[bytes]
    # The signed checkpoint (note text) whose root this proof leads to, when one is known.
    checkpoint: str | None = None

    def verify(self, leaf_hash: bytes) -> None:
        verify_inclusion(self.log_index, self.tree_size, leaf_hash, self.hashes, self.root_hash)

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "logIndex": self.log_index,
            "treeSize": self.tree_size,
            "rootHash": self.root_hash.hex(),
            "hashes": [value.hex() for value in self.hashes],
        }
        if self.checkpoint is not None:
            document["checkpoint"] = self.checkpoint
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> InclusionProof:
        try:
            return cls(
                log_index=_non_negative(document["logIndex"]),
                tree_size=_non_negative(document["treeSize"]),
                root_hash=hash_from_hex(document["rootHash"]),
                hashes=[hash_from_hex(value) for value in document["hashes"]],
                checkpoint=document.get("checkpoint"),
            )
        except (KeyError, TypeError) as exc:
            raise ProofError(f"malformed inclusion proof: {exc!r}") from exc


@dataclass(frozen=True)
class ConsistencyProof:
    old_size: int
    new_size: int
    hashes: list[bytes]

    def verify(self, old_root: bytes, new_root: bytes) -> None:
        verify_consistency(self.old_size, self.new_size, old_root, new_root, self.hashes)

    def to_json(self) -> dict[str, Any]:
        return {
            "oldSize": self.old_size,
            "newSize": self.new_size,
            "hashes": [value.hex() for value in self.hashes],
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> ConsistencyProof:
        try:
            return cls(
                old_size=_non_negative(document["oldSize"]),
                new_size=_non_negative(document["newSize"]),
                hashes=[hash_from_hex(value) for value in document["hashes"]],
            )
        except (KeyError, TypeError) as exc:
            raise ProofError(f"malformed consistency proof: {exc!r}") from exc


def hash_from_hex(text: str) -> bytes:
    try:
        value = bytes.fromhex(text)
    except (TypeError, ValueError) as exc:
        raise ProofError(f"not a hex hash: {text!r}") from exc
    if len(value) != HASH_SIZE:
        raise ProofError(f"a hash is {HASH_SIZE} bytes, got {len(value)}")
    return value


def _non_negative(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofError(f"not a non-negative integer: {value!r}")
    return value
