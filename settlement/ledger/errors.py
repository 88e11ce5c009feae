"""Errors of the ledger engine. The service layer maps them onto capool.errors."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of everything the ledger engine rejects."""


class ProofError(LedgerError):
    """A Merkle proof is malformed or does not lead to the claimed root."""


class NoteError(LedgerError):
    """A signed note, key or checkpoint is malformed or its signatures do not verify."""


class EntryError(LedgerError):
    """A ledger entry is malformed or does not match its own hashes."""
