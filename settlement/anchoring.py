"""Anchoring checkpoints on chain, and checking an export against the on-chain anchors.

The chain comes from the environment: CAPOOL_CHAIN_RPC_URL + CAPOOL_CHAIN_PRIVATE_KEY (+
CAPOOL_ANCHOR_REGISTRY, the deployed registry's address) for a consortium chain; without
them an in-process eth-tester chain, with the registry deployed on first use.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from capool.jobs import job, job_transaction
from settlement import service
from settlement.chain import AnchorRegistry, SettlementChain
from settlement.ledger.anchor import Anchor, verify_anchor_against_tree
from settlement.ledger.entries import LedgerEntry
from settlement.ledger.errors import LedgerError
from settlement.ledger.store import InMemoryTreeStore
from settlement.ledger.tree import MerkleTree
from settlement.models import LedgerAnchorRow, LedgerHead

_lock = threading.Lock()
_registry: AnchorRegistry | None = None


def default_registry() -> AnchorRegistry:
    global _registry
    with _lock:
        if _registry is None:
            rpc_url = os.environ.get("CAPOOL_CHAIN_RPC_URL")
            if rpc_url:
                chain = SettlementChain.connect(rpc_url, os.environ["CAPOOL_CHAIN_PRIVATE_KEY"])
                address = os.environ.get("CAPOOL_ANCHOR_REGISTRY")
                _registry = AnchorRegistry(chain, address) if address else AnchorRegistry.deploy(chain)[0]
            else:
                _registry = AnchorRegistry.deploy(SettlementChain.in_process())[0]
        return _registry


async def anchor_latest(session: AsyncSession, alliance_id: uuid.UUID, registry: AnchorRegistry) -> LedgerAnchorRow | None:
    """Sign a checkpoint of the head and anchor it, unless the head is already anchored.

    The caller (the job, the CLI) hands over a fresh session whose transactions this
    function ends itself: the signed checkpoint (the intent) is committed first, the chain is
    called outside any transaction (a ledger-head row lock, or SQLite's write lock, held
    through a chain call blocked every tenant's writes), and the receipt is recorded in a
    new transaction. The registry only accepts a growing tree, so a second worker's
    duplicate anchor reverts, and a crash after the chain call leaves a checkpoint that the
    chain already holds: it is not sent again."""
    note = await service.issue_checkpoint(session, alliance_id)
    if note is None:
        return None
    from settlement.ledger.checkpoint import Checkpoint

    size = Checkpoint.from_text(note.text).tree_size
    last = await _last_anchor_row(session, alliance_id, registry)
    if last is not None and last.tree_size >= size:
        return None
    await session.commit()
    ledger_id = service.ledger_id_of(alliance_id)
    on_chain = registry.latest(ledger_id)
    if on_chain is not None and on_chain.tree_size >= size:
        return None
    tx = registry.anchor_checkpoint(ledger_id, note)
    anchor = registry.latest(ledger_id)
    assert anchor is not None and anchor.tree_size == size
    last = await _last_anchor_row(session, alliance_id, registry)
    if last is not None and last.position >= anchor.position:
        return None  # another worker recorded it meanwhile
    return await service.record_anchor(session, alliance_id, anchor, tx.tx_hash)


async def _last_anchor_row(session: AsyncSession, alliance_id: uuid.UUID, registry: AnchorRegistry) -> LedgerAnchorRow | None:
    statement = (
        select(LedgerAnchorRow).where(LedgerAnchorRow.alliance_id == alliance_id, LedgerAnchorRow.contract == registry.address)
        .order_by(LedgerAnchorRow.position.desc()).limit(1)
    )
    return (await session.execute(statement)).scalar_one_or_none()


@job(queue_name="settlement", max_retries=3)
async def anchor_checkpoints() -> None:
    """Periodic: anchor the latest checkpoint of every ledger that grew since its last anchor."""
    registry = default_registry()
    async with job_transaction(read_only=True) as session:
        alliances = list((await session.execute(select(LedgerHead.alliance_id))).scalars())
    for alliance_id in alliances:
        async with job_transaction() as session:
            await anchor_latest(session, alliance_id, registry)


@dataclass(frozen=True)
class AnchorCheck:
    anchors: int
    failure: str | None

    @property
    def ok(self) -> bool:
        return self.failure is None


def check_onchain_anchors(export: Path, registry: AnchorRegistry) -> AnchorCheck:
    """Read the ledger's anchors from the chain itself (not from the export) and prove the
    exported tree extends each of them. Run after `verify_export` passed."""
    ledger_id = None
    tree = MerkleTree(InMemoryTreeStore())
    with export.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["kind"] == "header":
                ledger_id = record["ledgerId"]
            elif record["kind"] == "entry":
                tree.append([LedgerEntry.from_json(record).leaf_hash])
    if ledger_id is None:
        return AnchorCheck(0, "export has no header")
    history: list[Anchor] = registry.history(ledger_id)
    for anchor in history:
        try:
            verify_anchor_against_tree(anchor, tree)
        except LedgerError as exc:
            return AnchorCheck(len(history), f"on-chain anchor {anchor.position} (size {anchor.tree_size}): {exc}")
    return AnchorCheck(len(history), None)
