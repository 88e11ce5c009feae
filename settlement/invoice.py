"""Settlement without a chain (invoice mode) and monthly statements.

A lot decision settles the lot's units of its allocation, once per lot: accepted ->
`payment.released` to the factory for the lot's quantity x the allocation's agreed unit
price, less the late-delivery penalty when the order is delivered (or decided) after its
due date; rejected -> `payment.refunded` (a credit note: the buyer owes nothing for the
lot). The lots of an allocation never hold more than its quantity, and the database keeps
the paid units within it, so an allocation is never paid more than quantity x price. Money is integer minor units with its currency.

The penalty rule is the alliance default below (the allocation model carries no penalty
terms yet): PENALTY_BP_PER_DAY basis points of the gross per started day late, capped at
PENALTY_CAP_BP; integer arithmetic rounded down, so the penalty never exceeds the rate.

Statements are computed from the ledger itself (the payment entries the organisation is a
party to), so a statement is exactly what the verifiable ledger says.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from capool.clock import utcnow
from capool.errors import InvalidInput
from capool.tenancy.actor import Actor, Permission
from capool.tenancy.policy import scoped
from marketplace import repository as marketplace_repository
from marketplace.models import Allocation, Order
from quality import repository as quality_repository
from quality.models import InspectionLot, LotDecision
from settlement import service
from settlement.ledger.entries import EntryType
from settlement.models import LedgerEntryParty, LedgerEntryRow

PENALTY_BP_PER_DAY = 100  # 1% of the lot value per started day late
PENALTY_CAP_BP = 1_000  # at most 10%
DAY_S = 86_400


def late_penalty_minor(gross_minor: int, due_at: datetime, settled_at: datetime) -> tuple[int, int]:
    """(days late, penalty) for a lot worth `gross_minor`."""
    late_s = (settled_at - due_at).total_seconds()
    if late_s <= 0:
        return 0, 0
    days = int(-(-late_s // DAY_S))
    rate_bp = min(days * PENALTY_BP_PER_DAY, PENALTY_CAP_BP)
    return days, gross_minor * rate_bp // 10_000


@dataclass(frozen=True)
class LotPayout:
    """What one decided lot settles: accepted, the factory is paid gross less the penalty;
    rejected, the buyer owes nothing for the lot's gross."""

    lot: InspectionLot
    allocation: Allocation
    accepted: bool
    gross_minor: int
    days_late: int
    penalty_minor: int


async def claim_lot(session: AsyncSession, payload: dict[str, Any]) -> LotPayout | None:
    """Claim one decided lot for settlement and compute its payout, exactly once per lot
    (invoice and escrow mode alike); None when there is nothing (more) to settle.

    The lot's `settled_at` is claimed with a conditional UPDATE first, so a redelivered or
    concurrently handled decision settles nothing twice; an accepted lot's units are then
    counted on the allocation's `paid_quantity`, whose conditional UPDATE and CHECK keep the
    allocation's total pay within quantity x unit price whatever the lots say."""
    lot_id = payload.get("lot_id")
    if not lot_id:
        return None
    lot = await session.get(InspectionLot, uuid.UUID(lot_id))
    if lot is None or lot.decision is None:
        return None
    allocation = await session.get(Allocation, lot.allocation_id)
    if allocation is None or not await quality_repository.mark_settled(session, lot.id):
        return None
    gross = lot.quantity * allocation.unit_price_minor
    if lot.decision != LotDecision.ACCEPTED:
        return LotPayout(lot, allocation, False, gross, 0, 0)
    if not await marketplace_repository.add_paid_quantity(session, allocation.id, lot.quantity):
        # Unreachable while lots are claimed within the allocation; refuse to overpay
        # rather than append a payment the allocation does not owe (the event retries).
        raise RuntimeError(f"lot {lot.id} would pay allocation {allocation.id} beyond its quantity {allocation.quantity}")
    order = await session.get(Order, allocation.order_id)
    settled_at = (order.delivered_at if order and order.delivered_at else None) or utcnow()
    days_late, penalty = late_penalty_minor(gross, order.due_at, settled_at) if order else (0, 0)
    return LotPayout(lot, allocation, True, gross, days_late, penalty)


