"""C2SP signed notes (c2sp.org/signed-note): a text, a blank line, then signature lines

    — <key name> <base64(4-byte key id || signature)>

Checkpoints and entry co-signatures are both signed notes, so one parser and one
verifier (`Keyring.verify_note`) serve both.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from settlement.ledger.errors import NoteError

SIGNATURE_LINE_PREFIX = "\u2014 "
KEY_ID_SIZE = 4
# The spec asks verifiers to cap signatures per note and to accept at least 16.
MAX_SIGNATURES = 100


def check_key_name(name: str) -> None:
    if not name or "+" in name or any(character.isspace() for character in name):
        raise NoteError(f"a key name is non-empty, without spaces or '+': {name!r}")
    _check_characters(name)


def check_note_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    _check_characters(text)


@dataclass(frozen=True)
class NoteSignature:
    key_name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        encoded = base64.b64encode(self.key_id + self.signature).decode("ascii")
        return f"{SIGNATURE_LINE_PREFIX}{self.key_name} {encoded}\n"

    @classmethod
    def parse_line(cls, line: str) -> NoteSignature:
        """Parse one signature line, with or without its final newline."""
        if not line.startswith(SIGNATURE_LINE_PREFIX):
            raise NoteError(f"not a signature line: {line!r}")
        body = line.removesuffix("\n")[len(SIGNATURE_LINE_PREFIX) :]
        name, separator, encoded = body.partition(" ")
        if not separator:
            raise NoteError(f"signature line without a signature: {line!r}")
        check_key_name(name)
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise NoteError(f"signature is not base64: {encoded!r}") from exc
        if len(raw) <= KEY_ID_SIZE:
            raise NoteError("signature shorter than its key id")
        return cls(name, raw[:KEY_ID_SIZE], raw[KEY_ID_SIZE:])


@dataclass(frozen=True)
class SignedNote:
    text: str
    signatures: tuple[NoteSignature, ...]

    def format(self) -> str:
        return self.text + "\n" + "".join(signature.line() for signature in self.signatures)

    def with_signature(self, signature: NoteSignature) -> SignedNote:
        return SignedNote(self.text, (*self.signatures, signature))

    @classmethod
    def parse(cls, note: str) -> SignedNote:
        # Signature lines never contain a blank line, so the last one separates the text.
        separator = note.rfind("\n\n")
        if separator < 0:
            raise NoteError("signed note has no blank line before its signatures")
        text, signature_block = note[: separator + 1], note[separator + 2 :]
        check_note_text(text)
        if not signature_block.endswith("\n") or signature_block == "\n":
            raise NoteError("signed note needs signature lines ending with a newline")
        _check_characters(signature_block)
        lines = signature_block[:-1].split("\n")
        if len(lines) > MAX_SIGNATURES:
            raise NoteError(f"signed note has more than {MAX_SIGNATURES} signatures")
        return cls(text, tuple(NoteSignature.parse_line(line) for line in lines))


def _check_characters(text: str) -> None:
    # Signed notes are UTF-8 without control characters other than newline.
    if any(ord(character) < 0x20 and character != "\n" for character in text):
        raise NoteError("signed notes may not contain control characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NoteError("signed notes must be valid UTF-8") from exc
