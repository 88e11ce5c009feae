"""Anchoring survives a restart of the in-process chain, runs its chain calls outside database
locks and off the event loop, and `capool ledger anchor` without a configured chain is a clear
error."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import SecretStr
from sqlalchemy import select
from web3 import Web3

from capool import jobs
from capool.db import create_session_factory
from settlement import anchoring, service
from settlement.chain import AnchorRegistry, ChainAccount, SettlementChain, TxResult
from settlement.export import verify_export
from settlement.ledger.entries import EntryType
from settlement.ledger.note import SignedNote
from settlement.models import LedgerAnchorRow
from tests.conftest import World
from tests.evm_node import EvmNode, evm_node  # noqa: F401  (fixture)


async def _append(db, alliance_id, start: int, end: int) -> None:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        for index in range(start, end):
            await service.append(session, alliance_id, EntryType.PRODUCED, {"n": index}, parties=[], source_key=f"restart:{index}")
        await session.commit()


async def _anchor_rows(db, alliance_id) -> list[tuple[bytes | None, int, int]]:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        rows = (await session.execute(select(LedgerAnchorRow).where(LedgerAnchorRow.alliance_id == alliance_id).order_by(LedgerAnchorRow.created_at))).scalars()
        return [(None if row.genesis_hash is None else bytes(row.genesis_hash), row.position, row.tree_size) for row in rows]


@pytest.fixture
def process_registry(database_url: str) -> Iterator[None]:
    """The anchoring job's process-wide registry, as a fresh process starts it."""
    jobs.job_database.configure(database_url)
    saved = anchoring._registry
    anchoring._registry = None
    yield
    anchoring._registry = saved


