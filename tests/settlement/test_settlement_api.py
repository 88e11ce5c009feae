"""Marketplace and quality events become ledger entries exactly once; the ledger is served by
REST per alliance and per party; invoice-mode payouts and monthly statements."""

from __future__ import annotations

import io
import json
import uuid

from sqlalchemy import func, select

from capool import events
from capool.clock import utcnow
from capool.db import create_session_factory
from capool.events import OutboxEvent
from settlement import service
from settlement.export import verify_export
from settlement.ledger.checkpoint import verify_inclusion_proof
from settlement.ledger.keys import KeyRecord, Keyring, KeyRole, SigningKey, VerifierKey
from settlement.ledger.proofs import InclusionProof
from settlement.models import LedgerEntryRow
from tests.conftest import World, allocate, place, publish


class Crash(Exception):
    pass


async def drain(db, *, crash_after_handlers: bool = False) -> int:  # type: ignore[no-untyped-def]
    """What `capool.jobs.process_outbox_event` does, for every unprocessed event, in order;
    optionally crashing after the handlers ran (the transaction then rolls back)."""
    done = 0
    async with create_session_factory(db)() as session:
        ids = list((await session.execute(select(OutboxEvent.id).where(OutboxEvent.processed_at.is_(None)).order_by(OutboxEvent.created_at))).scalars())
    for event_id in ids:
        async with create_session_factory(db)() as session:
            try:
                row = await session.get(OutboxEvent, event_id, with_for_update=True)
                for handler in events.consumers_for(row.type):
                    await handler(session, row)
                if crash_after_handlers:
                    raise Crash
                row.processed_at = utcnow()
                await session.commit()
                done += 1
            except Crash:
                await session.rollback()
    return done


async def _types(db) -> list[str]:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        return list((await session.execute(select(LedgerEntryRow.type).order_by(LedgerEntryRow.seq))).scalars())


async def _confirmed_order(client, world: World) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    offer = await publish(client, world.partner, price=450)
    order = await place(client, world.brand, quantity=100)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 100)])
    accepted = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": True}, headers=world.partner.headers)
    assert accepted.status_code == 200, accepted.text
    return order, allocation


async def _report(client, world: World, allocation: dict) -> None:  # type: ignore[no-untyped-def]
    for step in ("scan", "done", "confirm"):
        response = await client.post(f"/v1/allocations/{allocation['id']}/progress", headers=world.partner.headers,
                                     json={"operation": "screen_printing", "step": step, "quantity": 100, "operator": "li.wei"})
        assert response.status_code == 201, response.text


async def _lot_decided(client, world: World, allocation: dict, decision: str) -> None:  # type: ignore[no-untyped-def]
    """The factory inspects the whole allocation as one lot; a critical defect rejects it."""
    lot = await client.post("/v1/quality/lots", headers=world.partner.headers, json={"allocation_id": allocation["id"], "quantity": allocation["quantity"]})
    assert lot.status_code == 201, lot.text
    defects = [{"defect_class": "crack", "severity": "critical", "count": 1}] if decision == "rejected" else []
    decided = await client.post(f"/v1/quality/lots/{lot.json()['id']}/results", headers=world.partner.headers, json={"defects": defects})
    assert decided.status_code == 200 and decided.json()["decision"] == decision, decided.text


async def test_marketplace_events_become_entries_exactly_once_even_after_a_crash(client, db, world: World) -> None:
    order, allocation = await _confirmed_order(client, world)
    await _report(client, world, allocation)
    # A worker crashes after appending: its transaction rolls back, nothing is kept.
    assert await drain(db, crash_after_handlers=True) == 0
    assert await _types(db) == []
    assert await drain(db) > 0
    types = await _types(db)
    assert types == ["allocation.confirmed", "milestone.production_started", "milestone.produced"]
    # A replayed event (redelivery after commit) appends nothing.
    async with create_session_factory(db)() as session:
        for row in (await session.execute(select(OutboxEvent))).scalars():
            row.processed_at = None
        await session.commit()
    await drain(db)
    assert await _types(db) == types
    report = verify_export(io.StringIO(await _export(db, world.alliance_id)), trust_embedded_keys=True)
    assert report.ok and report.entries == 3, report.failure


async def test_the_real_outbox_worker_appends_and_checkpoints(client, db, world: World, outbox_worker) -> None:
    await _confirmed_order(client, world)
    await outbox_worker.drain()
    assert await _types(db) == ["allocation.confirmed"]
    checkpoint = await client.get("/v1/ledger/checkpoint", headers=world.partner.headers)
    assert checkpoint.status_code == 200 and checkpoint.json()["treeSize"] == 1


