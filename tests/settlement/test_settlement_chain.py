"""Anchoring and escrow on chain, recorded on the ledger: each test runs on the in-process
EVM (eth-tester, the embedded mode) and on a real JSON-RPC node (hardhat's, from npm)."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from sqlalchemy import delete
from web3 import Web3

from capool.clock import utcnow
from capool.db import create_session_factory
from settlement import anchoring, escrow, invoice, service
from settlement.chain import AnchorRegistry, ChainAccount, ChainError, MilestoneEscrow, SettlementChain
from settlement.export import verify_export
from settlement.ledger.entries import EntryType
from settlement.models import LedgerAnchorRow, LedgerCheckpointRow, LedgerEntryParty, LedgerEntryRow, LedgerHead, LedgerNode
from tests.conftest import World
from tests.evm_node import EvmNode, evm_node  # noqa: F401  (fixture)


@pytest.fixture(scope="module", params=["in_process", "json_rpc"])
def chain(request: pytest.FixtureRequest) -> SettlementChain:
    if request.param == "in_process":
        return SettlementChain.in_process()
    node: EvmNode = request.getfixturevalue("evm_node")
    web3 = Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 30}))
    return SettlementChain(web3, [ChainAccount.from_key(key) for key in node.keys])


async def _append(db, alliance_id, start: int, end: int, payload_tag: str = "") -> None:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        for index in range(start, end):
            await service.append(session, alliance_id, EntryType.PRODUCED, {"n": index, "tag": payload_tag}, parties=[], source_key=f"a:{payload_tag}:{index}")
        await session.commit()


async def _export_to(db, alliance_id, path: Path) -> None:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        with path.open("w", encoding="utf-8") as handle:
            await service.export_ledger(session, alliance_id, handle)


async def test_anchor_job_path_and_verification_against_the_chain(db, world: World, chain, tmp_path: Path) -> None:
    registry, _ = AnchorRegistry.deploy(chain)
    await _append(db, world.alliance_id, 0, 5)
    async with create_session_factory(db)() as session:
        first = await anchoring.anchor_latest(session, world.alliance_id, registry)
        assert first is not None and first.tree_size == 5
        assert await anchoring.anchor_latest(session, world.alliance_id, registry) is None  # nothing new
        await session.commit()
    await _append(db, world.alliance_id, 5, 9)
    async with create_session_factory(db)() as session:
        second = await anchoring.anchor_latest(session, world.alliance_id, registry)
        await session.commit()
    assert second is not None and (second.position, second.tree_size) == (1, 9)
    export = tmp_path / "ledger.jsonl"
    await _export_to(db, world.alliance_id, export)
    report = verify_export(export, trust_embedded_keys=True, anchor_registry=registry)
    assert report.ok and report.anchors == 2 and report.onchain_anchors == 2, report.failure

    # The operator rewrites history from scratch (new payloads, freshly signed checkpoints,
    # anchor rows dropped): the export is self-consistent, the chain is not fooled.
    async with create_session_factory(db)() as session:
        for model in (LedgerAnchorRow, LedgerCheckpointRow, LedgerEntryParty, LedgerEntryRow, LedgerNode, LedgerHead):
            await session.execute(delete(model).where(model.alliance_id == world.alliance_id))
        await session.commit()
    await _append(db, world.alliance_id, 0, 9, payload_tag="rewritten")
    async with create_session_factory(db)() as session:
        await service.issue_checkpoint(session, world.alliance_id)
        await session.commit()
    await _export_to(db, world.alliance_id, export)
    assert verify_export(export, trust_embedded_keys=True).ok
    check = verify_export(export, trust_embedded_keys=True, anchor_registry=registry)
    assert not check.ok and check.failure is not None and check.failure.reason.startswith("on-chain anchor 0 (size 5)")


def test_only_the_registry_owner_anchors_and_anchors_only_grow(chain) -> None:
    from settlement.ledger.checkpoint import Checkpoint, sign_checkpoint
    from settlement.ledger.keys import SigningKey

    registry, _ = AnchorRegistry.deploy(chain)
    key = SigningKey.generate("capool/ledger/x")
    note = sign_checkpoint(Checkpoint("capool/ledger/x", 4, bytes(range(32)), utcnow()), key)
    with pytest.raises(ChainError):
        registry.anchor_checkpoint("x", note, sender=chain.accounts[3])
    registry.anchor_checkpoint("x", note)
    smaller = sign_checkpoint(Checkpoint("capool/ledger/x", 3, bytes(32), utcnow()), key)
    with pytest.raises(ChainError):
        registry.anchor_checkpoint("x", smaller)
    assert registry.anchor_count("x") == 1


async def test_escrow_flows_on_chain_are_recorded_on_the_ledger(db, world: World, chain) -> None:
    owner, arbiter, buyer, supplier, stranger = chain.accounts[:5]
    contract, _ = MilestoneEscrow.deploy(chain, arbiter.address, owner=owner)
    order_id = uuid.uuid4()
    key = escrow.order_key(order_id)
    common = {"alliance_id": world.alliance_id, "order_id": order_id, "buyer_org": world.brand.org_id, "factory_org": world.partner.org_id}
    async with create_session_factory(db)() as session:
        await escrow.fund(session, contract, **common, currency="CNY", milestone_amounts_minor=[30_000, 50_000, 20_000],
                          buyer=buyer, supplier_address=supplier.address)
        with pytest.raises(ChainError):  # a stranger cannot release
            contract.release(key, 0, bytes(32), sender=stranger)
        await escrow.release(session, contract, **common, currency="CNY", milestone=0, evidence_leaf=bytes(32), sender=buyer)
        with pytest.raises(ChainError):  # released exactly once
            contract.release(key, 0, bytes(32), sender=arbiter)
        with pytest.raises(ChainError):  # only the arbiter refunds
            contract.refund(key, 1, bytes(32), arbiter=buyer)
        await escrow.refund(session, contract, **common, currency="CNY", milestone=1, evidence_leaf=bytes(32), arbiter=arbiter)
        await escrow.open_dispute(session, contract, **common, milestone=2, reason="late", sender=supplier)
        with pytest.raises(ChainError):  # only the arbiter resolves
            contract.resolve_dispute(key, 2, 10_000, bytes(32), arbiter=supplier)
        await escrow.resolve_dispute(session, contract, **common, currency="CNY", milestone=2, supplier_minor=15_000,
                                     resolution="split", arbiter=arbiter)
        await service.issue_checkpoint(session, world.alliance_id)
        await session.commit()
    assert contract.withdrawable(supplier.address) == 30_000 + 15_000
    assert contract.withdrawable(buyer.address) == 50_000 + 5_000
    assert [contract.milestone(key, m).status for m in range(3)] == ["released", "refunded", "settled"]

    month = utcnow().strftime("%Y-%m")
    async with create_session_factory(db)() as session:
        factory = await invoice.monthly_statement(session, world.partner.actor, month)
        buyer_statement = await invoice.monthly_statement(session, world.brand.actor, month)
    assert factory["currencies"][0]["earned_minor"] == 45_000
    assert buyer_statement["currencies"][0] | {} == {"currency": "CNY", "earned_minor": 0, "paid_minor": 45_000, "refunded_minor": 55_000,
                                                     "penalties_minor": 0, "escrow_minor": 0}
    out = io.StringIO()
    async with create_session_factory(db)() as session:
        await service.export_ledger(session, world.alliance_id, out)
    assert verify_export(io.StringIO(out.getvalue()), trust_embedded_keys=True).ok
