"""Ed25519 keys in the signed-note encodings, and the keyring that says which key may sign
what, and when.

- A verifier key travels as `<name>+<key id hex>+<base64(0x01 || public key)>` (the
  signed-note "vkey" form); organisations register theirs in this form.
- A signing key is stored as `PRIVATE+KEY+<name>+<key id hex>+<base64(0x01 || seed)>`,
  the form Go's golang.org/x/mod/sumdb/note reads, so keys move between tools.
- The key id is SHA-256(name || 0x0A || 0x01 || public key)[:4] (c2sp.org/signed-note).

Rotation never deletes a key: the old record gets a `valid_until` and the new one a
`valid_from`, so checkpoints signed before the switch keep verifying.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from hashlib import sha256
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from capool.clock import ensure_utc
from settlement.ledger.errors import LedgerError, NoteError
from settlement.ledger.note import KEY_ID_SIZE, NoteSignature, SignedNote, check_key_name
from settlement.ledger.timestamps import format_time, parse_time

ED25519_SIGNATURE_TYPE = b"\x01"
ED25519_KEY_SIZE = 32
PRIVATE_KEY_PREFIX = "PRIVATE+KEY+"


def key_id_for(name: str, public_key: bytes) -> bytes:
    return sha256(name.encode("utf-8") + b"\n" + ED25519_SIGNATURE_TYPE + public_key).digest()[:KEY_ID_SIZE]


@dataclass(frozen=True)
class VerifierKey:
    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if len(self.public_key) != ED25519_KEY_SIZE:
            raise NoteError(f"an Ed25519 public key is {ED25519_KEY_SIZE} bytes")

    @property
    def key_id(self) -> bytes:
        return key_id_for(self.name, self.public_key)

    @property
    def vkey(self) -> str:
        encoded = base64.b64encode(ED25519_SIGNATURE_TYPE + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def parse(cls, vkey: str) -> VerifierKey:
        name, key_id_hex, key_data = _split_key_text(vkey)
        key = cls(name, key_data)
        if key.key_id.hex() != key_id_hex:
            raise NoteError(f"key id {key_id_hex} does not match key {name}")
        return key

    def signed(self, text: str, signature: NoteSignature) -> bool:
        """Whether `signature` is this key's and is valid over `text`."""
        if (signature.key_name, signature.key_id) != (self.name, self.key_id):
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature.signature, text.encode("utf-8"))
        except InvalidSignature:
            return False
        return True


class SigningKey:
    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        public_key = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.verifier = VerifierKey(name, public_key)
        self._private_key = private_key

    @property
    def name(self) -> str:
        return self.verifier.name

    @classmethod
    def generate(cls, name: str) -> SigningKey:
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_skey(cls, skey: str) -> SigningKey:
        if not skey.startswith(PRIVATE_KEY_PREFIX):
            raise NoteError("a signing key starts with PRIVATE+KEY+")
        name, key_id_hex, seed = _split_key_text(skey[len(PRIVATE_KEY_PREFIX) :])
        key = cls(name, Ed25519PrivateKey.from_private_bytes(seed))
        if key.verifier.key_id.hex() != key_id_hex:
            raise NoteError(f"key id {key_id_hex} does not match signing key {name}")
        return key

    @property
    def skey(self) -> str:
        seed = self._private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        encoded = base64.b64encode(ED25519_SIGNATURE_TYPE + seed).decode("ascii")
        return f"{PRIVATE_KEY_PREFIX}{self.name}+{self.verifier.key_id.hex()}+{encoded}"

    def sign(self, text: str) -> NoteSignature:
        signature = self._private_key.sign(text.encode("utf-8"))
        return NoteSignature(self.name, self.verifier.key_id, signature)

    def __repr__(self) -> str:
        return f"SigningKey({self.verifier.vkey!r})"


class KeyRole(StrEnum):
    # Signs the ledger's checkpoints; its owner is the ledger id.
    LOG = "log"
    # Co-signs entries and checkpoints that concern an organisation; its owner is that
    # organisation's id.
    ORGANISATION = "organisation"


