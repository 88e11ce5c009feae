"""The settlement ledger engine: pure (no database, no web), so it is testable,
benchmarkable and usable from the offline verifier.

- `entries`: entry types and the exact leaf bytes;
- `store`, `tree`: the RFC 9162 Merkle tree over a pluggable `TreeStore`;
- `proofs`: RFC 9162 proof verification and the JSON shapes;
- `note`, `keys`, `checkpoint`, `cosign`: C2SP signed notes, keyrings with rotation,
  checkpoints and organisation co-signatures;
- `ledger`: the sequencer tying them together.
"""

from settlement.ledger.checkpoint import (
    Checkpoint,
    VerifiedCheckpoint,
    cosign_note,
    issued_checkpoint_hash,
    origin_for,
    sign_checkpoint,
    verify_checkpoint,
    verify_inclusion_proof,
)
from settlement.ledger.cosign import EntryCosignature, cosign_entry, verify_entry_cosignature
from settlement.ledger.entries import (
    GENESIS_PREV_HASH,
    EntryType,
    LedgerEntry,
    check_entry,
    ledger_id_digest,
    new_entry,
)
from settlement.ledger.errors import EntryError, LedgerError, NoteError, ProofError
from settlement.ledger.keys import KeyRecord, Keyring, KeyRole, SigningKey, VerifierKey
from settlement.ledger.ledger import Ledger
from settlement.ledger.note import NoteSignature, SignedNote
from settlement.ledger.proofs import ConsistencyProof, InclusionProof, verify_consistency, verify_inclusion
from settlement.ledger.store import InMemoryTreeStore, NodeKey, TreeStore
from settlement.ledger.tree import MerkleTree

__all__ = [
    "GENESIS_PREV_HASH",
    "Checkpoint",
    "ConsistencyProof",
    "EntryCosignature",
    "EntryError",
    "EntryType",
    "InMemoryTreeStore",
    "InclusionProof",
    "KeyRecord",
    "KeyRole",
    "Keyring",
    "Ledger",
    "LedgerEntry",
    "LedgerError",
    "MerkleTree",
    "NodeKey",
    "NoteError",
    "NoteSignature",
    "ProofError",
    "SignedNote",
    "SigningKey",
    "TreeStore",
    "VerifiedCheckpoint",
    "VerifierKey",
    "check_entry",
    "cosign_entry",
    "cosign_note",
    "issued_checkpoint_hash",
    "ledger_id_digest",
    "new_entry",
    "origin_for",
    "sign_checkpoint",
    "verify_checkpoint",
    "verify_consistency",
    "verify_entry_cosignature",
    "verify_inclusion",
    "verify_inclusion_proof",
]
