"""After `capool demo` the ledger is filled, verifies and tells every order's story in causal
order; status histories and progress are dated cause before effect; events delivered out of
order are still appended to the ledger in their causal order."""

from __future__ import annotations

import io
import json
import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select

from capool import jobs
from capool.clock import utcnow
from capool.db import create_session_factory
from capool.demo import actor_for, load_demo
from capool.events import OutboxEvent
from capool.tenancy.models import Alliance, Organisation, User
from marketplace import allocations
from marketplace.models import Allocation, AllocationStatus, Order, OrderStatus, OrderStatusChange, ProgressReport, ProgressStep
from marketplace.schemas import ProgressIn
from quality.models import InspectionLot
from settlement import invoice, service
from settlement.export import verify_export
from settlement.ledger.entries import EntryType
from settlement.models import LedgerEntryRow

# The milestones of one allocation, in the only order cause and effect allow.
CAUSAL = [EntryType.ALLOCATION_CONFIRMED.value, EntryType.PRODUCTION_STARTED.value, EntryType.PRODUCED.value, EntryType.DELIVERED.value]
STATUS_ORDER = [OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.ALLOCATED, OrderStatus.CONFIRMED, OrderStatus.IN_PRODUCTION,
                OrderStatus.INSPECTED, OrderStatus.DELIVERED]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)  # SQLite hands back naive UTC


async def _ledger(session, alliance_id: uuid.UUID) -> list[tuple[int, str, dict]]:
    rows = (await session.execute(select(LedgerEntryRow).where(LedgerEntryRow.alliance_id == alliance_id).order_by(LedgerEntryRow.seq))).scalars()
    return [(row.seq, row.type, json.loads(row.payload_json)) for row in rows]


async def test_the_demo_commits_a_causal_verifiable_ledger_with_lots_payments_and_a_statement(db, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the demo writes var/demo-keys.json
    heard: list[tuple[str, int, int | None]] = []
    async with create_session_factory(db)() as session:
        summary = await load_demo(session, orders=60, seed=5, progress=lambda phase, done, total=None: heard.append((phase, done, total)))
        await session.commit()
    # The progress comes from the loading loop itself: every order, in order, then the ledger.
    assert heard[:2] == [("members, sites and capacity offers", 0, 1), ("members, sites and capacity offers", 1, 1)]
    orders = [done for phase, done, _ in heard if phase.startswith("orders")]
    assert orders == list(range(61))
    assert heard[-1] == ("working off the outbox into the ledger", 1, 1)

    async with create_session_factory(db)() as session:
        alliance = (await session.execute(select(Alliance))).scalar_one()
        assert await session.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None))) == 0
        ledger = await _ledger(session, alliance.id)
        assert len(ledger) == summary["ledger"]["entries"] > 0

        out = io.StringIO()
        await service.export_ledger(session, alliance.id, out)
        report = verify_export(io.StringIO(out.getvalue()), trust_embedded_keys=True)
        assert report.ok, report

        # Every allocation's milestones: each one present only after its cause, in causal order.
        allocation_list = list((await session.execute(select(Allocation))).scalars())
        order_of = {a.id: a.order_id for a in allocation_list}
        milestones: dict[uuid.UUID, list[str]] = defaultdict(list)
        for _seq, entry_type, payload in ledger:
            if entry_type in (EntryType.ALLOCATION_CONFIRMED.value, EntryType.PRODUCTION_STARTED.value):
                milestones[uuid.UUID(payload["allocation_id"])].append(entry_type)
            elif entry_type in (EntryType.PRODUCED.value, EntryType.DELIVERED.value):
                for allocation_id, order_id in order_of.items():
                    if str(order_id) == payload["order_id"]:
                        milestones[allocation_id].append(entry_type)
        delivered = 0
        for allocation in allocation_list:
            seen = milestones[allocation.id]
            assert seen == CAUSAL[: len(seen)], (allocation.id, seen)
            delivered += seen == CAUSAL
        assert delivered > 0

        # Status histories: written in causal order with non-decreasing dates, from the order's creation.
        orders = {o.id: o for o in (await session.execute(select(Order))).scalars()}
        history: dict[uuid.UUID, list[OrderStatusChange]] = defaultdict(list)
        for change in (await session.execute(select(OrderStatusChange).order_by(OrderStatusChange.id))).scalars():
            history[change.order_id].append(change)
        for order_id, changes in history.items():
            statuses = [c.to_status for c in changes]
            assert statuses == STATUS_ORDER[: len(statuses)], (orders[order_id].reference, statuses)
            dates = [_aware(c.occurred_at) for c in changes]
            assert dates == sorted(dates) and dates[0] == _aware(orders[order_id].created_at), orders[order_id].reference
            assert dates[-1] <= utcnow()

        # Production starts after the confirmation; the lot is decided after the last report.
        reports: dict[uuid.UUID, list[datetime]] = defaultdict(list)
        for report_row in (await session.execute(select(ProgressReport).order_by(ProgressReport.id))).scalars():
            reports[report_row.allocation_id].append(_aware(report_row.occurred_at))
        lots = {lot.allocation_id: lot for lot in (await session.execute(select(InspectionLot))).scalars()}
        for allocation in allocation_list:
            if reports[allocation.id]:
                assert reports[allocation.id] == sorted(reports[allocation.id])
                assert _aware(allocation.responded_at) < reports[allocation.id][0]
            if allocation.id in lots:
                assert reports[allocation.id][-1] < _aware(lots[allocation.id].decided_at)

        assert any(lot.decision is not None for lot in lots.values())
        payments = [payload for _seq, entry_type, payload in ledger if entry_type == EntryType.PAYMENT_RELEASED.value]
        assert payments and all(p["gross_minor"] == p["quantity"] * p["unit_price_minor"] for p in payments)

        buyer_user = (await session.execute(select(User).where(User.email == "buyer@inkwell.example"))).scalar_one()
        buyer_org = await session.get(Organisation, buyer_user.organisation_id)
        statement = await invoice.monthly_statement(session, actor_for(buyer_user, buyer_org, alliance), f"{utcnow():%Y-%m}")
        paid = sum(p["amount_minor"] for p in payments if p["payer_org_id"] == str(buyer_org.id))
        assert statement["currencies"] == summary["ledger"]["statement"]["currencies"]
        assert [c["paid_minor"] for c in statement["currencies"]] == [paid] and paid > 0


