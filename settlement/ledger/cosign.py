"""Organisation co-signatures on single entries ("we confirm this milestone").

A co-signature is a signed-note signature over this statement text:

    capool-ledger-entry-cosignature/v1
    <origin>
    <seq>
    <base64 leaf hash>
    time <YYYY-MM-DDTHH:MM:SS.ffffffZ>

The leaf hash pins every byte of the entry; the origin and seq stop the same signature
being replayed onto another ledger or position; the time decides which of the
organisation's keys was valid (key rotation). Only organisations listed in the entry's
`parties` may co-sign it, so verification needs nothing beyond the entry and a keyring.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from capool.clock import ensure_utc
from settlement.ledger.entries import LedgerEntry
from settlement.ledger.errors import LedgerError, NoteError
from settlement.ledger.keys import KeyRecord, Keyring, KeyRole, SigningKey
from settlement.ledger.note import NoteSignature, SignedNote
from settlement.ledger.timestamps import format_time, parse_time

STATEMENT_HEADER = "capool-ledger-entry-cosignature/v1"


def entry_statement(origin: str, seq: int, leaf_hash: bytes, signed_at: datetime) -> str:
    return (
        f"{STATEMENT_HEADER}\n{origin}\n{seq}\n"
        f"{base64.b64encode(leaf_hash).decode('ascii')}\ntime {format_time(signed_at)}\n"
    )


@dataclass(frozen=True)
class EntryCosignature:
    seq: int
    signed_at: datetime
    signature: NoteSignature

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "signedAt": format_time(self.signed_at), "signature": self.signature.line()}

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> EntryCosignature:
        try:
            seq = document["seq"]
            if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
                raise NoteError(f"seq is not a non-negative integer: {seq!r}")
            return cls(seq, parse_time(document["signedAt"]), NoteSignature.parse_line(document["signature"]))
        except (KeyError, TypeError) as exc:
            raise NoteError(f"malformed co-signature: {exc!r}") from exc
        except LedgerError as exc:
            raise NoteError(str(exc)) from exc


def cosign_entry(entry: LedgerEntry, origin: str, key: SigningKey, signed_at: datetime) -> EntryCosignature:
    moment = ensure_utc(signed_at)
    return EntryCosignature(entry.seq, moment, key.sign(entry_statement(origin, entry.seq, entry.leaf_hash, moment)))


def verify_entry_cosignature(
    cosignature: EntryCosignature, entry: LedgerEntry, origin: str, keyring: Keyring
) -> KeyRecord:
    """The organisation key that co-signed `entry`; raises `NoteError` otherwise."""
    if cosignature.seq != entry.seq:
        raise NoteError(f"co-signature is for entry {cosignature.seq}, not {entry.seq}")
    if cosignature.signed_at < entry.recorded_at:
        raise NoteError("co-signature is dated before the entry was recorded")
    if keyring.lookup(cosignature.signature) is None:
        raise NoteError(f"co-signature by unregistered key {cosignature.signature.key_name}")
    statement = entry_statement(origin, entry.seq, entry.leaf_hash, cosignature.signed_at)

    def may_cosign(record: KeyRecord) -> bool:
        return record.role is KeyRole.ORGANISATION and record.owner in entry.parties

    [signer] = keyring.verify_note(SignedNote(statement, (cosignature.signature,)), cosignature.signed_at, may_cosign)
    return signer