async def test_after_a_restart_the_new_in_process_chain_is_a_new_anchor_series(
    db, world: World, process_registry, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await _append(db, world.alliance_id, 0, 5)
    before = anchoring.default_registry()
    assert [(row.position, row.tree_size) for row in await anchoring.anchor_every_ledger(before)] == [(0, 5)]

    # The process restarts: its chain (memory only) is gone and a new one starts from nothing.
    anchoring._registry = None
    after = anchoring.default_registry()
    # The very situation that broke anchoring: same chain id, same registry address, position 0 again.
    assert (after.chain.chain_id, after.address) == (before.chain.chain_id, before.address)
    assert after.chain.genesis_hash != before.chain.genesis_hash
    await _append(db, world.alliance_id, 5, 7)
    with caplog.at_level(logging.WARNING, logger="settlement.anchoring"):
        assert [(row.position, row.tree_size) for row in await anchoring.anchor_every_ledger(after)] == [(0, 7)]
    assert f"anchoring on a new chain (chain id {after.chain.chain_id}, genesis {after.chain.genesis_hash.hex()}" in caplog.text
    assert await anchoring.anchor_every_ledger(after) == []  # nothing new: no error, nothing sent
    await _append(db, world.alliance_id, 7, 8)
    assert [(row.position, row.tree_size) for row in await anchoring.anchor_every_ledger(after)] == [(1, 8)]
    assert await _anchor_rows(db, world.alliance_id) == [
        (before.chain.genesis_hash, 0, 5), (after.chain.genesis_hash, 0, 7), (after.chain.genesis_hash, 1, 8),
    ]
    assert after.anchor_count(service.ledger_id_of(world.alliance_id)) == 2

    # The export carries each anchor's chain; it verifies, and against either chain's own history.
    export = tmp_path / "ledger.jsonl"
    async with create_session_factory(db)() as session:
        with export.open("w", encoding="utf-8") as handle:
            await service.export_ledger(session, world.alliance_id, handle)
    anchors = [json.loads(line) for line in export.read_text().splitlines() if json.loads(line)["kind"] == "anchor"]
    assert [(record["genesisHash"], record["position"]) for record in anchors] == [
        (before.chain.genesis_hash.hex(), 0), (after.chain.genesis_hash.hex(), 0), (after.chain.genesis_hash.hex(), 1),
    ]
    report = verify_export(export, trust_embedded_keys=True, anchor_registry=after)
    assert report.ok and (report.anchors, report.onchain_anchors) == (3, 2), report.failure
    report = verify_export(export, trust_embedded_keys=True, anchor_registry=before)
    assert report.ok and report.onchain_anchors == 1, report.failure


class _GatedRegistry(AnchorRegistry):
    """The real registry, whose anchor transaction waits until the test lets it go: if the
    chain call ran on the event loop, the loop could never let it go."""

    def __init__(self, chain: SettlementChain, address: str) -> None:
        super().__init__(chain, address)
        self.sending = threading.Event()
        self.release = threading.Event()

    def anchor_checkpoint(self, ledger_id: str, issued: SignedNote, *, sender: ChainAccount | None = None) -> TxResult:
        self.sending.set()
        if not self.release.wait(timeout=30):
            raise AssertionError("the event loop was blocked while the anchor transaction was in flight")
        return super().anchor_checkpoint(ledger_id, issued, sender=sender)


async def test_the_chain_call_blocks_neither_the_event_loop_nor_appends_to_the_ledger(db, world: World) -> None:
    chain = SettlementChain.in_process()
    deployed, _ = AnchorRegistry.deploy(chain)
    registry = _GatedRegistry(chain, deployed.address)
    await _append(db, world.alliance_id, 0, 5)
    async with create_session_factory(db)() as session:
        anchoring_run = asyncio.create_task(anchoring.anchor_latest(session, world.alliance_id, registry))
        assert await asyncio.to_thread(registry.sending.wait, 30)
        # While the transaction is in flight: this loop runs, and another transaction appends to
        # the same ledger (its head row, SQLite's write lock) and commits.
        await asyncio.wait_for(_append(db, world.alliance_id, 5, 6), timeout=20)
        registry.release.set()
        row = await anchoring_run
        await session.commit()
    assert row is not None and (row.position, row.tree_size) == (0, 5)
    assert (await _anchor_rows(db, world.alliance_id)) == [(chain.genesis_hash, 0, 5)]


def test_ledger_anchor_without_a_configured_chain_is_a_clear_error(world: World) -> None:
    from capool.cli import main

    result = CliRunner().invoke(main, ["ledger", "anchor", "--alliance", str(world.alliance_id)])
    assert result.exit_code == 1, result.output
    assert "Error: no chain is configured (CAPOOL_CHAIN_RPC_URL" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, AssertionError)


async def test_ledger_anchor_on_a_configured_chain_anchors_and_records_its_identity(
    db, world: World, database_url: str, process_registry, evm_node: EvmNode, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    from capool.cli import main
    from capool.config import ChainSettings, get_settings

    await _append(db, world.alliance_id, 0, 3)
    settings = get_settings()
    monkeypatch.setattr(settings, "database_url", database_url)
    monkeypatch.setattr(settings, "chain", ChainSettings(rpc_url=evm_node.url, private_key=SecretStr(evm_node.keys[0])))
    # In a thread: the command runs its own event loop, as it does from a shell.
    result = await asyncio.to_thread(CliRunner().invoke, main, ["ledger", "anchor", "--alliance", str(world.alliance_id)])
    assert result.exit_code == 0, result.output
    registry = anchoring._registry
    assert registry is not None
    assert result.output.startswith("anchored size 3 at position 0 in tx 0x")
    assert f"set CAPOOL_ANCHOR_REGISTRY={registry.address}" in result.output
    node = SettlementChain(Web3(Web3.HTTPProvider(evm_node.url)), [ChainAccount.from_key(evm_node.keys[1])])
    assert node.chain_id == 31337  # hardhat's
    assert await _anchor_rows(db, world.alliance_id) == [(node.genesis_hash, 0, 3)]
    assert AnchorRegistry(node, registry.address).anchor_count(service.ledger_id_of(world.alliance_id)) == 1
