"""No tenant waits on another's transaction: reads take no write lock on SQLite, and a solve,
a chain call or an HTTP call never runs inside a database transaction."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.db import create_session_factory, end_read_transaction, transaction_wrote
from marketplace.models import Order
from matching import service as matching_service
from settlement import anchoring
from settlement import service as ledger
from settlement.chain import AnchorRegistry, SettlementChain
from settlement.ledger.entries import EntryType
from settlement.models import LedgerAnchorRow, LedgerCheckpointRow
from tests.conftest import World, place, publish


async def _reads_of_another_tenant(client: httpx.AsyncClient, world: World) -> float:
    """GET /v1/orders and /ready of a tenant with nothing to do with the busy one."""
    started = time.monotonic()
    orders = await client.get("/v1/orders", headers=world.other_buyer.headers)
    ready = await client.get("/ready")
    elapsed = time.monotonic() - started
    assert orders.status_code == 200 and orders.json()["items"] == [], orders.text
    assert ready.status_code == 200 and ready.json()["database"] == "ok", ready.text
    return elapsed


async def test_reads_do_not_wait_for_an_open_write_transaction(client: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    async with create_session_factory(db)() as writer:
        # A writer's transaction (on SQLite: BEGIN IMMEDIATE, the database's write lock) stays open.
        await writer.execute(text("SELECT 1"))
        elapsed = await _reads_of_another_tenant(client, world)
        await writer.rollback()
    # Waiting for the lock would take until the writer ends or the 30 s busy timeout.
    assert elapsed < 1, f"reads took {elapsed:.1f}s beside an open write transaction"


@pytest.fixture
def solver_takes_its_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # Real settings, one search worker: the solve below runs until its time limit.
    monkeypatch.setattr(matching_service, "matching_settings", lambda: matching_service.MatchingSettings(workers=1, approval_value_minor=10**12))


async def test_a_long_preview_blocks_no_other_tenant(client: httpx.AsyncClient, world: World, solver_takes_its_time: None) -> None:
    """A buyer's preview solves for seconds; meanwhile another buyer reads, /ready answers and
    another tenant writes, none of them waiting for it."""
    for n in range(12):
        await publish(client, world.partner if n % 2 else world.floating, per_day=20 + 7 * n, days=10, price=300 + 37 * n, min_batch=(1, 20, 50)[n % 3])
    for n in range(60):
        await place(client, world.brand, quantity=30 + (n * 37) % 140, split_allowed=bool(n % 2))
    preview = asyncio.create_task(client.post("/v1/matching/preview", json={"time_limit_s": 4}, headers=world.brand.headers))
    await asyncio.sleep(1.5)  # its input is loaded: the solver runs
    reads = await _reads_of_another_tenant(client, world)
    started = time.monotonic()
    written = await client.post("/v1/orders", headers=world.other_buyer.headers, json={
        "reference": "PO-BESIDE", "product": "tee", "process": "screen_printing", "quantity": 10, "due_at": "2099-01-01T00:00:00+00:00", "currency": "CNY"})
    write = time.monotonic() - started
    assert written.status_code == 201, written.text
    assert reads < 1 and write < 1, f"beside a running preview reads took {reads:.1f}s, a write {write:.1f}s"
    assert not preview.done(), "the solve ended before the other requests ran: the test proves nothing"
    response = await preview
    assert response.status_code == 200, response.text
    assert response.json()["plan"], response.json()


async def test_a_transaction_that_wrote_is_never_ended_by_a_reader(db: AsyncEngine, world: World) -> None:
    async with create_session_factory(db)() as session:
        await session.execute(select(func.count()).select_from(Order))
        assert not transaction_wrote(session)
        await end_read_transaction(session)  # it only read: ended
        await session.execute(update(Order).where(Order.buyer_org_id == world.brand.org_id).values(reference="changed"))
        assert transaction_wrote(session)
        with pytest.raises(RuntimeError):
            await end_read_transaction(session)
        assert session.in_transaction()  # refused: still open, nothing committed
        await session.rollback()
        assert not transaction_wrote(session)  # a fresh transaction starts clean


async def test_matching_after_a_write_in_the_same_request_is_refused_and_commits_nothing(client: httpx.AsyncClient, world: World, db: AsyncEngine) -> None:
    """A solve cannot leave a transaction that wrote (that would commit the other work
    early), so GraphQL refuses runMatching after another mutation; the operation rolls back."""
    await publish(client, world.partner)
    await place(client, world.brand, quantity=10)
    mutation = """mutation($ok: PlaceOrderInput!) {
        ok: placeOrder(input: $ok) { order { id } errors { code } }
        run: runMatching(input: {timeLimitS: 1}) { run { id } errors { code } } }"""
    body = {"reference": "GQL-TX-1", "product": "tee", "process": "screen_printing", "quantity": 5, "dueAt": "2099-01-01T00:00:00+00:00", "currency": "CNY"}
    response = await client.post("/graphql", json={"query": mutation, "variables": {"ok": body}}, headers=world.brand.headers)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["run"] == {"run": None, "errors": [{"code": "SOLVE_AFTER_WRITE"}]}
    async with create_session_factory(db)() as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 1  # only the REST order


async def test_run_matching_alone_solves_outside_the_transaction_and_stores_the_run(client: httpx.AsyncClient, world: World) -> None:
    await publish(client, world.partner)
    order = await place(client, world.brand, quantity=10)
    response = await client.post("/graphql", json={"query": "mutation { runMatching(input: {timeLimitS: 1}) { run { id status plan { orderId quantity } } errors { code } } }"},
                                 headers=world.brand.headers)
    payload = response.json()["data"]["runMatching"]
    assert payload["errors"] == [] and payload["run"]["plan"] == [{"orderId": order["id"], "quantity": 10}], response.text
    stored = await client.get(f"/v1/matching/runs/{payload['run']['id']}", headers=world.brand.headers)
    assert stored.status_code == 200 and stored.json()["status"] == "proposed" and uuid.UUID(stored.json()["id"])


async def test_anchoring_commits_the_checkpoint_before_the_chain_call_and_never_sends_one_the_chain_holds(db: AsyncEngine, world: World) -> None:
    registry, _ = AnchorRegistry.deploy(SettlementChain.in_process())
    async with create_session_factory(db)() as session:
        for n in range(3):
            await ledger.append(session, world.alliance_id, EntryType.PRODUCED, {"n": n}, parties=[], source_key=f"tx-test:{n}")
        await session.commit()
    # The chain call happens after the checkpoint is committed: this worker died right after
    # it (the anchor is on chain, its receipt never recorded).
    async with create_session_factory(db)() as session:
        note = await ledger.issue_checkpoint(session, world.alliance_id)
        await session.commit()
    assert note is not None
    registry.anchor_checkpoint(ledger.ledger_id_of(world.alliance_id), note)
    async with create_session_factory(db)() as session:
        assert await anchoring.anchor_latest(session, world.alliance_id, registry) is None  # not sent again (the registry would revert)
        await session.commit()
    assert registry.anchor_count(ledger.ledger_id_of(world.alliance_id)) == 1
    async with create_session_factory(db)() as session:
        await ledger.append(session, world.alliance_id, EntryType.PRODUCED, {"n": 3}, parties=[], source_key="tx-test:3")
        await session.commit()
    async with create_session_factory(db)() as session:
        row = await anchoring.anchor_latest(session, world.alliance_id, registry)
        await session.commit()
    assert row is not None and (row.position, row.tree_size) == (1, 4)
    async with create_session_factory(db)() as session:
        assert await session.scalar(select(func.count()).select_from(LedgerCheckpointRow).where(LedgerCheckpointRow.alliance_id == world.alliance_id)) == 2
        assert [r.tree_size for r in (await session.execute(select(LedgerAnchorRow).where(LedgerAnchorRow.alliance_id == world.alliance_id))).scalars()] == [4]
