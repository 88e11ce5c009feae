"""Outbox consumers of settlement (registered with capool.events.consumer; imported by capool.wiring).

Every handler appends through `settlement.service.append`, keyed by the outbox event id
(or by a milestone key such as "production_started:<allocation>"), so a redelivered or
replayed event never appends twice. Each handled event also signs a checkpoint of the new
head in the same transaction (one checkpoint per batch).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from capool.events import OutboxEvent, consumer
from capool.jobs import periodic
from marketplace.models import ACTIVE_ALLOCATION, Allocation, Order
from settlement import anchoring, escrow_ops, invoice, service
from settlement.ledger.entries import EntryType

ORDER_MILESTONES = {
    "order.produced": EntryType.PRODUCED,
    "order.delivered": EntryType.DELIVERED,
    "order.disputed": EntryType.DISPUTE_OPENED,
}

SETTLEMENT_EVENTS = {
    "settlement.payment_funded": EntryType.PAYMENT_FUNDED,
    "settlement.payment_released": EntryType.PAYMENT_RELEASED,
    "settlement.payment_refunded": EntryType.PAYMENT_REFUNDED,
    "settlement.dispute_opened": EntryType.DISPUTE_OPENED,
    "settlement.dispute_resolved": EntryType.DISPUTE_RESOLVED,
    "settlement.shipped": EntryType.SHIPPED,
}


def _source(event: OutboxEvent, suffix: str = "") -> str:
    return f"outbox:{event.id}{suffix}"


async def _order_parties(session: Any, order_id: uuid.UUID) -> list[str]:
    order = await session.get(Order, order_id)
    if order is None:
        return []
    from sqlalchemy import select

    # Factories whose allocation was declined or released are no party to the order's later milestones.
    factories = (await session.execute(
        select(Allocation.factory_org_id).where(Allocation.order_id == order_id, Allocation.status.in_(ACTIVE_ALLOCATION))
    )).scalars()
    return [str(order.buyer_org_id), *{str(f) for f in factories}]


@consumer("allocation.accepted")
async def allocation_confirmed(session: Any, event: OutboxEvent) -> None:
    payload = dict(event.payload)
    allocation = await session.get(Allocation, uuid.UUID(payload["allocation_id"]))
    parties = [payload["factory_org_id"]] + ([str(allocation.buyer_org_id)] if allocation else [])
    if allocation is not None:
        payload["due_at"] = None
        order = await session.get(Order, allocation.order_id)
        if order is not None:
            payload["due_at"] = order.due_at.isoformat()
            payload["buyer_org_id"] = str(order.buyer_org_id)
    await service.append(session, event.alliance_id, EntryType.ALLOCATION_CONFIRMED, payload, parties=parties, source_key=_source(event))
    await service.issue_checkpoint(session, event.alliance_id)


@consumer("progress.reported")
async def production_started(session: Any, event: OutboxEvent) -> None:
    """The first progress report of an allocation is its 'production started' milestone."""
    payload = event.payload
    allocation = await session.get(Allocation, uuid.UUID(payload["allocation_id"]))
    if allocation is None:
        return
    await service.append(
        session,
        event.alliance_id,
        EntryType.PRODUCTION_STARTED,
        {"order_id": payload["order_id"], "allocation_id": payload["allocation_id"], "operation": payload.get("operation"),
         "quantity": payload.get("quantity"), "occurred_at": event.occurred_at.isoformat()},
        parties=[str(allocation.buyer_org_id), str(allocation.factory_org_id)],
        source_key=f"production_started:{allocation.id}",
    )
    await service.issue_checkpoint(session, event.alliance_id)


@consumer("order.")
async def order_milestone(session: Any, event: OutboxEvent) -> None:
    entry_type = ORDER_MILESTONES.get(event.type)
    if entry_type is None:
        return
    payload = dict(event.payload)
    parties = await _order_parties(session, uuid.UUID(payload["order_id"]))
    if not parties:
        return
    payload["occurred_at"] = event.occurred_at.isoformat()
    await service.append(session, event.alliance_id, entry_type, payload, parties=parties, source_key=_source(event))
    await service.issue_checkpoint(session, event.alliance_id)


@consumer("capacity.withdrawn")
async def capacity_withdrawn(session: Any, event: OutboxEvent) -> None:
    payload = event.payload
    parties = {str(event.organisation_id)}
    for allocation_id in payload.get("affected_allocations", []):
        allocation = await session.get(Allocation, uuid.UUID(allocation_id))
        if allocation is not None:
            parties.add(str(allocation.buyer_org_id))
    await service.append(session, event.alliance_id, EntryType.CAPACITY_WITHDRAWN, payload, parties=sorted(parties), source_key=_source(event))
    await service.issue_checkpoint(session, event.alliance_id)


@consumer("quality.lot_decided")
async def lot_decided(session: Any, event: OutboxEvent) -> None:
    """The decision on the ledger, then its settlement: by invoice, or, for an allocation
    funded in escrow, an intended release or refund (sent by a job, entered on the ledger
    when the chain confirms it)."""
    payload = event.payload
    parties = [payload["factory_org_id"]] + ([payload["buyer_org_id"]] if payload.get("buyer_org_id") else [])
    decision = await service.append(session, event.alliance_id, EntryType.LOT_DECISION, payload, parties=parties, source_key=_source(event))
    funding = await escrow_ops.funding_of(session, uuid.UUID(payload["allocation_id"])) if payload.get("allocation_id") else None
    if funding is None:
        await invoice.settle_lot(session, event.alliance_id, payload)
    elif (payout := await invoice.claim_lot(session, payload)) is not None:
        await escrow_ops.record_lot(session, event.alliance_id, funding, payout, decision.leaf_hash)
    await service.issue_checkpoint(session, event.alliance_id)


@consumer("allocation.accepted")
async def escrow_funding(session: Any, event: OutboxEvent) -> None:
    """A confirmed allocation of an alliance that settles in escrow: intend its funding."""
    allocation = await session.get(Allocation, uuid.UUID(event.payload["allocation_id"]))
    if allocation is not None:
        await escrow_ops.record_funding(session, event.alliance_id, allocation)


@consumer("order.disputed")
async def escrow_dispute(session: Any, event: OutboxEvent) -> None:
    """A disputed order opens a dispute on each of its escrowed allocations: payouts hold."""
    from sqlalchemy import select

    allocations = (await session.execute(select(Allocation).where(Allocation.order_id == uuid.UUID(event.payload["order_id"])))).scalars()
    for allocation in allocations:
        funding = await escrow_ops.funding_of(session, allocation.id)
        if funding is not None:
            await escrow_ops.record_dispute(session, event.alliance_id, allocation, funding, event.payload.get("reason") or "order disputed")


@consumer("settlement.")
async def settlement_event(session: Any, event: OutboxEvent) -> None:
    entry_type = SETTLEMENT_EVENTS.get(event.type)
    if entry_type is None:
        return
    payload = dict(event.payload)
    parties = payload.pop("parties", None) or [str(event.organisation_id)]
    await service.append(session, event.alliance_id, entry_type, payload, parties=parties, source_key=_source(event))
    await service.issue_checkpoint(session, event.alliance_id)


@periodic(timedelta(minutes=1))
async def retry_escrow_operations(session: AsyncSession) -> None:
    """Re-send the escrow operations a chain outage (or a crash) left pending or sent."""
    await escrow_ops.enqueue_due(session)


@periodic(timedelta(minutes=10))
async def anchor_on_chain(session: AsyncSession) -> None:
    """Anchor each grown ledger's latest checkpoint in the registry contract (a job: the chain may be slow)."""
    anchoring.anchor_checkpoints.send()
