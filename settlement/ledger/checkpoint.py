"""Checkpoints in the C2SP tlog-checkpoint format (c2sp.org/tlog-checkpoint):

    <origin>
    <tree size>
    <base64 root hash>
    time <YYYY-MM-DDTHH:MM:SS.ffffffZ>
    <further extension lines, kept verbatim>

    — <log key name> <base64(key id || Ed25519 signature)>
    — <organisation key name> <base64(key id || Ed25519 signature)>

The `time` extension line carries the issue time, which decides which keys were valid
(key rotation); it is signed with the rest of the text. The log's key name is the origin,
as the spec recommends; organisations co-sign by adding their own lines.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256

from settlement.ledger.errors import LedgerError, NoteError
from settlement.ledger.hashing import HASH_SIZE
from settlement.ledger.keys import KeyRecord, Keyring, KeyRole, SigningKey
from settlement.ledger.note import NoteSignature, SignedNote, check_note_text
from settlement.ledger.proofs import InclusionProof
from settlement.ledger.timestamps import format_time, parse_time

TIME_LINE_PREFIX = "time "


def origin_for(ledger_id: str) -> str:
    """The default origin (log identity) of an alliance's ledger."""
    return f"capool/ledger/{ledger_id}"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    tree_size: int
    root_hash: bytes
    time: datetime
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [
            self.origin,
            str(self.tree_size),
            base64.b64encode(self.root_hash).decode("ascii"),
            TIME_LINE_PREFIX + format_time(self.time),
            *self.extensions,
        ]
        text = "\n".join(lines) + "\n"
        check_note_text(text)
        return text

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        check_note_text(text)
        lines = text[:-1].split("\n")
        if len(lines) < 4 or any(not line for line in lines):
            raise NoteError("a checkpoint has origin, size, root and time lines, none empty")
        origin, size_text, root_text, time_line, *extensions = lines
        if not size_text.isascii() or not size_text.isdigit() or (size_text.startswith("0") and size_text != "0"):
            raise NoteError(f"tree size is not a decimal without leading zeroes: {size_text!r}")
        try:
            root_hash = base64.b64decode(root_text, validate=True)
        except binascii.Error as exc:
            raise NoteError(f"root hash is not base64: {root_text!r}") from exc
        if len(root_hash) != HASH_SIZE:
            raise NoteError(f"root hash is {len(root_hash)} bytes, not {HASH_SIZE}")
        if not time_line.startswith(TIME_LINE_PREFIX):
            raise NoteError("the fourth checkpoint line must be the time")
        try:
            time = parse_time(time_line[len(TIME_LINE_PREFIX) :])
        except LedgerError as exc:
            raise NoteError(str(exc)) from exc
        checkpoint = cls(origin, int(size_text), root_hash, time, tuple(extensions))
        if checkpoint.text() != text:
            raise NoteError("checkpoint text is not in canonical form")
        return checkpoint


def sign_checkpoint(checkpoint: Checkpoint, log_key: SigningKey) -> SignedNote:
    text = checkpoint.text()
    return SignedNote(text, (log_key.sign(text),))


def cosign_note(note: SignedNote, key: SigningKey) -> SignedNote:
    """Add a co-signature line, e.g. an organisation vouching for a checkpoint it saw."""
    return note.with_signature(key.sign(note.text))


def issued_checkpoint_hash(text: str, log_signature: NoteSignature) -> bytes:
    """SHA-256 of the checkpoint exactly as the log issued it (text and the log's own
    signature line, without later co-signatures): the value anchored on chain."""
    return sha256(SignedNote(text, (log_signature,)).format().encode("utf-8")).digest()


@dataclass(frozen=True)
class VerifiedCheckpoint:
    checkpoint: Checkpoint
    note: SignedNote
    log_signatures: tuple[NoteSignature, ...]
    cosigners: tuple[KeyRecord, ...]

    @property
    def issued_hashes(self) -> set[bytes]:
        return {issued_checkpoint_hash(self.note.text, signature) for signature in self.log_signatures}


def verify_checkpoint(note: str | SignedNote, keyring: Keyring, *, origin: str, ledger_id: str) -> VerifiedCheckpoint:
    """Parse and verify a signed checkpoint: it must be signed by a log key of this ledger
    that was valid at the checkpoint's time; known organisation keys may co-sign."""
    signed = SignedNote.parse(note) if isinstance(note, str) else note
    checkpoint = Checkpoint.from_text(signed.text)
    if checkpoint.origin != origin:
        raise NoteError(f"checkpoint is for origin {checkpoint.origin!r}, expected {origin!r}")

    def may_sign(record: KeyRecord) -> bool:
        if record.role is KeyRole.LOG:
            return record.owner == ledger_id and record.key.name == origin
        return record.role is KeyRole.ORGANISATION

    signers = keyring.verify_note(signed, checkpoint.time, may_sign)
    log_signers = {(record.key.name, record.key.key_id) for record in signers if record.role is KeyRole.LOG}
    if not log_signers:
        raise NoteError(f"checkpoint of size {checkpoint.tree_size} carries no signature by a known log key")
    log_signatures = tuple(
        signature for signature in signed.signatures if (signature.key_name, signature.key_id) in log_signers
    )
    cosigners = tuple(record for record in signers if record.role is KeyRole.ORGANISATION)
    return VerifiedCheckpoint(checkpoint, signed, log_signatures, cosigners)


def verify_inclusion_proof(
    proof: InclusionProof, leaf_hash: bytes, keyring: Keyring, *, origin: str, ledger_id: str
) -> VerifiedCheckpoint:
    """Verify a receipt: the attached checkpoint is signed by the log and the proof leads
    from `leaf_hash` to that checkpoint's root."""
    if proof.checkpoint is None:
        raise NoteError("inclusion proof carries no checkpoint")
    verified = verify_checkpoint(proof.checkpoint, keyring, origin=origin, ledger_id=ledger_id)
    if (verified.checkpoint.tree_size, verified.checkpoint.root_hash) != (proof.tree_size, proof.root_hash):
        raise NoteError("inclusion proof is not for the tree of its checkpoint")
    proof.verify(leaf_hash)
    return verified