async def settle_lot(session: AsyncSession, alliance_id: uuid.UUID, payload: dict[str, Any]) -> None:
    """Pay (accepted) or credit (rejected) one decided lot by invoice, exactly once per lot."""
    payout = await claim_lot(session, payload)
    if payout is None:
        return
    lot, allocation, gross = payout.lot, payout.allocation, payout.gross_minor
    common = {
        "mode": "invoice",
        "order_id": str(allocation.order_id),
        "allocation_id": str(allocation.id),
        "lot_id": str(lot.id),
        "payer_org_id": str(allocation.buyer_org_id),
        "payee_org_id": str(allocation.factory_org_id),
        "currency": allocation.currency,
        "quantity": lot.quantity,
        "unit_price_minor": allocation.unit_price_minor,
        "gross_minor": gross,
    }
    parties = [str(allocation.buyer_org_id), str(allocation.factory_org_id)]
    source_key = f"lot:{lot.id}:settlement"
    if payout.accepted:
        await service.append(
            session, alliance_id, EntryType.PAYMENT_RELEASED,
            common | {"days_late": payout.days_late, "penalty_minor": payout.penalty_minor, "amount_minor": gross - payout.penalty_minor},
            parties=parties, source_key=source_key,
        )
    else:
        await service.append(
            session, alliance_id, EntryType.PAYMENT_REFUNDED,
            common | {"amount_minor": gross, "reason": "lot rejected"},
            parties=parties, source_key=source_key,
        )


def _month_bounds(month: str) -> tuple[datetime, datetime]:
    try:
        year, number = (int(part) for part in month.split("-"))
        start = datetime(year, number, 1, tzinfo=UTC)
    except (ValueError, TypeError) as exc:
        raise InvalidInput.at("/month", "a month is YYYY-MM") from exc
    end = datetime(year + (number == 12), number % 12 + 1, 1, tzinfo=UTC)
    return start, end


PAYMENT_TYPES = (EntryType.PAYMENT_FUNDED.value, EntryType.PAYMENT_RELEASED.value, EntryType.PAYMENT_REFUNDED.value)


async def monthly_statement(session: AsyncSession, actor: Actor, month: str) -> dict[str, Any]:
    """What the caller's organisation earned, paid and holds in escrow, per currency, from
    the payment entries of the month it is a party to (escrow: balance at month end)."""
    actor.require(Permission.LEDGER_READ)
    start, end = _month_bounds(month)
    mine = scoped(select(LedgerEntryParty.seq), actor, LedgerEntryParty).where(LedgerEntryParty.alliance_id == actor.alliance_id)
    rows = (
        await session.execute(
            select(LedgerEntryRow)
            .where(
                LedgerEntryRow.alliance_id == actor.alliance_id,
                LedgerEntryRow.type.in_(PAYMENT_TYPES),
                LedgerEntryRow.recorded_at < end,
                LedgerEntryRow.seq.in_(mine),
            )
            .order_by(LedgerEntryRow.seq)
        )
    ).scalars()
    org = str(actor.organisation_id)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: {"earned_minor": 0, "paid_minor": 0, "refunded_minor": 0, "penalties_minor": 0, "escrow_minor": 0})
    lines = []
    for row in rows:
        payload = json.loads(row.payload_json)
        currency = payload.get("currency", "")
        amount = int(payload.get("amount_minor", 0))
        escrowed = payload.get("mode") == "escrow"
        bucket = totals[currency]
        in_month = row.recorded_at >= start
        if row.type == EntryType.PAYMENT_FUNDED.value and payload.get("payer_org_id") == org:
            bucket["escrow_minor"] += amount
        elif row.type == EntryType.PAYMENT_RELEASED.value:
            if escrowed and payload.get("payer_org_id") == org:
                bucket["escrow_minor"] -= amount
            if in_month and payload.get("payee_org_id") == org:
                bucket["earned_minor"] += amount
                bucket["penalties_minor"] += int(payload.get("penalty_minor", 0))
            if in_month and payload.get("payer_org_id") == org:
                bucket["paid_minor"] += amount
        elif row.type == EntryType.PAYMENT_REFUNDED.value:
            if escrowed and payload.get("payer_org_id") == org:
                bucket["escrow_minor"] -= amount
            if in_month and payload.get("payer_org_id") == org:
                bucket["refunded_minor"] += amount
        if in_month:
            lines.append({"seq": row.seq, "type": row.type, "recordedAt": row.recorded_at.isoformat(), "payload": payload})
    return {
        "organisation_id": org,
        "month": month,
        "currencies": [{"currency": currency, **values} for currency, values in sorted(totals.items())],
        "entries": lines,
    }
