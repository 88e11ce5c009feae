"""Settlement ledger benchmarks: machine limits, append throughput (SQLite, PostgreSQL),
proof time and size vs tree size (in memory to 10^6, in the database to 10^5), verify
time, gas per anchor and per escrow operation.

    .venv/bin/python bench/settlement/bench_ledger.py [--db-entries 20000] [--db-tree 100000] [--pg]

Prints one line per figure. Each database run uses a fresh database (a temp SQLite file;
a throw-away PostgreSQL database on 127.0.0.1 with --pg).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import insert, text  # noqa: E402

from capool.db import create_engine, create_session_factory  # noqa: E402
from capool.migrate import upgrade  # noqa: E402
from settlement import service  # noqa: E402
from settlement.ledger import Checkpoint, SigningKey, sign_checkpoint  # noqa: E402
from settlement.ledger.entries import EntryType, new_entry  # noqa: E402
from settlement.ledger.hashing import leaf_hash  # noqa: E402
from settlement.ledger.proofs import verify_consistency, verify_inclusion  # noqa: E402
from settlement.ledger.store import InMemoryTreeStore  # noqa: E402
from settlement.ledger.tree import MerkleTree, consistency_ranges, inclusion_ranges, keys_for_ranges, perfect_subtrees  # noqa: E402
from settlement.models import LedgerHead, LedgerNode  # noqa: E402

PAYLOAD = {"order_id": str(uuid.uuid4()), "allocation_id": str(uuid.uuid4()), "quantity": 300, "unit_price_minor": 450, "currency": "CNY"}


def per_second(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s"


def machine_limits() -> None:
    leaf = new_entry("bench", 0, EntryType.PRODUCED, PAYLOAD, prev_hash=bytes(32), recorded_at=__import__("datetime").datetime.now(__import__("datetime").UTC), parties=["a", "b"]).leaf()
    n = 200_000
    start = time.perf_counter()
    for _ in range(n):
        hashlib.sha256(b"\x00" + leaf).digest()
    print(f"limit sha256 per leaf ({len(leaf)} B): {per_second(n, time.perf_counter() - start)}")
    n = 5_000
    start = time.perf_counter()
    for i in range(n):
        new_entry("bench", i, EntryType.PRODUCED, PAYLOAD, prev_hash=bytes(32), recorded_at=__import__("datetime").datetime.now(__import__("datetime").UTC), parties=["a", "b"])
    print(f"limit entry build (RFC 8785 + leaf hash): {per_second(n, time.perf_counter() - start)}")
    key = SigningKey.generate("bench")
    n = 5_000
    start = time.perf_counter()
    for i in range(n):
        key.sign(f"bench\n{i}\n")
    print(f"limit ed25519 signatures: {per_second(n, time.perf_counter() - start)}")


def memory_trees(sizes: list[int]) -> None:
    for size in sizes:
        tree = MerkleTree(InMemoryTreeStore())
        leaves = [leaf_hash(i.to_bytes(8, "big")) for i in range(size)]
        start = time.perf_counter()
        tree.append(leaves)
        append_s = time.perf_counter() - start
        root = tree.root()
        samples, sizes_b, verify = [], [], []
        for seq in range(0, size, max(1, size // 200)):
            t0 = time.perf_counter()
            proof = tree.inclusion_proof(seq)
            samples.append(time.perf_counter() - t0)
            sizes_b.append(32 * len(proof))
            t0 = time.perf_counter()
            verify_inclusion(seq, size, leaves[seq], proof, root)
            verify.append(time.perf_counter() - t0)
        cons = []
        for old in range(1, size, max(1, size // 100)):
            t0 = time.perf_counter()
            proof = tree.consistency_proof(old)
            cons.append(time.perf_counter() - t0)
        old = size // 3 or 1
        cproof = tree.consistency_proof(old)
        verify_consistency(old, size, tree.root(old), root, cproof)
        print(f"memory n={size:>9,}: append {per_second(size, append_s)}; inclusion p50 {statistics.median(samples) * 1e6:.0f} us "
              f"max {max(samples) * 1e6:.0f} us, {max(sizes_b)} B; verify p50 {statistics.median(verify) * 1e6:.0f} us; "
              f"consistency p50 {statistics.median(cons) * 1e6:.0f} us, {32 * len(cproof)} B")


async def _fresh(url: str | None) -> str:
    if url is None:
        path = Path(tempfile.mkdtemp()) / "bench.db"
        return f"sqlite+aiosqlite:///{path}"
    admin = create_engine(url)
    name = f"capool_bench_{os.getpid()}"
    async with admin.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}"


async def _alliance(factory) -> uuid.UUID:  # type: ignore[no-untyped-def]
    from capool.tenancy.service import create_alliance

    async with factory() as session:
        alliance = await create_alliance(session, f"bench-{uuid.uuid4().hex[:6]}")
        await session.commit()
        return alliance.id


async def database(label: str, url: str, entries: int, batch: int, tree_size: int) -> None:
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    factory = create_session_factory(engine)
    alliance_id = await _alliance(factory)
    # Append throughput: one transaction (durable commit) + one signed checkpoint per batch.
    start = time.perf_counter()
    for first in range(0, entries, batch):
        async with factory() as session:
            await service.append_batch(session, alliance_id, [
                service.NewEntry(EntryType.PRODUCED, PAYLOAD | {"n": i}, [], f"b:{i}") for i in range(first, min(entries, first + batch))
            ])
            await service.issue_checkpoint(session, alliance_id)
            await session.commit()
    print(f"{label} append, batch {batch} + checkpoint per batch: {per_second(entries, time.perf_counter() - start)} ({entries} entries)")
    # One commit per entry (the exactly-once outbox path).
    n = 300
    start = time.perf_counter()
    for i in range(n):
        async with factory() as session:
            await service.append(session, alliance_id, EntryType.PRODUCED, PAYLOAD | {"n": i}, parties=[], source_key=f"one:{i}")
            await session.commit()
    print(f"{label} append, one commit per entry: {per_second(n, time.perf_counter() - start)}")
    async with factory() as session:
        await service.issue_checkpoint(session, alliance_id)
        await session.commit()

    # Proofs from stored nodes on a tree of `tree_size` (nodes bulk-loaded from memory).
    other = await _alliance(factory)
    tree = MerkleTree(InMemoryTreeStore())
    tree.append([leaf_hash(i.to_bytes(8, "big")) for i in range(tree_size)])
    rows = [{"alliance_id": other, "level": level, "idx": idx, "hash": bytes(tree.store._levels[level][idx * 32 : idx * 32 + 32])}  # type: ignore[attr-defined]
            for level in range(len(tree.store._levels)) for idx in range(len(tree.store._levels[level]) // 32)]  # type: ignore[attr-defined]
    async with factory() as session:
        for start_row in range(0, len(rows), 5000):
            await session.execute(insert(LedgerNode), rows[start_row : start_row + 5000])
        session.add(LedgerHead(alliance_id=other, ledger_id=str(other), origin="bench", size=tree_size, head_hash=tree.leaf_hash(tree_size - 1),
                               updated_at=__import__("capool.clock", fromlist=["utcnow"]).utcnow()))
        await session.commit()
    root = tree.root()
    inc, cons = [], []
    async with factory() as session:
        for seq in range(0, tree_size, max(1, tree_size // 100)):
            t0 = time.perf_counter()
            keys = keys_for_ranges(inclusion_ranges(seq, tree_size)) + perfect_subtrees(0, tree_size)
            t = await service._tree(session, other, tree_size, keys)
            proof = t.inclusion_proof(seq, tree_size)
            inc.append(time.perf_counter() - t0)
            verify_inclusion(seq, tree_size, tree.leaf_hash(seq), proof, root)
        for old in range(1, tree_size, max(1, tree_size // 100)):
            t0 = time.perf_counter()
            keys = keys_for_ranges(consistency_ranges(old, tree_size)) + perfect_subtrees(0, old) + perfect_subtrees(0, tree_size)
            t = await service._tree(session, other, tree_size, keys)
            proof = t.consistency_proof(old, tree_size)
            cons.append(time.perf_counter() - t0)
            verify_consistency(old, tree_size, t.root(old), root, proof)
    print(f"{label} proofs at n={tree_size:,} (one indexed read): inclusion p50 {statistics.median(inc) * 1e3:.2f} ms max {max(inc) * 1e3:.2f} ms; "
          f"consistency p50 {statistics.median(cons) * 1e3:.2f} ms")
    # Export + offline verify of the appended ledger.
    from settlement.export import verify_export

    out = io.StringIO()
    async with factory() as session:
        await service.export_ledger(session, alliance_id, out)
    t0 = time.perf_counter()
    report = verify_export(io.StringIO(out.getvalue()), trust_embedded_keys=True)
    assert report.ok, report.failure
    print(f"{label} offline verify of {report.entries} entries / {report.checkpoints} checkpoints: {time.perf_counter() - t0:.2f} s")
    await engine.dispose()


def gas() -> None:
    from settlement.chain import AnchorRegistry, MilestoneEscrow, SettlementChain

    chain = SettlementChain.in_process()
    owner, arbiter, buyer, supplier = chain.accounts[:4]
    registry, deployed = AnchorRegistry.deploy(chain)
    key = SigningKey.generate("capool/ledger/bench")
    import datetime

    note = sign_checkpoint(Checkpoint("capool/ledger/bench", 10, bytes(range(32)), datetime.datetime.now(datetime.UTC)), key)
    first = registry.anchor_checkpoint("bench", note)
    note2 = sign_checkpoint(Checkpoint("capool/ledger/bench", 20, bytes(range(32)), datetime.datetime.now(datetime.UTC)), key)
    second = registry.anchor_checkpoint("bench", note2)
    print(f"gas anchor registry deploy {deployed.gas_used:,}; first anchor {first.gas_used:,}; later anchor {second.gas_used:,}")
    escrow, deployed = MilestoneEscrow.deploy(chain, arbiter.address, owner=owner)
    order = hashlib.sha256(b"o").digest()
    fund = escrow.fund_order(order, supplier.address, [100, 200, 300], buyer=buyer)
    release = escrow.release(order, 0, bytes(32), sender=buyer)
    refund = escrow.refund(order, 1, bytes(32), arbiter=arbiter)
    dispute = escrow.open_dispute(order, 2, bytes(32), sender=supplier)
    resolve = escrow.resolve_dispute(order, 2, 150, bytes(32), arbiter=arbiter)
    withdraw = escrow.withdraw(account=supplier)
    print(f"gas escrow deploy {deployed.gas_used:,}; fund (3 milestones) {fund.gas_used:,}; release {release.gas_used:,}; refund {refund.gas_used:,}; "
          f"open dispute {dispute.gas_used:,}; resolve {resolve.gas_used:,}; withdraw {withdraw.gas_used:,}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory", default="10000,100000,1000000")
    parser.add_argument("--db-entries", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--db-tree", type=int, default=100_000)
    parser.add_argument("--pg", action="store_true", help="also PostgreSQL on 127.0.0.1:5432")
    args = parser.parse_args()
    machine_limits()
    memory_trees([int(s) for s in args.memory.split(",")])
    asyncio.run(database("sqlite", asyncio.run(_fresh(None)), args.db_entries, args.batch, args.db_tree))
    if args.pg:
        url = asyncio.run(_fresh("postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"))
        asyncio.run(database("postgresql", url, args.db_entries, args.batch, args.db_tree))
    gas()


if __name__ == "__main__":
    main()
