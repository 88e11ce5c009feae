"""The alliance ledgers in the database: append exactly once, sign checkpoints, prove, export.

Appends lock the ledger's head row (SELECT ... FOR UPDATE; SQLite serialises writers with
BEGIN IMMEDIATE), then check the source key (an outbox event id), so a replayed or
concurrently redelivered event never appends twice; the unique `source_key` column is the
last line of defence. The Merkle tree runs in memory over exactly the stored nodes it
needs (`_NodeCache`): the O(log n) frontier for an append, the O(log n) proof nodes for a
proof, each fetched in one query.

Who reads what (issue 4: "every party ... must be able to verify"): a member reads the
entries it is a party to, with their inclusion proofs; checkpoints and consistency proofs
carry only hashes and are readable by every member of the alliance; alliance admins read
every entry when the alliance lets admins see prices (entries carry prices). The complete
ledger (for an outside auditor) is exported by the operator with `capool ledger export`.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from capool.clock import ensure_utc, utcnow
from capool.config import ConfigurationError, get_settings
from capool.errors import InvalidInput, NotFound
from capool.ids import new_id
from capool.tenancy.actor import Actor, Permission
from capool.tenancy.models import Alliance, Organisation
from capool.tenancy.policy import scoped
from settlement.export import write_export
from settlement.ledger.anchor import Anchor
from settlement.ledger.checkpoint import Checkpoint, origin_for, sign_checkpoint
from settlement.ledger.cosign import EntryCosignature
from settlement.ledger.entries import GENESIS_PREV_HASH, EntryType, LedgerEntry, new_entry
from settlement.ledger.hashing import EMPTY_ROOT
from settlement.ledger.keys import KeyRecord, Keyring, KeyRole, SigningKey, VerifierKey
from settlement.ledger.note import NoteSignature, SignedNote
from settlement.ledger.proofs import ConsistencyProof, InclusionProof
from settlement.ledger.store import NodeKey
from settlement.ledger.tree import (
    MerkleTree,
    consistency_ranges,
    inclusion_ranges,
    keys_for_ranges,
    perfect_subtrees,
)
from settlement.models import (
    LedgerAnchorRow,
    LedgerCheckpointRow,
    LedgerCosignature,
    LedgerEntryParty,
    LedgerEntryRow,
    LedgerHead,
    LedgerLogKey,
    LedgerNode,
    OrganisationKey,
)

MAX_PAGE = 1000


# ---------------------------------------------------------------- tree over stored nodes


class _NodeCache:
    """A `TreeStore` over the nodes fetched for one operation; records what it adds."""

    def __init__(self, size: int, nodes: Mapping[NodeKey, bytes]) -> None:
        self.size = size
        self.nodes = dict(nodes)
        self.added: dict[NodeKey, bytes] = {}

    def leaf_count(self) -> int:
        return self.size

    def get_leaf_hashes(self, indices: Sequence[int]) -> list[bytes]:
        return [self.nodes[(0, index)] for index in indices]

    def append_leaf_hashes(self, start: int, leaf_hashes: Sequence[bytes]) -> None:
        if start != self.size:
            raise ValueError(f"append at {start} but the tree has {self.size} leaves")
        for offset, value in enumerate(leaf_hashes):
            self.nodes[(0, start + offset)] = self.added[(0, start + offset)] = value
        self.size += len(leaf_hashes)

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        return [self.nodes[key] for key in keys]

    def put_nodes(self, nodes: Mapping[NodeKey, bytes]) -> None:
        self.nodes.update(nodes)
        self.added.update(nodes)


async def _fetch_nodes(session: AsyncSession, alliance_id: uuid.UUID, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
    """All `keys` in one query: a UNION ALL of one primary-key IN lookup per level (SQLite
    plans neither a row-value IN nor an OR of levels as index lookups: it scanned the
    whole ledger's nodes, O(n); this is O(log n) index probes on both databases)."""
    wanted = list(dict.fromkeys(keys))
    by_level: dict[int, list[int]] = {}
    for level, idx in wanted:
        by_level.setdefault(level, []).append(idx)
    found: dict[NodeKey, bytes] = {}
    if wanted:
        parts = [
            select(LedgerNode.level, LedgerNode.idx, LedgerNode.hash).where(
                LedgerNode.alliance_id == alliance_id, LedgerNode.level == level, LedgerNode.idx.in_(indices)
            )
            for level, indices in by_level.items()
        ]
        rows = await session.execute(parts[0] if len(parts) == 1 else union_all(*parts))
        found.update({(level, idx): bytes(value) for level, idx, value in rows})
    missing = [key for key in wanted if key not in found]
    if missing:
        raise RuntimeError(f"ledger {alliance_id} lacks stored tree nodes {missing[:5]}")
    return found


async def _tree(session: AsyncSession, alliance_id: uuid.UUID, size: int, keys: Iterable[NodeKey]) -> MerkleTree:
    return MerkleTree(_NodeCache(size, await _fetch_nodes(session, alliance_id, keys)))


# ---------------------------------------------------------------- heads and keys


def ledger_id_of(alliance_id: uuid.UUID) -> str:
    return str(alliance_id)


def log_signing_key(alliance_id: uuid.UUID, generation: int) -> SigningKey:
    """The log key of a ledger generation, derived from the deployment's ledger secret
    (CAPOOL_LEDGER_SECRET, a secret of its own): never stored, never served."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    ledger_id = ledger_id_of(alliance_id)
    seed = hmac.new(
        get_settings().secret_bytes("ledger_secret"), f"capool-ledger-log-key/{ledger_id}/{generation}".encode(), hashlib.sha256
    ).digest()
    return SigningKey(origin_for(ledger_id), Ed25519PrivateKey.from_private_bytes(seed))


async def _head(session: AsyncSession, alliance_id: uuid.UUID, *, lock: bool) -> LedgerHead:
    statement = select(LedgerHead).where(LedgerHead.alliance_id == alliance_id)
    if lock:
        statement = statement.with_for_update()
    head = (await session.execute(statement)).scalar_one_or_none()
    if head is not None:
        return head
    ledger_id = ledger_id_of(alliance_id)
    try:
        async with session.begin_nested():
            session.add(
                LedgerHead(
                    alliance_id=alliance_id,
                    ledger_id=ledger_id,
                    origin=origin_for(ledger_id),
                    size=0,
                    head_hash=GENESIS_PREV_HASH,
                    updated_at=utcnow(),
                )
            )
    except IntegrityError:
        pass  # created concurrently; read theirs
    return (await session.execute(statement)).scalar_one()


async def _read_head(session: AsyncSession, alliance_id: uuid.UUID) -> tuple[str, int]:
    """(origin, size) of a ledger for reads; never creates anything."""
    head = (await session.execute(select(LedgerHead).where(LedgerHead.alliance_id == alliance_id))).scalar_one_or_none()
    if head is None:
        return origin_for(ledger_id_of(alliance_id)), 0
    return head.origin, head.size


class LedgerKeyMismatch(ConfigurationError):
    """The configured ledger secret no longer derives the ledger's current log key."""


async def _current_log_key_row(session: AsyncSession, alliance_id: uuid.UUID) -> LedgerLogKey | None:
    return (
        await session.execute(
            select(LedgerLogKey)
            .where(LedgerLogKey.alliance_id == alliance_id, LedgerLogKey.valid_until.is_(None))
            .order_by(LedgerLogKey.generation.desc())
        )
    ).scalars().first()


async def _current_log_key(session: AsyncSession, alliance_id: uuid.UUID) -> tuple[LedgerLogKey, SigningKey]:
    row = await _current_log_key_row(session, alliance_id)
    if row is None:
        key = log_signing_key(alliance_id, 1)
        row = LedgerLogKey(alliance_id=alliance_id, generation=1, vkey=key.verifier.vkey, valid_from=_EPOCH)
        session.add(row)
        await session.flush()
    key = log_signing_key(alliance_id, row.generation)
    if key.verifier.vkey != row.vkey:
        # The ledger secret changed since this generation was registered: signing with the
        # derived key would issue checkpoints that no verifier accepts.
        raise LedgerKeyMismatch(
            f"the log key of ledger {ledger_id_of(alliance_id)} (generation {row.generation}) was derived from another "
            f"ledger secret; run `capool ledger rotate-key --alliance {alliance_id}` to start a key from the current one"
        )
    return row, key


async def rotate_log_key(session: AsyncSession, alliance_id: uuid.UUID, at: datetime | None = None) -> str:
    """Retire the current log key at `at` and start the next generation, derived from the
    current ledger secret; returns its vkey. The retired key stays in the key records with
    its validity, so checkpoints it signed keep verifying."""
    await _head(session, alliance_id, lock=True)
    moment = ensure_utc(at or utcnow())
    current = await _current_log_key_row(session, alliance_id)
    if current is None:
        current, _ = await _current_log_key(session, alliance_id)
    current.valid_until = moment
    key = log_signing_key(alliance_id, current.generation + 1)
    session.add(LedgerLogKey(alliance_id=alliance_id, generation=current.generation + 1, vkey=key.verifier.vkey, valid_from=moment))
    await session.flush()
    return key.verifier.vkey


_EPOCH = datetime(2000, 1, 1, tzinfo=ensure_utc(utcnow()).tzinfo)


async def key_records(session: AsyncSession, alliance_id: uuid.UUID) -> list[KeyRecord]:
    ledger_id = ledger_id_of(alliance_id)
    records = [
        KeyRecord(VerifierKey.parse(row.vkey), KeyRole.LOG, ledger_id, row.valid_from, row.valid_until)
        for row in (await session.execute(select(LedgerLogKey).where(LedgerLogKey.alliance_id == alliance_id).order_by(LedgerLogKey.generation))).scalars()
    ]
    records += [
        KeyRecord(VerifierKey.parse(row.vkey), KeyRole.ORGANISATION, str(row.organisation_id), row.valid_from, row.valid_until)
        for row in (await session.execute(select(OrganisationKey).where(OrganisationKey.alliance_id == alliance_id).order_by(OrganisationKey.created_at))).scalars()
    ]
    return records


# ---------------------------------------------------------------- appending


@dataclass(frozen=True)
class NewEntry:
    entry_type: EntryType
    payload: Mapping[str, Any]
    parties: Sequence[str | uuid.UUID]
    source_key: str


async def append(
    session: AsyncSession,
    alliance_id: uuid.UUID,
    entry_type: EntryType,
    payload: Mapping[str, Any],
    *,
    parties: Sequence[str | uuid.UUID],
    source_key: str,
    recorded_at: datetime | None = None,
) -> LedgerEntry:
    """Append one entry exactly once per `source_key`; a repeat returns the stored entry."""
    [entry] = await append_batch(session, alliance_id, [NewEntry(entry_type, payload, parties, source_key)], recorded_at=recorded_at)
    return entry


async def append_batch(
    session: AsyncSession, alliance_id: uuid.UUID, items: Sequence[NewEntry], *, recorded_at: datetime | None = None
) -> list[LedgerEntry]:
    head = await _head(session, alliance_id, lock=True)
    existing = {
        row.source_key: row
        for row in (
            await session.execute(select(LedgerEntryRow).where(LedgerEntryRow.source_key.in_([item.source_key for item in items])))
        ).scalars()
    } if len(items) <= 500 else await _existing_in_chunks(session, [item.source_key for item in items])
    size = head.size
    tree = await _tree(session, alliance_id, size, perfect_subtrees(0, size))
    prev = head.head_hash
    moment = ensure_utc(recorded_at or utcnow())
    results: list[LedgerEntry] = []
    entry_rows: list[dict[str, Any]] = []
    party_rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in items:
        if item.source_key in existing:
            results.append(_entry_of(existing[item.source_key], head.ledger_id))
            continue
        if item.source_key in seen:
            continue
        seen.add(item.source_key)
        parties = sorted({str(party) for party in item.parties})
        entry = new_entry(head.ledger_id, size, item.entry_type, item.payload, prev_hash=prev, recorded_at=moment, parties=parties)
        tree.append([entry.leaf_hash])
        entry_rows.append(
            {
                "alliance_id": alliance_id,
                "seq": entry.seq,
                "type": entry.entry_type.value,
                "recorded_at": entry.recorded_at,
                "parties": list(entry.parties),
                "payload_json": entry.payload_json,
                "prev_hash": entry.prev_hash,
                "leaf_hash": entry.leaf_hash,
                "source_key": item.source_key,
            }
        )
        party_rows += [{"alliance_id": alliance_id, "seq": entry.seq, "organisation_id": uuid.UUID(party)} for party in entry.parties]
        results.append(entry)
        prev = entry.leaf_hash
        size += 1
    if entry_rows:
        # Bulk INSERTs (executemany), not ORM units of work: this is the append hot path.
        now = utcnow()
        await session.execute(insert(LedgerEntryRow), [row | {"id": new_id(), "created_at": now} for row in entry_rows])
        if party_rows:
            await session.execute(insert(LedgerEntryParty), [row | {"id": new_id(), "created_at": now} for row in party_rows])
        added = tree.store.added  # type: ignore[attr-defined]
        await session.execute(
            insert(LedgerNode), [{"alliance_id": alliance_id, "level": level, "idx": idx, "hash": value} for (level, idx), value in added.items()]
        )
        head.size = size
        head.head_hash = prev
        head.updated_at = utcnow()
        await session.flush()
    return results


async def _existing_in_chunks(session: AsyncSession, keys: list[str]) -> dict[str, LedgerEntryRow]:
    found: dict[str, LedgerEntryRow] = {}
    for start in range(0, len(keys), 500):
        rows = await session.execute(select(LedgerEntryRow).where(LedgerEntryRow.source_key.in_(keys[start : start + 500])))
        found.update({row.source_key: row for row in rows.scalars()})
    return found


def _entry_of(row: LedgerEntryRow, ledger_id: str) -> LedgerEntry:
    return LedgerEntry(
        ledger_id, row.seq, EntryType(row.type), row.recorded_at, tuple(row.parties), row.payload_json, bytes(row.prev_hash), bytes(row.leaf_hash)
    )


# ---------------------------------------------------------------- checkpoints


async def issue_checkpoint(session: AsyncSession, alliance_id: uuid.UUID, *, at: datetime | None = None) -> SignedNote | None:
    """Sign a checkpoint of the current head (none for an empty ledger; the existing one
    when the head has not moved)."""
    head = await _head(session, alliance_id, lock=True)
    if head.size == 0:
        return None
    existing = (
        await session.execute(
            select(LedgerCheckpointRow).where(LedgerCheckpointRow.alliance_id == alliance_id, LedgerCheckpointRow.tree_size == head.size)
        )
    ).scalar_one_or_none()
    if existing is not None:
        return SignedNote.parse(existing.note)
    tree = await _tree(session, alliance_id, head.size, perfect_subtrees(0, head.size))
    root = tree.root(head.size)
    _, key = await _current_log_key(session, alliance_id)
    moment = ensure_utc(at or utcnow())
    note = sign_checkpoint(Checkpoint(head.origin, head.size, root, moment), key)
    session.add(LedgerCheckpointRow(alliance_id=alliance_id, tree_size=head.size, root_hash=root, note=note.format(), issued_at=moment))
    await session.flush()
    return note


async def _latest_checkpoint_row(session: AsyncSession, alliance_id: uuid.UUID, tree_size: int | None = None) -> LedgerCheckpointRow | None:
    statement = select(LedgerCheckpointRow).where(LedgerCheckpointRow.alliance_id == alliance_id)
    if tree_size is not None:
        statement = statement.where(LedgerCheckpointRow.tree_size == tree_size)
    return (await session.execute(statement.order_by(LedgerCheckpointRow.tree_size.desc()).limit(1))).scalar_one_or_none()


# ---------------------------------------------------------------- reads (per actor)


def _require_read(actor: Actor) -> None:
    actor.require(Permission.LEDGER_READ)


def _sees_all(actor: Actor) -> bool:
    return actor.is_alliance_admin and actor.admins_see_prices


async def latest_checkpoint(session: AsyncSession, actor: Actor) -> dict[str, Any]:
    """The latest signed checkpoint; an empty ledger answers size 0 with the empty root and
    no checkpoint (as transparency logs do)."""
    _require_read(actor)
    row = await _latest_checkpoint_row(session, actor.alliance_id)
    origin, _ = await _read_head(session, actor.alliance_id)
    return {
        "origin": origin,
        "treeSize": row.tree_size if row else 0,
        "rootHash": (bytes(row.root_hash) if row else EMPTY_ROOT).hex(),
        "checkpoint": row.note if row else None,
        "logKeys": [record.key.vkey for record in await key_records(session, actor.alliance_id) if record.role is KeyRole.LOG],
    }


def entry_json(entry: LedgerEntry) -> dict[str, Any]:
    return entry.to_json()


async def list_entries(session: AsyncSession, actor: Actor, start: int = 0, end: int | None = None) -> list[dict[str, Any]]:
    """Entries with start <= seq < end the actor may read, at most MAX_PAGE of them."""
    _require_read(actor)
    if start < 0:
        raise InvalidInput.at("/from", "must be >= 0")
    if end is not None and end < start:
        raise InvalidInput.at("/to", "must be >= from")
    statement = select(LedgerEntryRow).where(LedgerEntryRow.alliance_id == actor.alliance_id, LedgerEntryRow.seq >= start)
    if end is not None:
        statement = statement.where(LedgerEntryRow.seq < end)
    if not _sees_all(actor):
        mine = scoped(select(LedgerEntryParty.seq), actor, LedgerEntryParty).where(LedgerEntryParty.alliance_id == actor.alliance_id)
        statement = statement.where(LedgerEntryRow.seq.in_(mine))
    rows = (await session.execute(statement.order_by(LedgerEntryRow.seq).limit(MAX_PAGE))).scalars()
    ledger_id = ledger_id_of(actor.alliance_id)
    return [entry_json(_entry_of(row, ledger_id)) for row in rows]


async def entries_about(session: AsyncSession, actor: Actor, subject_ids: Collection[uuid.UUID], limit: int = MAX_PAGE) -> list[dict[str, Any]]:
    """Entries the actor may read whose payload names one of `subject_ids` as its `order_id`
    or `allocation_id` (an order's history), oldest first, each with its parsed `fields`. The
    payload text is searched for the ids (a UUID string matches nothing else) and the hit is
    confirmed on the parsed payload."""
    _require_read(actor)
    ids = {str(i) for i in subject_ids}
    if not ids:
        return []
    statement = select(LedgerEntryRow).where(LedgerEntryRow.alliance_id == actor.alliance_id,
                                             or_(*(LedgerEntryRow.payload_json.contains(i) for i in sorted(ids))))
    if not _sees_all(actor):
        mine = scoped(select(LedgerEntryParty.seq), actor, LedgerEntryParty).where(LedgerEntryParty.alliance_id == actor.alliance_id)
        statement = statement.where(LedgerEntryRow.seq.in_(mine))
    ledger_id = ledger_id_of(actor.alliance_id)
    found = []
    for row in (await session.execute(statement.order_by(LedgerEntryRow.seq).limit(limit))).scalars():
        fields = json.loads(row.payload_json)
        if fields.get("order_id") in ids or fields.get("allocation_id") in ids:
            found.append(entry_json(_entry_of(row, ledger_id)) | {"fields": fields})
    return found


async def _visible_entry(session: AsyncSession, actor: Actor, seq: int) -> LedgerEntryRow:
    statement = select(LedgerEntryRow).where(LedgerEntryRow.alliance_id == actor.alliance_id, LedgerEntryRow.seq == seq)
    if not _sees_all(actor):
        mine = scoped(select(LedgerEntryParty.seq), actor, LedgerEntryParty).where(LedgerEntryParty.alliance_id == actor.alliance_id)
        statement = statement.where(LedgerEntryRow.seq.in_(mine))
    row = (await session.execute(statement)).scalar_one_or_none()
    if row is None:
        raise NotFound("ledger entry", seq)
    return row


async def inclusion_proof(session: AsyncSession, actor: Actor, seq: int, tree_size: int | None = None) -> dict[str, Any]:
    """Rekor-shaped inclusion proof of entry `seq` in the tree of `tree_size` (default: the
    latest checkpoint, attached so the proof verifies offline)."""
    _require_read(actor)
    row = await _visible_entry(session, actor, seq)
    _, head_size = await _read_head(session, actor.alliance_id)
    checkpoint = await _latest_checkpoint_row(session, actor.alliance_id, tree_size)
    size = tree_size if tree_size is not None else (checkpoint.tree_size if checkpoint else head_size)
    if not seq < size <= head_size:
        raise InvalidInput.at("/tree_size", f"must be above {seq} and at most the ledger size {head_size}")
    ranges = inclusion_ranges(seq, size)
    tree = await _tree(session, actor.alliance_id, head_size, keys_for_ranges(ranges) + perfect_subtrees(0, size))
    proof = InclusionProof(seq, size, tree.root(size), tree.inclusion_proof(seq, size), checkpoint.note if checkpoint else None)
    document = proof.to_json()
    document["leafHash"] = bytes(row.leaf_hash).hex()
    return document


async def consistency_proof(session: AsyncSession, actor: Actor, first: int, second: int | None = None) -> dict[str, Any]:
    _require_read(actor)
    _, head_size = await _read_head(session, actor.alliance_id)
    size = head_size if second is None else second
    if first < 0:
        raise InvalidInput.at("/first", "must be >= 0")
    if size > head_size:
        raise InvalidInput.at("/second", f"must be at most the ledger size {head_size}")
    if first > size:
        raise InvalidInput.at("/first", "must be at most second")
    ranges = consistency_ranges(first, size)
    tree = await _tree(
        session, actor.alliance_id, head_size, keys_for_ranges(ranges) + perfect_subtrees(0, first) + perfect_subtrees(0, size)
    )
    document = ConsistencyProof(first, size, tree.consistency_proof(first, size)).to_json()
    document["oldRootHash"] = (tree.root(first) if first else EMPTY_ROOT).hex()
    document["newRootHash"] = (tree.root(size) if size else EMPTY_ROOT).hex()
    return document


# ---------------------------------------------------------------- organisation keys and co-signatures


async def register_org_key(session: AsyncSession, actor: Actor, vkey: str) -> OrganisationKey:
    actor.require(Permission.SETTLEMENT_WRITE)
    try:
        key = VerifierKey.parse(vkey)
    except Exception as exc:  # NoteError and friends: a malformed key is bad input
        raise InvalidInput.at("/vkey", f"not a signed-note verifier key: {exc}") from exc
    existing = (await session.execute(select(OrganisationKey).where(OrganisationKey.vkey == key.vkey))).scalar_one_or_none()
    if existing is not None:
        if existing.organisation_id != actor.organisation_id:
            raise InvalidInput.at("/vkey", "this key is registered by another organisation")
        return existing
    row = OrganisationKey(organisation_id=actor.organisation_id, alliance_id=actor.alliance_id, vkey=key.vkey, valid_from=_EPOCH)
    session.add(row)
    await session.flush()
    return row


async def list_org_keys(session: AsyncSession, actor: Actor) -> list[OrganisationKey]:
    _require_read(actor)
    return list((await session.execute(scoped(select(OrganisationKey), actor, OrganisationKey).order_by(OrganisationKey.created_at))).scalars())


async def cosign(session: AsyncSession, actor: Actor, seq: int, signed_at: datetime, signature_line: str) -> LedgerCosignature:
    """Store an organisation's co-signature of an entry it is a party to, after checking it."""
    from settlement.ledger.cosign import verify_entry_cosignature

    actor.require(Permission.SETTLEMENT_WRITE)
    row = await _visible_entry(session, actor, seq)
    if str(actor.organisation_id) not in row.parties:
        raise NotFound("ledger entry", seq)
    try:
        signature = NoteSignature.parse_line(signature_line)
    except Exception as exc:
        raise InvalidInput.at("/signature", f"not a signed-note signature line: {exc}") from exc
    cosignature = EntryCosignature(seq, ensure_utc(signed_at), signature)
    head = await _head(session, actor.alliance_id, lock=False)  # exists: the entry does
    own = [r for r in await key_records(session, actor.alliance_id) if r.owner == str(actor.organisation_id)]
    try:
        verify_entry_cosignature(cosignature, _entry_of(row, head.ledger_id), head.origin, Keyring(own))
    except Exception as exc:
        raise InvalidInput.at("/signature", f"co-signature does not verify: {exc}") from exc
    stored = LedgerCosignature(
        alliance_id=actor.alliance_id, seq=seq, organisation_id=actor.organisation_id, signed_at=cosignature.signed_at, signature=signature.line()
    )
    session.add(stored)
    await session.flush()
    return stored


# ---------------------------------------------------------------- anchors and export


async def record_anchor(session: AsyncSession, alliance_id: uuid.UUID, anchor: Anchor, tx_hash: str) -> LedgerAnchorRow:
    row = LedgerAnchorRow(
        alliance_id=alliance_id,
        chain_id=anchor.chain_id,
        genesis_hash=anchor.genesis_hash,
        contract=anchor.contract,
        position=anchor.position,
        tree_size=anchor.tree_size,
        root_hash=anchor.root_hash,
        checkpoint_hash=anchor.checkpoint_hash,
        block_number=anchor.block_number,
        tx_hash=tx_hash,
    )
    session.add(row)
    await session.flush()
    return row


async def export_ledger(session: AsyncSession, alliance_id: uuid.UUID, out: io.TextIOBase | Any) -> Any:
    """Write the complete export of one alliance's ledger (operator / auditor use)."""
    # Checked first: `_head` would try to create a head row for a missing alliance.
    if await session.get(Alliance, alliance_id) is None:
        raise NotFound("alliance", alliance_id)
    head = await _head(session, alliance_id, lock=False)
    entries = (
        await session.execute(select(LedgerEntryRow).where(LedgerEntryRow.alliance_id == alliance_id).order_by(LedgerEntryRow.seq))
    ).scalars()
    checkpoints = (
        await session.execute(
            select(LedgerCheckpointRow).where(LedgerCheckpointRow.alliance_id == alliance_id).order_by(LedgerCheckpointRow.tree_size)
        )
    ).scalars()
    cosignatures = (
        await session.execute(select(LedgerCosignature).where(LedgerCosignature.alliance_id == alliance_id).order_by(LedgerCosignature.seq))
    ).scalars()
    anchors = (
        await session.execute(select(LedgerAnchorRow).where(LedgerAnchorRow.alliance_id == alliance_id).order_by(LedgerAnchorRow.created_at, LedgerAnchorRow.position))
    ).scalars()
    return write_export(
        out,
        ledger_id=head.ledger_id,
        origin=head.origin,
        keys=await key_records(session, alliance_id),
        entries=[_entry_of(row, head.ledger_id) for row in entries],
        checkpoints=[SignedNote.parse(row.note) for row in checkpoints],
        cosignatures=[EntryCosignature(row.seq, row.signed_at, NoteSignature.parse_line(row.signature)) for row in cosignatures],
        anchors=[
            Anchor(row.chain_id, None if row.genesis_hash is None else bytes(row.genesis_hash), row.contract, row.position, _digest(head.ledger_id),
                   row.tree_size, bytes(row.root_hash), bytes(row.checkpoint_hash), row.block_number)
            for row in anchors
        ],
    )


def _digest(ledger_id: str) -> bytes:
    from settlement.ledger.entries import ledger_id_digest

    return ledger_id_digest(ledger_id)


async def alliance_of(session: AsyncSession, organisation_id: uuid.UUID) -> uuid.UUID:
    org = await session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound("organisation", organisation_id)
    return org.alliance_id
