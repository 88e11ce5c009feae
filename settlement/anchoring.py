"""Anchoring checkpoints on chain (`settlement.export.verify_export` checks an export
against the anchors read back from the chain).

The chain comes from the settings (`settings.chain`, `settings.anchor`; environment or
.env): CAPOOL_CHAIN_RPC_URL + CAPOOL_CHAIN_PRIVATE_KEY (+ CAPOOL_ANCHOR_REGISTRY, the
deployed registry's address) for a consortium chain; without them an in-process
eth-tester chain, with the registry deployed on first use.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from capool.config import ConfigurationError, get_settings
from capool.jobs import job, job_transaction
from settlement import service
from settlement.chain import AnchorRegistry, SettlementChain
from settlement.models import LedgerAnchorRow, LedgerHead

log = logging.getLogger(__name__)
_lock = threading.Lock()
_registry: AnchorRegistry | None = None


def default_registry() -> AnchorRegistry:
    global _registry
    with _lock:
        if _registry is None:
            settings = get_settings()
            if settings.chain.rpc_url:
                if settings.chain.private_key is None:
                    raise ConfigurationError("CAPOOL_CHAIN_RPC_URL is set but CAPOOL_CHAIN_PRIVATE_KEY is not")
                chain = SettlementChain.connect(settings.chain.rpc_url, settings.chain.private_key.get_secret_value())
                address = settings.anchor.registry
                _registry = AnchorRegistry(chain, address) if address else AnchorRegistry.deploy(chain)[0]
            else:
                _registry = AnchorRegistry.deploy(SettlementChain.in_process())[0]
        return _registry


async def anchor_latest(session: AsyncSession, alliance_id: uuid.UUID, registry: AnchorRegistry) -> LedgerAnchorRow | None:
    """Sign a checkpoint of the head and anchor it, unless the head is already anchored.

    The caller (the job, the CLI) hands over a fresh session whose transactions this
    function ends itself: the signed checkpoint (the intent) is committed first, the chain is
    called outside any transaction (a ledger-head row lock, or SQLite's write lock, held
    through a chain call blocked every tenant's writes) and off the event loop (a thread:
    waiting for a receipt blocked every request and job of the process), and the confirmed
    anchor is recorded in a new transaction. The registry only accepts a growing tree, so a
    second worker's duplicate anchor reverts, and a crash after the chain call leaves a
    checkpoint that the chain already holds: it is not sent again.

    Anchors are kept per chain series (chain id, genesis hash, registry address): a chain
    that restarted from nothing, as the in-process one does with its process, is a new
    series that starts again at position 0, not a conflict with the old one's rows."""
    note = await service.issue_checkpoint(session, alliance_id)
    if note is None:
        return None
    from settlement.ledger.checkpoint import Checkpoint

    size = Checkpoint.from_text(note.text).tree_size
    chain_id, genesis_hash = await asyncio.to_thread(lambda: (registry.chain.chain_id, registry.chain.genesis_hash))
    last = await _last_anchor_row(session, alliance_id, chain_id, genesis_hash, registry.address)
    if last is not None and last.tree_size >= size:
        return None
    if last is None and await session.scalar(select(LedgerAnchorRow.id).where(LedgerAnchorRow.alliance_id == alliance_id).limit(1)):
        log.warning("ledger %s: anchoring on a new chain (chain id %s, genesis %s, registry %s); earlier anchors are on another chain",
                    alliance_id, chain_id, genesis_hash.hex(), registry.address)
    await session.commit()
    ledger_id = service.ledger_id_of(alliance_id)
    on_chain = await asyncio.to_thread(registry.latest, ledger_id)
    if on_chain is not None and on_chain.tree_size >= size:
        return None
    tx = await asyncio.to_thread(registry.anchor_checkpoint, ledger_id, note)  # returns once the receipt confirms it
    anchor = await asyncio.to_thread(registry.latest, ledger_id)
    assert anchor is not None and anchor.tree_size == size
    last = await _last_anchor_row(session, alliance_id, chain_id, genesis_hash, registry.address)
    if last is not None and last.position >= anchor.position:
        return None  # another worker recorded it meanwhile
    return await service.record_anchor(session, alliance_id, anchor, tx.tx_hash)


async def _last_anchor_row(
    session: AsyncSession, alliance_id: uuid.UUID, chain_id: int, genesis_hash: bytes, contract: str
) -> LedgerAnchorRow | None:
    statement = (
        select(LedgerAnchorRow)
        .where(LedgerAnchorRow.alliance_id == alliance_id, LedgerAnchorRow.chain_id == chain_id,
               LedgerAnchorRow.genesis_hash == genesis_hash, LedgerAnchorRow.contract == contract)
        .order_by(LedgerAnchorRow.position.desc()).limit(1)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def anchor_every_ledger(registry: AnchorRegistry) -> list[LedgerAnchorRow]:
    """Anchor the latest checkpoint of every ledger that grew since its last anchor on this
    registry's chain; returns the anchors recorded."""
    async with job_transaction(read_only=True) as session:
        alliances = list((await session.execute(select(LedgerHead.alliance_id))).scalars())
    recorded = []
    for alliance_id in alliances:
        async with job_transaction() as session:
            row = await anchor_latest(session, alliance_id, registry)
        if row is not None:
            recorded.append(row)
    return recorded


@job(queue_name="settlement", max_retries=3)
async def anchor_checkpoints() -> None:
    """Periodic (settlement.consumers.anchor_on_chain): anchor every ledger that grew."""
    await anchor_every_ledger(await asyncio.to_thread(default_registry))  # may deploy the registry: a chain call
