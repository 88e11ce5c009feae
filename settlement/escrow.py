"""On-chain escrow of an order's milestones, recorded on the ledger.

Each chain transaction is mirrored by a ledger entry (source key = the transaction hash, so
a retried recording never appends twice) with mode "escrow", integer minor units and the
transaction as evidence; release and refund carry the ledger leaf hash that justified
them (lot decision, milestone) as the on-chain evidence hash. Chain value is in wei: the
caller maps minor units to wei 1:1 on a consortium chain (documented limitation: no FX).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from hashlib import sha256

from sqlalchemy.ext.asyncio import AsyncSession

from settlement import service
from settlement.chain import ChainAccount, MilestoneEscrow
from settlement.ledger.entries import EntryType


def order_key(order_id: uuid.UUID) -> bytes:
    return sha256(b"capool-order/" + order_id.bytes).digest()


async def _mirror(
    session: AsyncSession, alliance_id: uuid.UUID, entry_type: EntryType, tx_hash: str, buyer_org: uuid.UUID, factory_org: uuid.UUID,
    payload: dict[str, object], part: str = "",
) -> None:
    """The ledger entry of one chain transaction (or of one part of it), appended once."""
    await service.append(session, alliance_id, entry_type, {"mode": "escrow", **payload, "tx": tx_hash},
                         parties=[buyer_org, factory_org], source_key=f"chain:{tx_hash}{part}")


def _payment(order_id: uuid.UUID, buyer_org: uuid.UUID, factory_org: uuid.UUID, currency: str, milestone: int) -> dict[str, object]:
    return {"order_id": str(order_id), "milestone": milestone, "payer_org_id": str(buyer_org), "payee_org_id": str(factory_org), "currency": currency}


async def fund(
    session: AsyncSession, escrow: MilestoneEscrow, *, alliance_id: uuid.UUID, order_id: uuid.UUID, buyer_org: uuid.UUID,
    factory_org: uuid.UUID, currency: str, milestone_amounts_minor: Sequence[int], buyer: ChainAccount, supplier_address: str,
) -> str:
    tx = escrow.fund_order(order_key(order_id), supplier_address, milestone_amounts_minor, buyer=buyer)
    await _mirror(session, alliance_id, EntryType.PAYMENT_FUNDED, tx.tx_hash, buyer_org, factory_org, {
        "order_id": str(order_id), "payer_org_id": str(buyer_org), "payee_org_id": str(factory_org), "currency": currency,
        "amount_minor": sum(milestone_amounts_minor), "milestones_minor": list(milestone_amounts_minor), "contract": escrow.address})
    return tx.tx_hash


async def release(
    session: AsyncSession, escrow: MilestoneEscrow, *, alliance_id: uuid.UUID, order_id: uuid.UUID, buyer_org: uuid.UUID,
    factory_org: uuid.UUID, currency: str, milestone: int, evidence_leaf: bytes, sender: ChainAccount,
) -> str:
    amount = escrow.milestone(order_key(order_id), milestone).amount
    tx = escrow.release(order_key(order_id), milestone, evidence_leaf, sender=sender)
    await _mirror(session, alliance_id, EntryType.PAYMENT_RELEASED, tx.tx_hash, buyer_org, factory_org,
                  _payment(order_id, buyer_org, factory_org, currency, milestone) | {"amount_minor": amount, "evidence": evidence_leaf.hex()})
    return tx.tx_hash


async def refund(
    session: AsyncSession, escrow: MilestoneEscrow, *, alliance_id: uuid.UUID, order_id: uuid.UUID, buyer_org: uuid.UUID,
    factory_org: uuid.UUID, currency: str, milestone: int, evidence_leaf: bytes, arbiter: ChainAccount,
) -> str:
    amount = escrow.milestone(order_key(order_id), milestone).amount
    tx = escrow.refund(order_key(order_id), milestone, evidence_leaf, arbiter=arbiter)
    await _mirror(session, alliance_id, EntryType.PAYMENT_REFUNDED, tx.tx_hash, buyer_org, factory_org,
                  _payment(order_id, buyer_org, factory_org, currency, milestone) | {"amount_minor": amount, "evidence": evidence_leaf.hex()})
    return tx.tx_hash


async def open_dispute(
    session: AsyncSession, escrow: MilestoneEscrow, *, alliance_id: uuid.UUID, order_id: uuid.UUID, buyer_org: uuid.UUID,
    factory_org: uuid.UUID, milestone: int, reason: str, sender: ChainAccount,
) -> str:
    reason_hash = sha256(reason.encode("utf-8")).digest()
    tx = escrow.open_dispute(order_key(order_id), milestone, reason_hash, sender=sender)
    await _mirror(session, alliance_id, EntryType.DISPUTE_OPENED, tx.tx_hash, buyer_org, factory_org,
                  {"order_id": str(order_id), "milestone": milestone, "reason": reason})
    return tx.tx_hash


async def resolve_dispute(
    session: AsyncSession, escrow: MilestoneEscrow, *, alliance_id: uuid.UUID, order_id: uuid.UUID, buyer_org: uuid.UUID,
    factory_org: uuid.UUID, currency: str, milestone: int, supplier_minor: int, resolution: str, arbiter: ChainAccount,
) -> str:
    amount = escrow.milestone(order_key(order_id), milestone).amount
    tx = escrow.resolve_dispute(order_key(order_id), milestone, supplier_minor, sha256(resolution.encode()).digest(), arbiter=arbiter)
    common = _payment(order_id, buyer_org, factory_org, currency, milestone)
    await _mirror(session, alliance_id, EntryType.DISPUTE_RESOLVED, tx.tx_hash, buyer_org, factory_org,
                  common | {"resolution": resolution, "supplier_minor": supplier_minor, "buyer_minor": amount - supplier_minor})
    if supplier_minor:
        await _mirror(session, alliance_id, EntryType.PAYMENT_RELEASED, tx.tx_hash, buyer_org, factory_org,
                      common | {"amount_minor": supplier_minor}, part=":release")
    if amount - supplier_minor:
        await _mirror(session, alliance_id, EntryType.PAYMENT_REFUNDED, tx.tx_hash, buyer_org, factory_org,
                      common | {"amount_minor": amount - supplier_minor}, part=":refund")
    return tx.tx_hash