async def _export(db, alliance_id) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    async with create_session_factory(db)() as session:
        await service.export_ledger(session, alliance_id, out)
    return out.getvalue()


async def test_lot_acceptance_pays_out_in_invoice_mode_and_shows_on_the_statement(client, db, world: World) -> None:
    order, allocation = await _confirmed_order(client, world)
    await _lot_decided(client, world, allocation, "accepted")
    await drain(db)
    types = await _types(db)
    assert types[-2:] == ["inspection.lot_decision", "payment.released"]
    month = utcnow().strftime("%Y-%m")
    factory = (await client.get(f"/v1/settlement/statements/{month}", headers=world.partner.headers)).json()
    buyer = (await client.get(f"/v1/settlement/statements/{month}", headers=world.brand.headers)).json()
    assert factory["currencies"] == [{"currency": "CNY", "earned_minor": 45_000, "paid_minor": 0, "refunded_minor": 0, "penalties_minor": 0, "escrow_minor": 0}]
    assert buyer["currencies"][0]["paid_minor"] == 45_000 and buyer["currencies"][0]["earned_minor"] == 0
    other = (await client.get(f"/v1/settlement/statements/{month}", headers=world.other_buyer.headers)).json()
    assert other["currencies"] == [] and other["entries"] == []
    bad = await client.get("/v1/settlement/statements/2026-13", headers=world.partner.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/month"


async def test_a_rejected_lot_is_credited_to_the_buyer(client, db, world: World) -> None:
    order, allocation = await _confirmed_order(client, world)
    await _lot_decided(client, world, allocation, "rejected")
    await drain(db)
    async with create_session_factory(db)() as session:
        row = (await session.execute(select(LedgerEntryRow).where(LedgerEntryRow.type == "payment.refunded"))).scalar_one()
    assert json.loads(row.payload_json)["amount_minor"] == 45_000


def test_late_delivery_penalty_in_minor_units() -> None:
    from datetime import UTC, datetime, timedelta

    from settlement.invoice import late_penalty_minor

    due = datetime(2026, 11, 1, tzinfo=UTC)
    assert late_penalty_minor(45_000, due, due) == (0, 0)
    assert late_penalty_minor(45_000, due, due + timedelta(hours=1)) == (1, 450)
    assert late_penalty_minor(45_001, due, due + timedelta(days=2, seconds=1)) == (3, 1350)
    assert late_penalty_minor(45_000, due, due + timedelta(days=40)) == (40, 4_500)


async def test_ledger_routes_serve_verifiable_proofs_per_party(client, db, world: World) -> None:
    order, allocation = await _confirmed_order(client, world)
    await _report(client, world, allocation)
    await drain(db)
    brand, partner = world.brand.headers, world.partner.headers

    checkpoint = (await client.get("/v1/ledger/checkpoint", headers=brand)).json()
    assert checkpoint["treeSize"] == 3
    entries = (await client.get("/v1/ledger/entries", params={"from": 0, "to": 10}, headers=partner)).json()["entries"]
    assert [e["seq"] for e in entries] == [0, 1, 2]

    keyring = Keyring([KeyRecord(VerifierKey.parse(vkey), KeyRole.LOG, str(world.alliance_id), service._EPOCH) for vkey in checkpoint["logKeys"]])
    for entry in entries:
        proof = (await client.get(f"/v1/ledger/entries/{entry['seq']}/proof", headers=partner)).json()
        assert set(proof) >= {"logIndex", "treeSize", "rootHash", "hashes", "checkpoint"}
        verify_inclusion_proof(InclusionProof.from_json(proof), bytes.fromhex(entry["leafHash"]), keyring,
                               origin=checkpoint["origin"], ledger_id=str(world.alliance_id))
    sized = await client.get("/v1/ledger/entries/0/proof", params={"tree_size": 1}, headers=brand)
    assert sized.status_code == 200 and sized.json()["hashes"] == []
    consistency = (await client.get("/v1/ledger/consistency", params={"first": 1, "second": 2}, headers=brand)).json()
    assert consistency["oldSize"] == 1 and consistency["newSize"] == 2 and len(consistency["hashes"]) == 1

    # Bad input: 422 problem+json with the field path.
    for path, params, pointer in (
        ("/v1/ledger/entries/0/proof", {"tree_size": 99}, "/tree_size"),
        ("/v1/ledger/consistency", {"first": 2, "second": 1}, "/first"),
        ("/v1/ledger/consistency", {"first": 0, "second": 99}, "/second"),
        ("/v1/ledger/entries", {"from": 5, "to": 1}, "/to"),
    ):
        response = await client.get(path, params=params, headers=brand)
        assert response.status_code == 422, (path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["pointer"] == pointer
    for path, params in (("/v1/ledger/entries", {"from": -1}), ("/v1/ledger/consistency", {"first": "x"})):
        response = await client.get(path, params=params, headers=brand)
        assert response.status_code in (400, 422) and response.status_code < 500


async def test_ledger_routes_are_tenant_scoped(client, db, world: World) -> None:
    order, allocation = await _confirmed_order(client, world)
    await drain(db)
    # A member of the alliance that is not a party: checkpoint yes, entry and proof no (404).
    other = world.other_buyer.headers
    assert (await client.get("/v1/ledger/checkpoint", headers=other)).status_code == 200
    assert (await client.get("/v1/ledger/entries", headers=other)).json()["entries"] == []
    assert (await client.get("/v1/ledger/entries/0/proof", headers=other)).status_code == 404
    # Another alliance: its own (empty) ledger; our entries do not exist for it.
    outsider = world.outsider.headers
    empty = (await client.get("/v1/ledger/checkpoint", headers=outsider)).json()
    assert (empty["treeSize"], empty["checkpoint"]) == (0, None) and str(world.alliance_id) not in empty["origin"]
    assert (await client.get("/v1/ledger/entries", headers=outsider)).json()["entries"] == []
    assert (await client.get("/v1/ledger/entries/0/proof", headers=outsider)).status_code == 404
    assert (await client.get("/v1/ledger/consistency", params={"first": 0, "second": 1}, headers=outsider)).status_code == 422
    assert (await client.get("/v1/ledger/consistency", params={"first": 0}, headers=outsider)).json()["newSize"] == 0
    month = utcnow().strftime("%Y-%m")
    assert (await client.get(f"/v1/settlement/statements/{month}", headers=outsider)).json()["entries"] == []
    # Anonymous callers get nothing.
    assert (await client.get("/v1/ledger/checkpoint")).status_code == 401
    # Denied writes change nothing: co-signing someone else's entry is 404, no row written.
    key = SigningKey.generate("other-buyer")
    assert (await client.post("/v1/ledger/keys", json={"vkey": key.verifier.vkey}, headers=other)).status_code == 201
    denied = await client.post("/v1/ledger/entries/0/cosignatures", headers=other,
                               json={"signed_at": utcnow().isoformat(), "signature": "— other-buyer AAAA"})
    assert denied.status_code == 404
    outsider_denied = await client.post("/v1/ledger/entries/0/cosignatures", headers=outsider,
                                        json={"signed_at": utcnow().isoformat(), "signature": "— x AAAA"})
    assert outsider_denied.status_code == 404
    from settlement.models import LedgerCosignature

    async with create_session_factory(db)() as session:
        assert await session.scalar(select(func.count()).select_from(LedgerCosignature)) == 0
    assert (await client.get("/v1/ledger/keys", headers=outsider)).json()["keys"] == []


async def test_an_organisation_registers_a_key_and_counter_signs_its_entry(client, db, world: World) -> None:
    await _confirmed_order(client, world)
    await drain(db)
    key = SigningKey.generate("brand")
    # An operator without settlement:write may not register keys: 403, nothing stored.
    denied = await client.post("/v1/ledger/keys", json={"vkey": key.verifier.vkey}, headers=world.partner.headers)
    assert denied.status_code == 403
    assert (await client.get("/v1/ledger/keys", headers=world.partner.headers)).json()["keys"] == []
    registered = await client.post("/v1/ledger/keys", json={"vkey": key.verifier.vkey}, headers=world.brand.headers)
    assert registered.status_code == 201, registered.text
    bad = await client.post("/v1/ledger/keys", json={"vkey": "not-a-key"}, headers=world.brand.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/vkey"

    [entry] = (await client.get("/v1/ledger/entries", headers=world.brand.headers)).json()["entries"]
    from settlement.ledger.cosign import cosign_entry
    from settlement.ledger.entries import LedgerEntry

    checkpoint = (await client.get("/v1/ledger/checkpoint", headers=world.brand.headers)).json()
    signed = cosign_entry(LedgerEntry.from_json(entry), checkpoint["origin"], key, utcnow())
    forged = await client.post("/v1/ledger/entries/0/cosignatures", headers=world.brand.headers,
                               json={"signed_at": signed.signed_at.isoformat(), "signature": SigningKey.generate("brand").sign("x").line()})
    assert forged.status_code == 422
    stored = await client.post("/v1/ledger/entries/0/cosignatures", headers=world.brand.headers,
                               json={"signed_at": signed.signed_at.isoformat(), "signature": signed.signature.line()})
    assert stored.status_code == 201, stored.text
    report = verify_export(io.StringIO(await _export(db, world.alliance_id)), trust_embedded_keys=True)
    assert report.ok and report.cosignatures == 1, report.failure


async def test_graphql_serves_the_same_proofs_per_party(client, db, world: World) -> None:
    await _confirmed_order(client, world)
    await drain(db)
    query = """query { ledgerCheckpoint { treeSize rootHash }
      ledgerEntries(start: 0) { seq leafHash }
      ledgerInclusionProof(seq: 0) { logIndex treeSize rootHash hashes }
      ledgerConsistencyProof(first: 0) { oldSize newSize hashes } }"""
    data = (await client.post("/graphql", json={"query": query}, headers=world.partner.headers)).json()
    assert "errors" not in data, data
    rest = (await client.get("/v1/ledger/entries/0/proof", headers=world.partner.headers)).json()
    assert data["data"]["ledgerInclusionProof"]["rootHash"] == rest["rootHash"] == data["data"]["ledgerCheckpoint"]["rootHash"]
    assert [e["seq"] for e in data["data"]["ledgerEntries"]] == [0]
    # Not a party / another alliance: the entry does not exist for them.
    for member in (world.other_buyer, world.outsider):
        other = (await client.post("/graphql", json={"query": "query { ledgerInclusionProof(seq: 0) { logIndex } }"}, headers=member.headers)).json()
        assert other["errors"][0]["extensions"]["status"] == 404
    denied = (await client.post("/graphql", headers=world.partner.headers,
                                json={"query": 'mutation { ledgerRegisterKey(vkey: "x") { vkey errors { code field } } }'})).json()
    assert denied["data"]["ledgerRegisterKey"]["errors"][0]["code"] == "PERMISSION_DENIED"
    bad = (await client.post("/graphql", headers=world.brand.headers,
                             json={"query": 'mutation { ledgerRegisterKey(vkey: "x") { vkey errors { code field } } }'})).json()
    assert bad["data"]["ledgerRegisterKey"]["errors"][0]["field"] == "/vkey"


async def test_capacity_withdrawal_concerns_the_factory_and_the_affected_buyers(client, db, world: World) -> None:
    offer = await publish(client, world.partner, price=450)
    order = await place(client, world.brand, quantity=100)
    await allocate(client, world.brand, [(order["id"], offer["id"], 100)])
    withdrawn = await client.post(f"/v1/offers/{offer['id']}/withdraw", json={"reason": "machine broke"}, headers=world.partner.headers)
    assert withdrawn.status_code == 200, withdrawn.text
    await drain(db)
    async with create_session_factory(db)() as session:
        row = (await session.execute(select(LedgerEntryRow).where(LedgerEntryRow.type == "capacity.withdrawn"))).scalar_one()
    assert sorted(row.parties) == sorted([str(world.partner.org_id), str(world.brand.org_id)])
    assert json.loads(row.payload_json)["reason"] == "machine broke"
    seen = (await client.get("/v1/ledger/entries", headers=world.brand.headers)).json()["entries"]
    assert [e["type"] for e in seen] == ["capacity.withdrawn"]
    assert (await client.get("/v1/ledger/entries", headers=world.floating.headers)).json()["entries"] == []


async def test_a_late_lot_is_paid_less_the_agreed_penalty(client, db, world: World) -> None:
    from datetime import timedelta

    from marketplace.models import Order

    order, allocation = await _confirmed_order(client, world)
    async with create_session_factory(db)() as session:
        row = await session.get(Order, uuid.UUID(order["id"]))
        row.due_at = utcnow() - timedelta(days=2, hours=1)  # decided 3 started days late
        await session.commit()
    await _lot_decided(client, world, allocation, "accepted")
    await drain(db)
    async with create_session_factory(db)() as session:
        payout = (await session.execute(select(LedgerEntryRow).where(LedgerEntryRow.type == "payment.released"))).scalar_one()
    payload = json.loads(payout.payload_json)
    assert (payload["gross_minor"], payload["days_late"], payload["penalty_minor"], payload["amount_minor"]) == (45_000, 3, 1_350, 43_650)
