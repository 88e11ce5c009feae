"""Ledger entries and the exact bytes that become Merkle leaves.

The leaf of entry `seq` is the RFC 8785 (JCS) canonical JSON of this object:

    {
      "v": 1,
      "ledgerId": "<ledger id>",
      "seq": <sequence number, from 0>,
      "type": "<entry type, e.g. milestone.shipped>",
      "recordedAt": "<YYYY-MM-DDTHH:MM:SS.ffffffZ>",
      "parties": ["<organisation id>", ...],        (sorted, no duplicates)
      "payload": { ...the entry's payload object... },
      "prevHash": "<hex leaf hash of entry seq-1; 64 zeroes for seq 0>"
    }

and its leaf hash is SHA-256(0x00 || leaf) (RFC 9162). The leaf hash doubles as the
entry hash the next entry chains to, so the hash chain and the Merkle tree commit to
the same bytes. The payload is stored as its own RFC 8785 text (`payload_json`), which
is byte for byte what appears inside the leaf.

`parties` names the organisations an entry concerns: they are the ones whose keys may
co-sign it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from hashlib import sha256
from typing import Any

import rfc8785

from capool.clock import ensure_utc
from settlement.ledger.errors import EntryError, LedgerError
from settlement.ledger.hashing import HASH_SIZE, leaf_hash
from settlement.ledger.timestamps import format_time, parse_time

LEAF_FORMAT_VERSION = 1
GENESIS_PREV_HASH = bytes(HASH_SIZE)


class EntryType(StrEnum):
    ALLOCATION_CONFIRMED = "allocation.confirmed"
    PRODUCTION_STARTED = "milestone.production_started"
    PRODUCED = "milestone.produced"
    SHIPPED = "milestone.shipped"
    DELIVERED = "milestone.delivered"
    INSPECTION_RESULT = "inspection.result"
    LOT_DECISION = "inspection.lot_decision"
    PAYMENT_FUNDED = "payment.funded"
    PAYMENT_RELEASED = "payment.released"
    PAYMENT_REFUNDED = "payment.refunded"
    DISPUTE_OPENED = "dispute.opened"
    DISPUTE_RESOLVED = "dispute.resolved"
    CAPACITY_WITHDRAWN = "capacity.withdrawn"


def canonical_json(value: Mapping[str, Any]) -> str:
    try:
        return rfc8785.dumps(value).decode("utf-8")
    except rfc8785.CanonicalizationError as exc:
        raise EntryError(f"payload cannot be canonicalised (RFC 8785): {exc}") from exc


def ledger_id_digest(ledger_id: str) -> bytes:
    """The bytes32 that stands for a ledger id on chain."""
    return sha256(ledger_id.encode("utf-8")).digest()


@dataclass(frozen=True)
class LedgerEntry:
    ledger_id: str
    seq: int
    entry_type: EntryType
    recorded_at: datetime
    parties: tuple[str, ...]
    payload_json: str
    prev_hash: bytes
    leaf_hash: bytes

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.payload_json)

    def leaf(self) -> bytes:
        return leaf_bytes(
            self.ledger_id, self.seq, self.entry_type, self.recorded_at, self.parties, self.payload_json, self.prev_hash
        )

    def to_json(self) -> dict[str, Any]:
        """The row as exported: every stored column, nothing derived."""
        return {
            "ledgerId": self.ledger_id,
            "seq": self.seq,
            "type": self.entry_type.value,
            "recordedAt": format_time(self.recorded_at),
            "parties": list(self.parties),
            "payload": self.payload_json,
            "prevHash": self.prev_hash.hex(),
            "leafHash": self.leaf_hash.hex(),
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> LedgerEntry:
        """Read an exported row as stored, without checking its hashes (see `check_entry`)."""
        try:
            seq = document["seq"]
            if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
                raise EntryError(f"seq is not a non-negative integer: {seq!r}")
            parties = document["parties"]
            if not isinstance(parties, list) or not all(isinstance(party, str) for party in parties):
                raise EntryError("parties is not a list of organisation ids")
            payload_json = document["payload"]
            if not isinstance(payload_json, str):
                raise EntryError("payload is not canonical JSON text")
            return cls(
                ledger_id=_text(document["ledgerId"]),
                seq=seq,
                entry_type=EntryType(document["type"]),
                recorded_at=parse_time(document["recordedAt"]),
                parties=tuple(parties),
                payload_json=payload_json,
                prev_hash=_hash_hex(document["prevHash"]),
                leaf_hash=_hash_hex(document["leafHash"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise EntryError(f"malformed entry: {exc!r}") from exc
        except LedgerError as exc:
            raise EntryError(str(exc)) from exc


def normalise_parties(parties: Iterable[str]) -> tuple[str, ...]:
    candidates = list(parties)
    if any(not isinstance(party, str) or not party for party in candidates):
        raise EntryError("parties are non-empty organisation ids")
    return tuple(sorted(set(candidates)))


def leaf_bytes(
    ledger_id: str,
    seq: int,
    entry_type: EntryType,
    recorded_at: datetime,
    parties: tuple[str, ...],
    payload_json: str,
    prev_hash: bytes,
) -> bytes:
    envelope = {
        "v": LEAF_FORMAT_VERSION,
        "ledgerId": ledger_id,
        "seq": seq,
        "type": entry_type.value,
        "recordedAt": format_time(recorded_at),
        "parties": list(parties),
        "payload": json.loads(payload_json),
        "prevHash": prev_hash.hex(),
    }
    return rfc8785.dumps(envelope)


def new_entry(
    ledger_id: str,
    seq: int,
    entry_type: EntryType,
    payload: Mapping[str, Any],
    *,
    prev_hash: bytes,
    recorded_at: datetime,
    parties: Iterable[str] = (),
) -> LedgerEntry:
    """Build entry `seq` with its canonical payload and leaf hash."""
    if not isinstance(payload, Mapping):
        raise EntryError("an entry payload is a JSON object")
    if len(prev_hash) != HASH_SIZE:
        raise EntryError(f"prev hash is {HASH_SIZE} bytes")
    normalised_parties = normalise_parties(parties)
    payload_json = canonical_json(payload)
    moment = ensure_utc(recorded_at)
    entry_type = EntryType(entry_type)
    leaf = leaf_bytes(ledger_id, seq, entry_type, moment, normalised_parties, payload_json, prev_hash)
    return LedgerEntry(
        ledger_id, seq, entry_type, moment, normalised_parties, payload_json, prev_hash, leaf_hash(leaf)
    )


def check_entry(entry: LedgerEntry) -> None:
    """Raise `EntryError` unless the stored entry is canonical and matches its leaf hash."""
    try:
        payload = json.loads(entry.payload_json)
    except ValueError as exc:
        raise EntryError("payload is not JSON") from exc
    if not isinstance(payload, dict):
        raise EntryError("payload is not a JSON object")
    if canonical_json(payload) != entry.payload_json:
        raise EntryError("payload is not in RFC 8785 canonical form")
    if normalise_parties(entry.parties) != entry.parties:
        raise EntryError("parties are not sorted and unique")
    if leaf_hash(entry.leaf()) != entry.leaf_hash:
        raise EntryError("leaf hash does not match the entry")


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise EntryError(f"expected a non-empty string, got {value!r}")
    return value


def _hash_hex(value: Any) -> bytes:
    if not isinstance(value, str):
        raise EntryError(f"expected a hex hash, got {value!r}")
    raw = bytes.fromhex(value)
    if len(raw) != HASH_SIZE or raw.hex() != value:
        raise EntryError(f"expected a lowercase hex {HASH_SIZE}-byte hash, got {value!r}")
    return raw