async def test_events_delivered_out_of_order_reach_the_ledger_in_causal_order(db, tmp_path, monkeypatch) -> None:
    """A worker that picks up the progress report before the confirmation (two threads, a retry)
    still appends 'allocation confirmed' before 'production started'."""
    monkeypatch.chdir(tmp_path)
    async with create_session_factory(db)() as session:
        summary = await load_demo(session, orders=60, seed=5)  # the last order, 36 h old, is allocated
        await session.commit()
    assert summary["orders"]["allocated"] >= 1

    async with create_session_factory(db)() as session:
        proposed = (await session.execute(
            select(Allocation).where(Allocation.status == AllocationStatus.PROPOSED).order_by(Allocation.id).limit(1)
        )).scalar_one()
        alliance = (await session.execute(select(Alliance))).scalar_one()
        factory = await session.get(Organisation, proposed.factory_org_id)
        operator = (await session.execute(select(User).where(User.organisation_id == factory.id))).scalar_one()
        supplier = actor_for(operator, factory, alliance)
        order = await session.get(Order, proposed.order_id)
        await allocations.respond(session, supplier, proposed.id, accept=True)
        await allocations.report_progress(session, supplier, proposed.id, ProgressIn(
            operation=order.operations[0], step=ProgressStep.SCAN, quantity=order.quantity, operator="operator-1"))
        await session.commit()
        before = len(await _ledger(session, alliance.id))

    async with create_session_factory(db)() as session:
        pending = list((await session.execute(
            select(OutboxEvent).where(OutboxEvent.processed_at.is_(None)).order_by(OutboxEvent.id)
        )).scalars())
        assert [event.type for event in pending] == ["allocation.accepted", "order.confirmed", "progress.reported", "order.in_production"]
        await jobs.process_event(session, pending[2])  # the progress report first
        await session.commit()

    async with create_session_factory(db)() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None))) == 1  # in_production: later
        added = (await _ledger(session, alliance.id))[before:]
        assert [(entry_type, payload["allocation_id"]) for _seq, entry_type, payload in added] == [
            (EntryType.ALLOCATION_CONFIRMED.value, str(proposed.id)), (EntryType.PRODUCTION_STARTED.value, str(proposed.id))]
