"""The offline ledger export and its verifier.

An export is JSON Lines, one record per line, each with a `kind`:

    {"kind": "header", "format": "capool-ledger-export/v1", "ledgerId": ..., "origin": ...}
    {"kind": "key", "vkey": ..., "role": "log"|"organisation", "owner": ..., "validFrom": ..., "validUntil": ...}
    {"kind": "entry", "ledgerId", "seq", "type", "recordedAt", "parties", "payload", "prevHash", "leafHash"}
    {"kind": "cosignature", "seq", "signedAt", "signature"}
    {"kind": "checkpoint", "note": "<signed checkpoint note>"}
    {"kind": "anchor", "chainId", "contract", "position", "ledgerIdDigest", "treeSize", "rootHash", "checkpointHash", "blockNumber"}

The header comes first; entries appear in sequence order; other records may come in any
order. Entry records are exactly the stored rows (payload as its RFC 8785 text), so
`verify_export` recomputes everything itself: each leaf hash, the hash chain, the
Merkle tree, every checkpoint's signatures and root, the consistency between
checkpoints and from each on-chain anchor to the head, and every co-signature.

What it can and cannot catch: any changed, dropped, inserted or reordered entry breaks
the chain or a signed root; a truncated tail is caught because the newest checkpoint
must cover every entry (unless the caller allows an unattested tail). Dropping a whole
checkpoint, co-signature or anchor row is only caught where another record refers to
it (an anchor names its checkpoint): those rows attest, they are not attested.

An export alone cannot show that it is complete: one cut back to an earlier state (down
to a bare header) is internally consistent. So the verifier takes what the reader knew
before: the log's keys (without them it refuses, unless told to trust the export's own
keys), checkpoints the reader has seen (`PinnedCheckpoint`: the export must prove it
extends each one), a minimum size, and the anchors read from the chain itself.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from settlement.ledger.anchor import Anchor, verify_anchor_against_tree
from settlement.ledger.checkpoint import VerifiedCheckpoint, verify_checkpoint
from settlement.ledger.cosign import EntryCosignature, verify_entry_cosignature
from settlement.ledger.entries import GENESIS_PREV_HASH, LedgerEntry, check_entry, ledger_id_digest
from settlement.ledger.errors import LedgerError
from settlement.ledger.keys import KeyRecord, Keyring, KeyRole
from settlement.ledger.note import SignedNote
from settlement.ledger.proofs import hash_from_hex, verify_consistency
from settlement.ledger.store import InMemoryTreeStore
from settlement.ledger.tree import MerkleTree

EXPORT_FORMAT = "capool-ledger-export/v1"


@dataclass(frozen=True)
class ExportCounts:
    keys: int = 0
    entries: int = 0
    cosignatures: int = 0
    checkpoints: int = 0
    anchors: int = 0


def write_export(
    out: TextIO,
    *,
    ledger_id: str,
    origin: str,
    keys: Iterable[KeyRecord],
    entries: Iterable[LedgerEntry],
    checkpoints: Iterable[SignedNote],
    cosignatures: Iterable[EntryCosignature] = (),
    anchors: Iterable[Anchor] = (),
) -> ExportCounts:
    """Stream an export; `entries` must be in sequence order (e.g. a server-side cursor)."""

    def write(kind: str, record: dict[str, Any]) -> None:
        out.write(json.dumps({"kind": kind, **record}, ensure_ascii=False, separators=(",", ":")) + "\n")

    write("header", {"format": EXPORT_FORMAT, "ledgerId": ledger_id, "origin": origin})
    counts = dict.fromkeys(("keys", "entries", "cosignatures", "checkpoints", "anchors"), 0)
    for key in keys:
        write("key", key.to_json())
        counts["keys"] += 1
    for entry in entries:
        write("entry", entry.to_json())
        counts["entries"] += 1
    for cosignature in cosignatures:
        write("cosignature", cosignature.to_json())
        counts["cosignatures"] += 1
    for checkpoint in checkpoints:
        write("checkpoint", {"note": checkpoint.format()})
        counts["checkpoints"] += 1
    for anchor in anchors:
        write("anchor", anchor.to_json())
        counts["anchors"] += 1
    return ExportCounts(**counts)


@dataclass(frozen=True)
class PinnedCheckpoint:
    """A tree size and root the reader saw before (a checkpoint, or an earlier verify)."""

    tree_size: int
    root_hash: bytes

    @classmethod
    def parse(cls, text: str) -> PinnedCheckpoint:
        """`SIZE:ROOTHEX`, the form `capool ledger verify` prints after OK."""
        size_text, separator, root_text = text.partition(":")
        if not separator or not size_text.isascii() or not size_text.isdigit():
            raise ValueError(f"a pinned checkpoint is SIZE:ROOTHEX, got {text!r}")
        try:
            return cls(int(size_text), hash_from_hex(root_text))
        except LedgerError as exc:
            raise ValueError(f"pinned checkpoint {text!r}: {exc}") from exc

    def __str__(self) -> str:
        return f"{self.tree_size}:{self.root_hash.hex()}"


class AnchorHistory(Protocol):
    """The on-chain anchor history of ledgers (`settlement.chain.AnchorRegistry`)."""

    @property
    def address(self) -> str: ...

    def is_deployed(self) -> bool: ...

    def history(self, ledger_id: str) -> list[Anchor]: ...


@dataclass(frozen=True)
class Failure:
    reason: str
    # The first bad entry, when the failure concerns entries.
    seq: int | None = None
    # 1-based line of the export where it was found, when it concerns one record.
    line: int | None = None

    def __str__(self) -> str:
        where = [f"entry {self.seq}"] if self.seq is not None else []
        where += [f"line {self.line}"] if self.line is not None else []
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


@dataclass
class VerificationReport:
    ledger_id: str | None = None
    entries: int = 0
    checkpoints: int = 0
    cosignatures: int = 0
    anchors: int = 0
    # Anchors read from the chain itself (None when no chain was asked).
    onchain_anchors: int | None = None
    # Size and root of the newest verified checkpoint.
    attested_size: int = 0
    head_root: bytes | None = None
    failure: Failure | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None


class _Rejected(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(str(failure))
        self.failure = failure


def verify_export(
    source: str | os.PathLike[str] | TextIO,
    *,
    trusted_log_keys: Iterable[str] | None = None,
    trust_embedded_keys: bool = False,
    allow_unattested_tail: bool = False,
    pinned_checkpoints: Iterable[PinnedCheckpoint] = (),
    min_size: int = 0,
    anchor_registry: AnchorHistory | None = None,
) -> VerificationReport:
    """Verify an export without a database; the report names the first failure.

    `trusted_log_keys` (vkey strings) pins the log's keys. Without them the export's own
    key records would have to be trusted, which proves internal consistency but not who
    signed: anyone can write a fresh, self-consistent ledger. So that is refused unless
    `trust_embedded_keys` says the caller knows.

    `pinned_checkpoints` and `min_size` reject an export cut back to an earlier state:
    its newest checkpoint must cover at least `min_size` entries and extend every pinned
    checkpoint (RFC 9162 consistency from the pin to that checkpoint). `anchor_registry`
    adds the anchors read from the chain: there must be at least one, and the exported
    tree must extend each.
    """
    report = VerificationReport()
    if trusted_log_keys is None and not trust_embedded_keys:
        report.failure = Failure(
            "no log key is pinned: pass the log's key obtained out of band, or explicitly trust the keys inside the export"
        )
        return report
    try:
        with _open(source) as lines:
            _verify(
                lines,
                report,
                None if trusted_log_keys is None else set(trusted_log_keys),
                allow_unattested_tail,
                list(pinned_checkpoints),
                min_size,
                anchor_registry,
            )
    except _Rejected as rejected:
        report.failure = rejected.failure
    return report


def _verify(
    lines: Iterator[str],
    report: VerificationReport,
    trusted_log_keys: set[str] | None,
    allow_unattested_tail: bool,
    pinned_checkpoints: list[PinnedCheckpoint],
    min_size: int,
    anchor_registry: AnchorHistory | None,
) -> None:
    header_line, header = _next_record(lines, 1)
    if header.get("kind") != "header" or header.get("format") != EXPORT_FORMAT:
        raise _Rejected(Failure(f"the first record must be a {EXPORT_FORMAT} header", line=header_line))
    ledger_id, origin = header.get("ledgerId"), header.get("origin")
    if not isinstance(ledger_id, str) or not isinstance(origin, str):
        raise _Rejected(Failure("header lacks ledgerId or origin", line=header_line))
    report.ledger_id = ledger_id

    # Entries are checked as they stream by; the other (few) records wait for the tree.
    pending: dict[str, list[tuple[int, dict[str, Any]]]] = {
        "key": [],
        "cosignature": [],
        "checkpoint": [],
        "anchor": [],
    }
    entries: list[LedgerEntry] = []
    leaf_hashes: list[bytes] = []
    for number, line in enumerate(lines, start=header_line + 1):
        record = _parse(line, number)
        kind = record.get("kind")
        if kind == "entry":
            entry = _checked_entry(record, number, len(entries), ledger_id, leaf_hashes)
            entries.append(entry)
            leaf_hashes.append(entry.leaf_hash)
        elif kind in pending:
            pending[kind].append((number, record))
        else:
            raise _Rejected(Failure(f"unknown record kind {kind!r}", line=number))
    report.entries = len(entries)

    keyring = _keyring(pending["key"], trusted_log_keys)
    tree = MerkleTree(InMemoryTreeStore())
    tree.append(leaf_hashes)
    verified = _verify_checkpoints(pending["checkpoint"], keyring, tree, ledger_id, origin, report)
    if verified:
        report.attested_size = verified[-1].checkpoint.tree_size
        report.head_root = verified[-1].checkpoint.root_hash
    if report.attested_size < len(entries):
        tail = f"entries from {report.attested_size} on are not covered by any checkpoint"
        if not allow_unattested_tail:
            raise _Rejected(Failure(tail, seq=report.attested_size))
        report.warnings.append(tail)
    _verify_cosignatures(pending["cosignature"], entries, origin, keyring, report)
    _verify_anchors(pending["anchor"], verified, tree, ledger_id, report)
    _verify_pins(pinned_checkpoints, min_size, tree, report)
    if anchor_registry is not None:
        _verify_onchain_anchors(anchor_registry, tree, ledger_id, report)


def _checked_entry(
    record: dict[str, Any], line: int, expected_seq: int, ledger_id: str, leaf_hashes: list[bytes]
) -> LedgerEntry:
    try:
        entry = LedgerEntry.from_json({name: value for name, value in record.items() if name != "kind"})
    except LedgerError as exc:
        raise _Rejected(Failure(str(exc), seq=expected_seq, line=line)) from exc
    if entry.seq != expected_seq:
        if entry.seq > expected_seq:
            reason = f"entry {expected_seq} is missing: entry {entry.seq} is in its place"
        else:
            reason = f"entry {entry.seq} appears again or out of order where entry {expected_seq} belongs"
        raise _Rejected(Failure(reason, seq=expected_seq, line=line))
    if entry.ledger_id != ledger_id:
        raise _Rejected(Failure(f"entry belongs to ledger {entry.ledger_id!r}", seq=entry.seq, line=line))
    try:
        check_entry(entry)
    except LedgerError as exc:
        raise _Rejected(Failure(str(exc), seq=entry.seq, line=line)) from exc
    expected_prev = leaf_hashes[-1] if leaf_hashes else GENESIS_PREV_HASH
    if entry.prev_hash != expected_prev:
        previous = f"entry {entry.seq - 1}" if entry.seq else "the genesis value"
        raise _Rejected(Failure(f"prev hash does not match the hash of {previous}", seq=entry.seq, line=line))
    return entry


def _keyring(key_records: list[tuple[int, dict[str, Any]]], trusted_log_keys: set[str] | None) -> Keyring:
    keyring = Keyring()
    for line, document in key_records:
        try:
            record = KeyRecord.from_json(document)
            keyring.add(record)
        except LedgerError as exc:
            raise _Rejected(Failure(str(exc), line=line)) from exc
        if trusted_log_keys is not None and record.role is KeyRole.LOG and record.key.vkey not in trusted_log_keys:
            raise _Rejected(Failure(f"log key {record.key.vkey} is not among the trusted log keys", line=line))
    return keyring


def _verify_checkpoints(
    checkpoint_records: list[tuple[int, dict[str, Any]]],
    keyring: Keyring,
    tree: MerkleTree,
    ledger_id: str,
    origin: str,
    report: VerificationReport,
) -> list[VerifiedCheckpoint]:
    verified: list[tuple[int, VerifiedCheckpoint]] = []
    for line, document in checkpoint_records:
        note = document.get("note")
        if not isinstance(note, str):
            raise _Rejected(Failure("checkpoint record has no note", line=line))
        try:
            verified.append((line, verify_checkpoint(note, keyring, origin=origin, ledger_id=ledger_id)))
        except LedgerError as exc:
            raise _Rejected(Failure(f"checkpoint: {exc}", line=line)) from exc
    verified.sort(key=lambda item: item[1].checkpoint.tree_size)

    # Walk checkpoints from the smallest: the last one whose root matched bounds where a
    # consistently rewritten stretch of entries can start.
    matched_size, matched_root = 0, tree.root(0)
    for line, item in verified:
        size, root = item.checkpoint.tree_size, item.checkpoint.root_hash
        if size > tree.size:
            raise _Rejected(
                Failure(f"entry {tree.size} is missing: a checkpoint covers {size} entries", seq=tree.size, line=line)
            )
        if tree.root(size) != root:
            reason = f"entries {matched_size}..{size - 1} do not match the signed root of size {size}"
            raise _Rejected(Failure(reason, seq=matched_size, line=line))
        try:
            verify_consistency(matched_size, size, matched_root, root, tree.consistency_proof(matched_size, size))
        except LedgerError as exc:
            raise _Rejected(Failure(f"checkpoint of size {size}: {exc}", line=line)) from exc
        matched_size, matched_root = size, root
    report.checkpoints = len(verified)
    return [item for _, item in verified]


def _verify_cosignatures(
    cosignature_records: list[tuple[int, dict[str, Any]]],
    entries: list[LedgerEntry],
    origin: str,
    keyring: Keyring,
    report: VerificationReport,
) -> None:
    for line, document in cosignature_records:
        try:
            cosignature = EntryCosignature.from_json(document)
        except LedgerError as exc:
            raise _Rejected(Failure(str(exc), line=line)) from exc
        if cosignature.seq >= len(entries):
            raise _Rejected(Failure("co-signature of an entry not in the export", seq=cosignature.seq, line=line))
        try:
            verify_entry_cosignature(cosignature, entries[cosignature.seq], origin, keyring)
        except LedgerError as exc:
            raise _Rejected(Failure(f"co-signature: {exc}", seq=cosignature.seq, line=line)) from exc
    report.cosignatures = len(cosignature_records)


def _verify_anchors(
    anchor_records: list[tuple[int, dict[str, Any]]],
    checkpoints: list[VerifiedCheckpoint],
    tree: MerkleTree,
    ledger_id: str,
    report: VerificationReport,
) -> None:
    issued = {value for checkpoint in checkpoints for value in checkpoint.issued_hashes}
    digest = ledger_id_digest(ledger_id)
    for line, document in anchor_records:
        try:
            anchor = Anchor.from_json(document)
        except LedgerError as exc:
            raise _Rejected(Failure(str(exc), line=line)) from exc
        if anchor.ledger_id_digest != digest:
            raise _Rejected(Failure("anchor is for another ledger", line=line))
        try:
            verify_anchor_against_tree(anchor, tree)
        except LedgerError as exc:
            raise _Rejected(Failure(f"anchor at position {anchor.position}: {exc}", line=line)) from exc
        if anchor.checkpoint_hash not in issued:
            raise _Rejected(Failure(f"anchor at position {anchor.position} names a checkpoint not in the export", line=line))
    report.anchors = len(anchor_records)


def _verify_pins(pins: list[PinnedCheckpoint], min_size: int, tree: MerkleTree, report: VerificationReport) -> None:
    # Only signed checkpoints count: entries past the newest one could be anyone's.
    attested = report.attested_size
    if attested < min_size:
        raise _Rejected(
            Failure(f"the newest checkpoint covers {attested} entries, fewer than the required {min_size}: the export is cut back")
        )
    head_root = tree.root(attested)
    for pin in pins:
        if pin.tree_size > attested:
            raise _Rejected(
                Failure(
                    f"the pinned checkpoint covers {pin.tree_size} entries but the newest checkpoint only {attested}: "
                    "the export is cut back"
                )
            )
        try:
            verify_consistency(pin.tree_size, attested, pin.root_hash, head_root, tree.consistency_proof(pin.tree_size, attested))
        except LedgerError as exc:
            raise _Rejected(
                Failure(f"the export does not extend the pinned checkpoint of size {pin.tree_size}: {exc}")
            ) from exc


def _verify_onchain_anchors(registry: AnchorHistory, tree: MerkleTree, ledger_id: str, report: VerificationReport) -> None:
    try:
        deployed = registry.is_deployed()
        history = registry.history(ledger_id) if deployed else []
    # The registry is a network client; transport, node and decoding errors come from
    # several libraries, and each means the check did not happen: say so, never crash.
    except Exception as exc:  # noqa: BLE001
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _Rejected(Failure(f"cannot read anchors from the registry at {registry.address}: {reason}")) from exc
    if not deployed:
        raise _Rejected(Failure(f"there is no contract at the registry address {registry.address}"))
    if not history:
        raise _Rejected(Failure(f"the registry at {registry.address} holds no anchor for ledger {ledger_id}"))
    for anchor in history:
        try:
            verify_anchor_against_tree(anchor, tree)
        except LedgerError as exc:
            raise _Rejected(Failure(f"on-chain anchor {anchor.position} (size {anchor.tree_size}): {exc}")) from exc
    report.onchain_anchors = len(history)


def _next_record(lines: Iterator[str], number: int) -> tuple[int, dict[str, Any]]:
    for line in lines:
        return number, _parse(line, number)
    raise _Rejected(Failure("the export is empty"))


def _parse(line: str, number: int) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except ValueError as exc:
        raise _Rejected(Failure(f"not JSON: {exc}", line=number)) from exc
    if not isinstance(record, dict):
        raise _Rejected(Failure("a record is a JSON object", line=number))
    return record


@contextmanager
def _open(source: str | os.PathLike[str] | TextIO) -> Iterator[Iterator[str]]:
    if isinstance(source, (str, os.PathLike)):
        with Path(source).open(encoding="utf-8") as handle:
            yield iter(handle)
    else:
        yield iter(source)
