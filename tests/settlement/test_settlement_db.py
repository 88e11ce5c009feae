"""The ledger in the database: exactly-once appends, stored-node proofs equal to the pure
engine's, export + offline verify, and tampering with stored rows detected."""

from __future__ import annotations

import asyncio
import io
import json
import uuid

import pytest
from sqlalchemy import delete, func, select, update

from capool.db import create_session_factory
from settlement import service
from settlement.export import verify_export
from settlement.ledger.entries import EntryType
from settlement.ledger.errors import ProofError
from settlement.ledger.proofs import verify_consistency, verify_inclusion
from settlement.ledger.store import InMemoryTreeStore
from settlement.ledger.tree import MerkleTree
from settlement.models import LedgerEntryRow, LedgerNode
from tests.conftest import World


async def _fill(db, alliance_id: uuid.UUID, count: int, *, parties: list[str], checkpoint_every: int = 0) -> None:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        for index in range(count):
            await service.append(
                session, alliance_id, EntryType.PRODUCED, {"n": index, "note": f"entry {index}"}, parties=parties, source_key=f"test:{alliance_id}:{index}"
            )
            if checkpoint_every and (index + 1) % checkpoint_every == 0:
                await service.issue_checkpoint(session, alliance_id)
        await service.issue_checkpoint(session, alliance_id)
        await session.commit()


async def _export(db, alliance_id: uuid.UUID) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    async with create_session_factory(db)() as session:
        await service.export_ledger(session, alliance_id, out)
    return out.getvalue()


async def test_appends_are_exactly_once_per_source_key(db, world: World) -> None:
    parties = [str(world.brand.org_id), str(world.partner.org_id)]
    async with create_session_factory(db)() as session:
        first = await service.append(session, world.alliance_id, EntryType.SHIPPED, {"a": 1}, parties=parties, source_key="once")
        again = await service.append(session, world.alliance_id, EntryType.SHIPPED, {"a": 2}, parties=parties, source_key="once")
        await session.commit()
    assert (first.seq, first.leaf_hash) == (again.seq, again.leaf_hash)
    async with create_session_factory(db)() as session:
        assert await session.scalar(select(func.count()).select_from(LedgerEntryRow)) == 1


async def test_concurrent_appends_are_serialised(db, world: World) -> None:
    parties = [str(world.brand.org_id)]

    async def one(index: int) -> None:
        async with create_session_factory(db)() as session:
            await service.append(session, world.alliance_id, EntryType.PRODUCED, {"i": index}, parties=parties, source_key=f"c{index}")
            await session.commit()

    await asyncio.gather(*(one(i) for i in range(8)))
    async with create_session_factory(db)() as session:
        seqs = sorted((await session.execute(select(LedgerEntryRow.seq))).scalars())
    assert seqs == list(range(8))
    report = verify_export(io.StringIO(await _export(db, world.alliance_id)), trust_embedded_keys=True, allow_unattested_tail=True)
    assert report.ok, report.failure


