"""Escrow in the product (settlement/escrow_ops.py): outbox consumers record intents, the job
sends them, the ledger follows the chain. Each test runs on the in-process EVM and, where
hardhat is installed (required with CI=true), on a real JSON-RPC node.

Hand-checked amounts: the floating factory's offer is 300 fen a unit, the order 50 units,
so an allocation is worth 15,000 fen (CNY 150.00). With currency_decimals=2 and
token_decimals=6 one fen is 10^4 token units: 150,000,000 units are funded."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from web3 import Web3

from capool import jobs
from capool.clock import utcnow
from capool.db import create_session_factory
from capool.tenancy.models import OrgKind, Role
from marketplace.models import Order
from settlement import escrow_ops
from settlement.chain import ChainAccount, MilestoneEscrow, SettlementChain
from settlement.escrow_ops import EscrowClient, to_token_units
from settlement.models import ChainSender, EscrowKind, EscrowOperation, EscrowStatus, LedgerEntryRow, SettlementMode
from tests.conftest import Member, World, _member, allocate, place, publish
from tests.evm_node import EvmNode, evm_node  # noqa: F401  (fixture)

GROSS_MINOR = 50 * 300
GROSS_UNITS = 150_000_000


@pytest.fixture(scope="module", params=["in_process", "json_rpc"])
def chain(request: pytest.FixtureRequest) -> SettlementChain:
    if request.param == "in_process":
        return SettlementChain.in_process()
    node: EvmNode = request.getfixturevalue("evm_node")
    web3 = Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 30}))
    return SettlementChain(web3, [ChainAccount.from_key(key) for key in node.keys])


class Setup:
    def __init__(self, chain: SettlementChain, client: EscrowClient, contract: MilestoneEscrow, buyer: ChainAccount, factory: ChainAccount) -> None:
        self.chain, self.client, self.contract, self.buyer, self.factory = chain, client, contract, buyer, factory


@pytest.fixture
async def escrow(db, database_url: str, world: World, chain: SettlementChain):  # type: ignore[no-untyped-def]
    """A fresh escrow contract whose arbiter is the platform's escrow account; the alliance
    settles CNY in escrow with 6 token decimals; the brand and the floating factory have
    registered fresh addresses."""
    sender = chain.accounts[1]
    contract, _ = MilestoneEscrow.deploy(chain, sender.address, owner=chain.accounts[0])
    client = EscrowClient.of_chain(chain, contract.address, sender, confirm_timeout_s=10)
    buyer, factory = ChainAccount.from_key("0x" + uuid.uuid4().hex * 2), ChainAccount.from_key("0x" + uuid.uuid4().hex * 2)
    jobs.job_database.configure(database_url)
    escrow_ops.use_client(client)
    async with create_session_factory(db)() as session:
        await escrow_ops.set_alliance_settlement(session, world.alliance_id, mode=SettlementMode.ESCROW, currency="CNY", currency_decimals=2, token_decimals=6)
        for org, account in ((world.brand, buyer), (world.floating, factory)):
            admin = await _org_admin(session, world, org)
            await escrow_ops.register_account(session, admin.actor, account.address)
        await session.commit()
    try:
        yield Setup(chain, client, contract, buyer, factory)
    finally:
        escrow_ops.use_client(None)


async def _org_admin(session, world: World, member: Member) -> Member:  # type: ignore[no-untyped-def]
    kind = OrgKind.BOTH if member is world.brand else OrgKind.FACTORY
    return await _member(session, world.alliance_id, "admin", kind, Role.ORG_ADMIN, member.org_id)


async def _work_off(db) -> None:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        await jobs.work_off_outbox(session)
        await session.commit()


async def _confirmed_allocation(client, db, world: World) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    offer = await publish(client, world.floating, per_day=100, days=10, price=300)
    order = await place(client, world.brand, quantity=50)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 50)])
    accepted = await client.post(f"/v1/allocations/{allocation['id']}/response", headers=world.floating.headers, json={"accept": True})
    assert accepted.status_code == 200, accepted.text
    await _work_off(db)
    return order, allocation


async def _decide_lot(client, db, world: World, allocation: dict, defects: int) -> dict:  # type: ignore[no-untyped-def]
    lot = await client.post("/v1/quality/lots", headers=world.floating.headers,
                            json={"allocation_id": allocation["id"], "quantity": 50, "level": "II", "aqls": {"major": 1.0}})
    assert lot.status_code == 201, lot.text
    result = await client.post(f"/v1/quality/lots/{lot.json()['id']}/results", headers=world.floating.headers,
                               json={"defects": [{"defect_class": "misprint", "severity": "major", "count": defects}], "final": True})
    assert result.status_code in (200, 201), result.text
    await _work_off(db)
    return result.json()


async def _operations(db, allocation_id: str) -> list[EscrowOperation]:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        return list((await session.execute(
            select(EscrowOperation).where(EscrowOperation.allocation_id == uuid.UUID(allocation_id)).order_by(EscrowOperation.id))).scalars())


async def _ledger(db, entry_type: str) -> list[LedgerEntryRow]:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        rows = (await session.execute(select(LedgerEntryRow).where(LedgerEntryRow.type == entry_type).order_by(LedgerEntryRow.seq))).scalars()
        return [row for row in rows if '"mode":"escrow"' in row.payload_json.replace(" ", "")]


def test_minor_units_map_to_token_units_exactly() -> None:
    assert to_token_units(15_000, 2, 6) == 150_000_000  # CNY 150.00 at 6 token decimals
    assert to_token_units(15_000, 2, 18) == 150 * 10**18
    assert to_token_units(15_000, 2, 0) == 150  # fewer token decimals: only whole tokens map
    with pytest.raises(escrow_ops.UnmappableAmount):
        to_token_units(15_050, 2, 0)
    assert to_token_units(7, 0, 0) == 7


async def test_a_confirmed_allocation_is_funded_and_an_accepted_lot_released(client, db, world: World, escrow: Setup) -> None:
    _, allocation = await _confirmed_allocation(client, db, world)
    [fund] = await _operations(db, allocation["id"])
    assert (fund.kind, fund.status, fund.amount_minor, fund.amount_units) == (EscrowKind.FUND, EscrowStatus.PENDING, GROSS_MINOR, str(GROSS_UNITS))
    assert await _ledger(db, "payment.funded") == []  # nothing on the ledger before the chain confirms

    results = await escrow_ops.run_due(escrow.client)
    assert list(results.values()) == [EscrowStatus.CONFIRMED]
    key = escrow_ops.allocation_key(uuid.UUID(allocation["id"]))
    assert escrow.contract.milestone(key, 0).amount == GROSS_UNITS
    [funded] = await _ledger(db, "payment.funded")
    assert '"amount_minor": 15000' in funded.payload_json or '"amount_minor":15000' in funded.payload_json
    state = await client.get(f"/v1/allocations/{allocation['id']}/escrow", headers=world.floating.headers)
    assert state.status_code == 200, state.text
    assert {k: state.json()[k] for k in ("mode", "state", "funded_minor", "released_minor", "held_minor")} == {
        "mode": "escrow", "state": "funded", "funded_minor": GROSS_MINOR, "released_minor": 0, "held_minor": GROSS_MINOR}

    lot = await _decide_lot(client, db, world, allocation, defects=0)
    assert lot["decision"] == "accepted"
    assert await escrow_ops.run_due(escrow.client) != {}
    release = (await _operations(db, allocation["id"]))[-1]
    assert (release.kind, release.status, release.supplier_minor, release.buyer_minor) == (EscrowKind.RELEASE, EscrowStatus.CONFIRMED, GROSS_MINOR, 0)
    assert escrow.contract.withdrawable(escrow.factory.address) == GROSS_UNITS
    assert escrow.contract.milestone(key, 0).status == "settled"
    assert len(await _ledger(db, "payment.released")) == 1
    assert await escrow_ops.run_due(escrow.client) == {}  # nothing left to do

    state = (await client.get(f"/v1/allocations/{allocation['id']}/escrow", headers=world.brand.headers)).json()
    assert (state["released_minor"], state["refunded_minor"], state["held_minor"]) == (GROSS_MINOR, 0, 0)
    assert [(op["kind"], op["status"], op["amount_units"]) for op in state["operations"]] == [
        ("fund", "confirmed", str(GROSS_UNITS)), ("release", "confirmed", str(GROSS_UNITS))]
    query = "query($id: UUID) { allocations(orderId: $id) { items { id escrow { state fundedMinor releasedMinor heldMinor operations { kind status } } } } }"
    answer = await client.post("/graphql", json={"query": query, "variables": {"id": allocation["order_id"]}}, headers=world.brand.headers)
    assert answer.status_code == 200 and not answer.json().get("errors"), answer.text
    [item] = answer.json()["data"]["allocations"]["items"]
    assert item["escrow"] == {"state": "settled", "fundedMinor": GROSS_MINOR, "releasedMinor": GROSS_MINOR, "heldMinor": 0,
                              "operations": [{"kind": "fund", "status": "confirmed"}, {"kind": "release", "status": "confirmed"}]}
    statement = (await client.get(f"/v1/settlement/statements/{utcnow():%Y-%m}", headers=world.floating.headers)).json()
    assert statement["currencies"][0]["earned_minor"] == GROSS_MINOR  # the ledger's escrow entries feed the statements


async def test_an_amount_that_maps_to_no_whole_token_is_refused(client, db, world: World, escrow: Setup) -> None:
    async with create_session_factory(db)() as session:  # whole tokens only: 15,050 fen is CNY 150.50
        await escrow_ops.set_alliance_settlement(session, world.alliance_id, mode=SettlementMode.ESCROW, currency="CNY", currency_decimals=2, token_decimals=0)
        await session.commit()
    offer = await publish(client, world.floating, per_day=100, days=10, price=301)
    order = await place(client, world.brand, quantity=50)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 50)])
    assert (await client.post(f"/v1/allocations/{allocation['id']}/response", headers=world.floating.headers, json={"accept": True})).status_code == 200
    await _work_off(db)
    [fund] = await _operations(db, allocation["id"])
    assert (fund.status, fund.amount_minor, fund.nonce) == (EscrowStatus.FAILED, 15_050, None)
    assert "no whole number of token units" in (fund.last_error or "")
    assert await escrow_ops.run_due(escrow.client) == {}  # nothing is sent
    state = (await client.get(f"/v1/allocations/{allocation['id']}/escrow", headers=world.brand.headers)).json()
    assert (state["state"], state["funded_minor"]) == ("failed", 0)


async def test_an_alliance_without_escrow_settles_by_invoice(client, db, world: World, escrow: Setup) -> None:
    async with create_session_factory(db)() as session:
        await escrow_ops.set_alliance_settlement(session, world.alliance_id, mode=SettlementMode.INVOICE, currency="CNY", currency_decimals=2, token_decimals=6)
        await session.commit()
    _, allocation = await _confirmed_allocation(client, db, world)
    await _decide_lot(client, db, world, allocation, defects=0)
    assert await _operations(db, allocation["id"]) == []
    async with create_session_factory(db)() as session:
        released = (await session.execute(select(LedgerEntryRow).where(LedgerEntryRow.type == "payment.released"))).scalars().all()
    assert len(released) == 1 and '"invoice"' in released[0].payload_json
    state = (await client.get(f"/v1/allocations/{allocation['id']}/escrow", headers=world.brand.headers)).json()
    assert (state["mode"], state["state"]) == ("invoice", "none")


async def test_a_late_lot_releases_pay_less_penalty_and_refunds_the_penalty(client, db, world: World, escrow: Setup) -> None:
    order, allocation = await _confirmed_allocation(client, db, world)
    await escrow_ops.run_due(escrow.client)
    async with create_session_factory(db)() as session:  # 1.5 days late: 2 started days, 2% of 15,000 fen = 300 fen
        await session.execute(update(Order).where(Order.id == uuid.UUID(order["id"])).values(due_at=utcnow() - timedelta(hours=36)))
        await session.commit()
    await _decide_lot(client, db, world, allocation, defects=0)
    await escrow_ops.run_due(escrow.client)
    release = (await _operations(db, allocation["id"]))[-1]
    assert (release.status, release.supplier_minor, release.buyer_minor, release.supplier_units, release.buyer_units) == (
        EscrowStatus.CONFIRMED, 14_700, 300, "147000000", "3000000")
    assert escrow.contract.withdrawable(escrow.factory.address) == 147_000_000
    assert escrow.contract.withdrawable(escrow.buyer.address) == 3_000_000


async def test_a_rejected_lot_refunds_the_buyer(client, db, world: World, escrow: Setup) -> None:
    _, allocation = await _confirmed_allocation(client, db, world)
    await escrow_ops.run_due(escrow.client)
    lot = await _decide_lot(client, db, world, allocation, defects=6)
    assert lot["decision"] == "rejected"
    await escrow_ops.run_due(escrow.client)
    refund = (await _operations(db, allocation["id"]))[-1]
    assert (refund.kind, refund.status, refund.buyer_minor) == (EscrowKind.REFUND, EscrowStatus.CONFIRMED, GROSS_MINOR)
    assert escrow.contract.withdrawable(escrow.buyer.address) == GROSS_UNITS
    assert escrow.contract.withdrawable(escrow.factory.address) == 0
    assert len(await _ledger(db, "payment.refunded")) == 1


async def test_a_dispute_holds_the_payout(client, db, world: World, escrow: Setup) -> None:
    order, allocation = await _confirmed_allocation(client, db, world)
    await escrow_ops.run_due(escrow.client)
    lot = await client.post("/v1/quality/lots", headers=world.floating.headers,
                            json={"allocation_id": allocation["id"], "quantity": 50, "level": "II", "aqls": {"major": 1.0}})
    assert lot.status_code == 201, lot.text
    disputed = await client.post(f"/v1/orders/{order['id']}/transitions", json={"to": "disputed", "reason": "wrong colour"}, headers=world.brand.headers)
    assert disputed.status_code == 200, disputed.text
    await _work_off(db)
    await escrow_ops.run_due(escrow.client)
    key = escrow_ops.allocation_key(uuid.UUID(allocation["id"]))
    assert escrow.contract.milestone(key, 0).status == "disputed"
    result = await client.post(f"/v1/quality/lots/{lot.json()['id']}/results", headers=world.floating.headers,
                               json={"defects": [{"defect_class": "misprint", "severity": "major", "count": 0}], "final": True})
    assert result.status_code in (200, 201), result.text
    await _work_off(db)
    async with create_session_factory(db)() as session:  # the held payout is due at once, to see it stay held
        await session.execute(update(EscrowOperation).values(next_attempt_at=utcnow()))
        await session.commit()
    await escrow_ops.run_due(escrow.client)
    kinds = [(op.kind, op.status) for op in await _operations(db, allocation["id"])]
    assert kinds == [(EscrowKind.FUND, EscrowStatus.CONFIRMED), (EscrowKind.DISPUTE, EscrowStatus.CONFIRMED), (EscrowKind.RELEASE, EscrowStatus.PENDING)]
    held = (await _operations(db, allocation["id"]))[-1]
    assert held.last_error is not None and held.last_error.startswith("held")
    assert escrow.contract.withdrawable(escrow.factory.address) == 0
    assert escrow.contract.milestone(key, 0).amount == GROSS_UNITS
    assert await _ledger(db, "payment.released") == []


async def test_an_outage_queues_and_a_later_retry_completes_exactly_once(client, db, world: World, escrow: Setup) -> None:
    _, allocation = await _confirmed_allocation(client, db, world)
    unreachable = EscrowClient(Web3(Web3.HTTPProvider("http://127.0.0.1:9", request_kwargs={"timeout": 2})), escrow.contract.address, escrow.client.sender)
    escrow_ops.use_client(unreachable)
    await escrow_ops.run_due(unreachable)
    [fund] = await _operations(db, allocation["id"])
    assert fund.status is EscrowStatus.PENDING and fund.attempts == 1 and fund.nonce is None and "Connection" in (fund.last_error or "")
    assert await escrow_ops.run_due(unreachable) == {}  # backing off: not due yet

    # The chain is back; the scheduler's periodic task enqueues what is due.
    escrow_ops.use_client(escrow.client)
    async with create_session_factory(db)() as session:
        await session.execute(update(EscrowOperation).values(next_attempt_at=utcnow()))
        await session.commit()
        assert await escrow_ops.enqueue_due(session) == 1
    await escrow_ops.run_due(escrow.client)
    [fund] = await _operations(db, allocation["id"])
    assert fund.status is EscrowStatus.CONFIRMED and fund.attempts == 2
    assert len(await _ledger(db, "payment.funded")) == 1
    assert escrow.contract.milestone(escrow_ops.allocation_key(uuid.UUID(allocation["id"])), 0).amount == GROSS_UNITS


class _CrashAfterBroadcast(EscrowClient):
    """The real client whose process dies right after broadcasting (before any receipt)."""

    def receipt(self, tx_hash: str, *, wait: bool):  # type: ignore[no-untyped-def]
        if wait:
            raise ConnectionError("the worker died waiting for the receipt")
        return super().receipt(tx_hash, wait=wait)


async def test_a_resend_after_a_crash_never_funds_twice(client, db, world: World, escrow: Setup) -> None:
    _, allocation = await _confirmed_allocation(client, db, world)
    crashing = _CrashAfterBroadcast(escrow.client.web3, escrow.contract.address, escrow.client.sender)
    await escrow_ops.run_due(crashing)
    [fund] = await _operations(db, allocation["id"])
    assert fund.status is EscrowStatus.SENT and fund.tx_hash and fund.raw_tx  # broadcast (and mined), never confirmed here
    balance = escrow.chain.balance(escrow.contract.address)

    async with create_session_factory(db)() as session:
        await session.execute(update(EscrowOperation).values(next_attempt_at=utcnow()))
        await session.commit()
    await escrow_ops.run_due(escrow.client)
    [fund_after] = await _operations(db, allocation["id"])
    assert (fund_after.status, fund_after.tx_hash, fund_after.nonce) == (EscrowStatus.CONFIRMED, fund.tx_hash, fund.nonce)
    assert escrow.chain.balance(escrow.contract.address) == balance  # the retry found the receipt: nothing sent again
    with pytest.raises(Exception):  # noqa: B017,PT011 (the node's error type differs): the same bytes cannot be mined twice
        await asyncio.to_thread(escrow.client.broadcast, fund.raw_tx)  # type: ignore[arg-type]
    assert escrow.chain.balance(escrow.contract.address) == balance
    assert len(await _ledger(db, "payment.funded")) == 1


class _CrashBeforeBroadcast(EscrowClient):
    """The real client whose process dies after the signed transaction was stored, before it left."""

    def broadcast(self, raw_tx: str) -> None:
        raise ConnectionError("the worker died before broadcasting")


async def test_a_transaction_stored_but_never_broadcast_is_sent_once_by_the_retry(client, db, world: World, escrow: Setup) -> None:
    _, allocation = await _confirmed_allocation(client, db, world)
    crashing = _CrashBeforeBroadcast(escrow.client.web3, escrow.contract.address, escrow.client.sender)
    await escrow_ops.run_due(crashing)
    [fund] = await _operations(db, allocation["id"])
    assert fund.status is EscrowStatus.SENT and fund.nonce is not None
    assert await asyncio.to_thread(escrow.client.receipt, fund.tx_hash, wait=False) is None  # the chain never saw it
    key = escrow_ops.allocation_key(uuid.UUID(allocation["id"]))
    assert escrow.contract.milestone(key, 0).status == "none"

    async with create_session_factory(db)() as session:
        await session.execute(update(EscrowOperation).values(next_attempt_at=utcnow()))
        await session.commit()
    await escrow_ops.run_due(escrow.client)
    [fund_after] = await _operations(db, allocation["id"])
    assert (fund_after.status, fund_after.tx_hash, fund_after.nonce) == (EscrowStatus.CONFIRMED, fund.tx_hash, fund.nonce)  # the stored bytes
    assert escrow.contract.milestone(key, 0).amount == GROSS_UNITS
    assert escrow.chain.balance(escrow.contract.address) == GROSS_UNITS
    assert len(await _ledger(db, "payment.funded")) == 1


async def test_two_concurrent_senders_never_reuse_a_nonce(client, db, world: World, escrow: Setup) -> None:
    allocations = []
    for _ in range(4):
        allocations.append((await _confirmed_allocation(client, db, world))[1])
    async with create_session_factory(db)() as session:
        ids = list((await session.execute(select(EscrowOperation.id))).scalars())
    assert len(ids) == 4
    # Two senders, like two worker processes (each its own thread, event loop, database
    # engine and chain client, on one account), go through all operations at the same time.
    second = EscrowClient(escrow.client.web3, escrow.contract.address, escrow.client.sender)
    start = threading.Barrier(2)

    def worker(sender: EscrowClient, order: list[uuid.UUID]) -> list[EscrowStatus | None]:
        async def run() -> list[EscrowStatus | None]:
            try:
                return [await escrow_ops.advance(op_id, sender) for op_id in order]
            finally:
                await jobs.job_database.dispose()

        start.wait()
        return asyncio.run(run())

    results = await asyncio.gather(asyncio.to_thread(worker, escrow.client, ids), asyncio.to_thread(worker, second, ids[::-1]))
    statuses = results[0] + results[1]
    assert statuses.count(EscrowStatus.CONFIRMED) >= 1
    # The in-process chain refuses a nonce beyond the next one (a node queues it): the
    # retry resends what is left in nonce order.
    async with create_session_factory(db)() as session:
        await session.execute(update(EscrowOperation).values(next_attempt_at=utcnow()))
        await session.commit()
    await escrow_ops.run_due(escrow.client)
    async with create_session_factory(db)() as session:
        ops = list((await session.execute(select(EscrowOperation))).scalars())
        stored_next = await session.scalar(select(func.max(ChainSender.next_nonce)))
    assert {op.status for op in ops} == {EscrowStatus.CONFIRMED}
    nonces = sorted(op.nonce for op in ops if op.nonce is not None)
    assert len(set(nonces)) == 4 and nonces == list(range(nonces[0], nonces[0] + 4))
    assert stored_next == nonces[-1] + 1
    for allocation in allocations:
        assert escrow.contract.milestone(escrow_ops.allocation_key(uuid.UUID(allocation["id"])), 0).amount == GROSS_UNITS


async def test_concurrent_reservations_take_distinct_nonces(db, database_url: str) -> None:
    jobs.job_database.configure(database_url)

    async def take() -> int:
        async with jobs.job_transaction() as session:
            return await escrow_ops.reserve_nonce(session, 999, "0x" + "ab" * 20, 5)

    taken = await asyncio.gather(*(take() for _ in range(12)))
    assert sorted(taken) == list(range(5, 17))


def test_the_cli_sets_an_alliance_to_escrow_and_lists_its_operations(cli_database) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from capool.cli import main
    from capool.config import get_settings
    from capool.db import create_engine
    from capool.tenancy.service import create_alliance

    runner = CliRunner()
    assert runner.invoke(main, ["migrate"], catch_exceptions=False).exit_code == 0

    async def seed() -> str:
        engine = create_engine(get_settings().database_url)
        async with create_session_factory(engine)() as session:
            alliance = await create_alliance(session, "Escrow CLI")
            await session.commit()
        await engine.dispose()
        return str(alliance.id)

    alliance_id = asyncio.run(seed())
    args = ["ledger", "escrow-mode", "--alliance", alliance_id, "--mode", "escrow", "--currency", "CNY", "--currency-decimals", "2"]
    done = runner.invoke(main, [*args, "--token-decimals", "18"], catch_exceptions=False)
    assert done.exit_code == 0 and "10^16 token units" in done.output and "no escrow chain is configured" in done.output
    refused = runner.invoke(main, [*args, "--token-decimals", "40"])
    assert refused.exit_code != 0 and "token decimals" in refused.output
    status = runner.invoke(main, ["ledger", "escrow-status", "--alliance", alliance_id], catch_exceptions=False)
    assert status.exit_code == 0 and '"pending": 0' in status.output


async def test_the_worker_sends_what_the_consumers_record(client, db, world: World, escrow: Setup, outbox_worker) -> None:
    """The product path: the outbox worker runs the consumers, their commit enqueues the
    sending job, the worker's thread sends and confirms it; the scheduler's periodic task
    enqueues nothing more once all is confirmed."""
    from capool.scheduler import Scheduler
    from settlement.consumers import retry_escrow_operations

    offer = await publish(client, world.floating, per_day=100, days=10, price=300)
    order = await place(client, world.brand, quantity=50)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 50)])
    assert (await client.post(f"/v1/allocations/{allocation['id']}/response", headers=world.floating.headers, json={"accept": True})).status_code == 200
    await outbox_worker.drain()
    queue = escrow_ops.send_escrow_operation.queue_name
    deadline = asyncio.get_running_loop().time() + 60
    while (await _operations(db, allocation["id"]))[0].status is not EscrowStatus.CONFIRMED:
        assert asyncio.get_running_loop().time() < deadline, (await _operations(db, allocation["id"]))[0].last_error
        await asyncio.to_thread(outbox_worker.broker.join, queue, timeout=30_000)
        await asyncio.sleep(0.1)
    assert escrow.contract.milestone(escrow_ops.allocation_key(uuid.UUID(allocation["id"])), 0).amount == GROSS_UNITS
    task = next(t for t in jobs.periodic_tasks() if t.fn is retry_escrow_operations)
    [run] = await Scheduler(create_session_factory(db), lease=timedelta(minutes=1), tasks=[task]).tick()
    assert run.ok
    assert len(await _ledger(db, "payment.funded")) == 1