@dataclass(frozen=True)
class KeyRecord:
    key: VerifierKey
    role: KeyRole
    owner: str
    valid_from: datetime
    valid_until: datetime | None = None

    def is_valid_at(self, moment: datetime) -> bool:
        return self.valid_from <= moment and (self.valid_until is None or moment < self.valid_until)

    def to_json(self) -> dict[str, Any]:
        return {
            "vkey": self.key.vkey,
            "role": self.role.value,
            "owner": self.owner,
            "validFrom": format_time(self.valid_from),
            "validUntil": None if self.valid_until is None else format_time(self.valid_until),
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> KeyRecord:
        try:
            valid_until = document["validUntil"]
            return cls(
                key=VerifierKey.parse(document["vkey"]),
                role=KeyRole(document["role"]),
                owner=_non_empty_text(document["owner"]),
                valid_from=parse_time(document["validFrom"]),
                valid_until=None if valid_until is None else parse_time(valid_until),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise NoteError(f"malformed key record: {exc!r}") from exc


class Keyring:
    """The keys trusted to sign, looked up by (name, key id) as signed notes require."""

    def __init__(self, records: Iterable[KeyRecord] = ()) -> None:
        self._records: dict[tuple[str, bytes], KeyRecord] = {}
        for record in records:
            self.add(record)

    def add(self, record: KeyRecord) -> None:
        identity = (record.key.name, record.key.key_id)
        if identity in self._records:
            raise NoteError(f"key {record.key.vkey} is already registered")
        self._records[identity] = record

    def register(
        self, key: VerifierKey, role: KeyRole, owner: str, valid_from: datetime, valid_until: datetime | None = None
    ) -> KeyRecord:
        record = KeyRecord(key, role, owner, ensure_utc(valid_from), None if valid_until is None else ensure_utc(valid_until))
        self.add(record)
        return record

    def rotate(self, old: VerifierKey, new: VerifierKey, at: datetime) -> KeyRecord:
        """Retire `old` at `at` and register `new` for the same role and owner from `at`."""
        identity = (old.name, old.key_id)
        previous = self._records.get(identity)
        if previous is None:
            raise NoteError(f"key {old.vkey} is not registered")
        moment = ensure_utc(at)
        if not previous.is_valid_at(moment):
            raise NoteError(f"key {old.vkey} is not valid at {format_time(moment)}, so it cannot be rotated then")
        self._records[identity] = dataclasses.replace(previous, valid_until=moment)
        return self.register(new, previous.role, previous.owner, moment)

    def lookup(self, signature: NoteSignature) -> KeyRecord | None:
        return self._records.get((signature.key_name, signature.key_id))

    def __iter__(self) -> Iterator[KeyRecord]:
        return iter(self._records.values())

    def verify_note(
        self, note: SignedNote, at: datetime, accept: Callable[[KeyRecord], bool]
    ) -> list[KeyRecord]:
        """The known keys that signed `note`, each valid at `at` and accepted by `accept`.

        Unknown keys are ignored, as the signed-note spec requires (that is what lets
        witnesses and other parties add their lines). A known key that fails to verify,
        was not valid at `at`, or may not sign this note rejects the whole note: each
        of those means forgery or a compromised key, not an unrelated co-signer.
        """
        signers: list[KeyRecord] = []
        for signature in note.signatures:
            record = self.lookup(signature)
            if record is None:
                continue
            if not record.key.signed(note.text, signature):
                raise NoteError(f"signature by {record.key.name} ({record.key.key_id.hex()}) does not verify")
            if not record.is_valid_at(at):
                raise NoteError(f"key {record.key.name} ({record.key.key_id.hex()}) was not valid at {format_time(at)}")
            if not accept(record):
                raise NoteError(f"key {record.key.name} ({record.key.key_id.hex()}) may not sign this note")
            signers.append(record)
        return signers


def _split_key_text(text: str) -> tuple[str, str, bytes]:
    # Names and key ids have no '+', but base64 key data may.
    parts = text.split("+", 2)
    if len(parts) != 3:
        raise NoteError("a key is written as <name>+<key id>+<base64 key>")
    name, key_id_hex, encoded = parts
    check_key_name(name)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise NoteError("key data is not base64") from exc
    if len(raw) != 1 + ED25519_KEY_SIZE or raw[:1] != ED25519_SIGNATURE_TYPE:
        raise NoteError("only Ed25519 keys (type 0x01, 32 bytes) are supported")
    return name, key_id_hex, raw[1:]


def _non_empty_text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise LedgerError(f"expected a non-empty string, got {value!r}")
    return value