async def test_stored_proofs_match_the_reference_tree(db, world: World) -> None:
    await _fill(db, world.alliance_id, 37, parties=[str(world.brand.org_id)], checkpoint_every=10)
    async with create_session_factory(db)() as session:
        leaves = [bytes(h) for h in (await session.execute(select(LedgerEntryRow.leaf_hash).order_by(LedgerEntryRow.seq))).scalars()]
    reference = MerkleTree(InMemoryTreeStore())
    reference.append(leaves)
    actor = world.brand.actor
    async with create_session_factory(db)() as session:
        for size in (1, 2, 7, 8, 20, 37):
            for seq in {0, size // 2, size - 1}:
                proof = await service.inclusion_proof(session, actor, seq, size)
                assert [bytes.fromhex(h) for h in proof["hashes"]] == reference.inclusion_proof(seq, size)
                verify_inclusion(seq, size, leaves[seq], [bytes.fromhex(h) for h in proof["hashes"]], reference.root(size))
        for first, second in ((0, 37), (1, 37), (8, 37), (13, 20), (37, 37)):
            proof = await service.consistency_proof(session, actor, first, second)
            assert [bytes.fromhex(h) for h in proof["hashes"]] == reference.consistency_proof(first, second)
            verify_consistency(first, second, bytes.fromhex(proof["oldRootHash"]), reference.root(second), [bytes.fromhex(h) for h in proof["hashes"]])


async def test_export_verifies_and_key_rotation_keeps_old_checkpoints_valid(db, world: World) -> None:
    await _fill(db, world.alliance_id, 5, parties=[str(world.brand.org_id)])
    async with create_session_factory(db)() as session:
        await service.rotate_log_key(session, world.alliance_id)
        await session.commit()
    async with create_session_factory(db)() as session:
        for index in range(5, 9):
            await service.append(session, world.alliance_id, EntryType.DELIVERED, {"n": index}, parties=[str(world.partner.org_id)], source_key=f"r{index}")
        await service.issue_checkpoint(session, world.alliance_id)
        await session.commit()
    text = await _export(db, world.alliance_id)
    report = verify_export(io.StringIO(text), trust_embedded_keys=True)
    assert report.ok, report.failure
    assert (report.entries, report.checkpoints, report.attested_size) == (9, 2, 9)
    key_lines = [json.loads(line) for line in text.splitlines() if '"kind":"key"' in line]
    assert len([k for k in key_lines if k["role"] == "log"]) == 2
    # No private key material anywhere in the export.
    assert "PRIVATE" not in text


async def _tampered(db, world: World, change) -> str:  # type: ignore[no-untyped-def]
    await _fill(db, world.alliance_id, 12, parties=[str(world.brand.org_id)], checkpoint_every=6)
    async with create_session_factory(db)() as session:
        await change(session)
        await session.commit()
    report = verify_export(io.StringIO(await _export(db, world.alliance_id)), trust_embedded_keys=True)
    assert not report.ok
    return str(report.failure)


async def test_a_changed_payload_row_is_detected(db, world: World) -> None:
    async def change(session) -> None:  # type: ignore[no-untyped-def]
        await session.execute(update(LedgerEntryRow).where(LedgerEntryRow.seq == 4).values(payload_json='{"n":400,"note":"entry 4"}'))

    assert "4" in await _tampered(db, world, change)


async def test_a_changed_row_with_recomputed_leaf_hash_is_detected(db, world: World) -> None:
    """Whoever rewrites a row and its leaf hash still breaks the next entry's chain link."""
    from settlement.ledger.entries import new_entry

    async def change(session) -> None:  # type: ignore[no-untyped-def]
        row = (await session.execute(select(LedgerEntryRow).where(LedgerEntryRow.seq == 3))).scalar_one()
        forged = new_entry(str(world.alliance_id), 3, EntryType(row.type), {"n": 999}, prev_hash=bytes(row.prev_hash),
                           recorded_at=row.recorded_at, parties=row.parties)
        row.payload_json, row.leaf_hash = forged.payload_json, forged.leaf_hash

    assert "4" in await _tampered(db, world, change)


async def test_a_dropped_row_is_detected(db, world: World) -> None:
    async def change(session) -> None:  # type: ignore[no-untyped-def]
        await session.execute(delete(LedgerEntryRow).where(LedgerEntryRow.seq == 7))

    assert "7" in await _tampered(db, world, change)


async def test_a_dropped_tail_is_detected(db, world: World) -> None:
    async def change(session) -> None:  # type: ignore[no-untyped-def]
        await session.execute(delete(LedgerEntryRow).where(LedgerEntryRow.seq == 11))

    await _tampered(db, world, change)


async def test_reordered_rows_are_detected(db, world: World) -> None:
    async def change(session) -> None:  # type: ignore[no-untyped-def]
        await session.execute(update(LedgerEntryRow).where(LedgerEntryRow.seq == 2).values(seq=-2))
        await session.execute(update(LedgerEntryRow).where(LedgerEntryRow.seq == 5).values(seq=2))
        await session.execute(update(LedgerEntryRow).where(LedgerEntryRow.seq == -2).values(seq=5))

    assert "2" in await _tampered(db, world, change)


async def test_a_tampered_tree_node_gives_proofs_that_do_not_verify(db, world: World) -> None:
    await _fill(db, world.alliance_id, 8, parties=[str(world.brand.org_id)])
    async with create_session_factory(db)() as session:
        await session.execute(update(LedgerNode).where(LedgerNode.level == 1, LedgerNode.idx == 1).values(hash=bytes(32)))
        await session.commit()
    async with create_session_factory(db)() as session:
        proof = await service.inclusion_proof(session, world.brand.actor, 0, 8)
        leaf = bytes((await session.execute(select(LedgerEntryRow.leaf_hash).where(LedgerEntryRow.seq == 0))).scalar_one())
    from settlement.ledger.checkpoint import Checkpoint
    from settlement.ledger.note import SignedNote

    signed_root = Checkpoint.from_text(SignedNote.parse(proof["checkpoint"]).text).root_hash
    with pytest.raises(ProofError):
        verify_inclusion(0, 8, leaf, [bytes.fromhex(h) for h in proof["hashes"]], signed_root)
