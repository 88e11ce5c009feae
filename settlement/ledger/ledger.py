"""The sequencer of one alliance's ledger: append entries, sign checkpoints, prove.

It keeps no state of its own beyond the `TreeStore`: the next sequence number is the
tree size and the previous entry's hash is the last leaf hash. An outbox job persisting
to SQL therefore builds a `Ledger` over a SQL-backed store inside its transaction,
appends, and writes the returned entries' rows in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from capool.clock import ensure_utc, utcnow
from settlement.ledger.checkpoint import Checkpoint, origin_for, sign_checkpoint
from settlement.ledger.entries import GENESIS_PREV_HASH, EntryType, LedgerEntry, new_entry
from settlement.ledger.errors import LedgerError
from settlement.ledger.keys import SigningKey
from settlement.ledger.note import SignedNote
from settlement.ledger.proofs import ConsistencyProof, InclusionProof
from settlement.ledger.store import TreeStore
from settlement.ledger.tree import MerkleTree


class Ledger:
    def __init__(self, ledger_id: str, store: TreeStore, *, origin: str | None = None) -> None:
        self.ledger_id = ledger_id
        self.origin = origin or origin_for(ledger_id)
        self.tree = MerkleTree(store)

    @property
    def size(self) -> int:
        return self.tree.size

    def head_hash(self) -> bytes:
        """The hash the next entry chains to."""
        size = self.tree.size
        return self.tree.leaf_hash(size - 1) if size else GENESIS_PREV_HASH

    def append(
        self,
        entry_type: EntryType,
        payload: Mapping[str, Any],
        *,
        parties: Iterable[str] = (),
        recorded_at: datetime | None = None,
    ) -> LedgerEntry:
        entry = new_entry(
            self.ledger_id,
            self.tree.size,
            entry_type,
            payload,
            prev_hash=self.head_hash(),
            recorded_at=recorded_at or utcnow(),
            parties=parties,
        )
        self.tree.append([entry.leaf_hash])
        return entry

    def checkpoint(
        self, log_key: SigningKey, *, time: datetime | None = None, tree_size: int | None = None
    ) -> SignedNote:
        size = self.tree.size if tree_size is None else tree_size
        checkpoint = Checkpoint(self.origin, size, self.tree.root(size), ensure_utc(time or utcnow()))
        return sign_checkpoint(checkpoint, log_key)

    def inclusion_proof(
        self, seq: int, tree_size: int | None = None, *, checkpoint: SignedNote | None = None
    ) -> InclusionProof:
        """Proof that entry `seq` is in the tree of `tree_size`, or of the checkpoint's size
        with the checkpoint attached (a receipt a party can verify offline)."""
        if checkpoint is None:
            size = self.tree.size if tree_size is None else tree_size
            return InclusionProof(seq, size, self.tree.root(size), self.tree.inclusion_proof(seq, size))
        signed = Checkpoint.from_text(checkpoint.text)
        if tree_size not in (None, signed.tree_size):
            raise LedgerError(f"checkpoint is of size {signed.tree_size}, not {tree_size}")
        if self.tree.root(signed.tree_size) != signed.root_hash:
            raise LedgerError("checkpoint root is not the root of this ledger at its size")
        return InclusionProof(
            seq,
            signed.tree_size,
            signed.root_hash,
            self.tree.inclusion_proof(seq, signed.tree_size),
            checkpoint.format(),
        )

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> ConsistencyProof:
        size = self.tree.size if new_size is None else new_size
        return ConsistencyProof(old_size, size, self.tree.consistency_proof(old_size, size))
