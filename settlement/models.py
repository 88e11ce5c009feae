"""Tables of settlement (imported by capool.models, so alembic and tests see them).

One ledger per alliance. `ledger_heads` is the row every append locks (SELECT ... FOR
UPDATE), so appends to one ledger are serialised while other alliances append freely.
`ledger_nodes` keeps every completed subtree hash (level 0 = leaf hashes), so a root or
a proof is one indexed read of O(log n) rows. Private log keys are never stored: they are
derived from the settings' secret (settlement/keys.py); only verifier keys live here.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from capool.db import Base, IdMixin
from capool.tenancy.models import str_enum
from capool.tenancy.policy import TenantScope


class LedgerHead(IdMixin, Base):
    __tablename__ = "ledger_heads"

    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"), unique=True)
    ledger_id: Mapped[str] = mapped_column(String(100), unique=True)
    origin: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    head_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    updated_at: Mapped[datetime]


class LedgerEntryRow(IdMixin, Base):
    __tablename__ = "ledger_entries"

    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(60))
    recorded_at: Mapped[datetime]
    parties: Mapped[list[str]]
    payload_json: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    # The outbox event (or API request) that caused the entry: appended at most once.
    source_key: Mapped[str] = mapped_column(String(120), unique=True)

    __table_args__ = (UniqueConstraint("alliance_id", "seq"),)


class LedgerEntryParty(IdMixin, Base):
    """Which organisations an entry concerns: what a member may read of the ledger."""

    __tablename__ = "ledger_entry_parties"
    __tenancy__ = TenantScope(owner="organisation_id")

    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))

    __table_args__ = (
        UniqueConstraint("alliance_id", "seq", "organisation_id"),
        Index("ix_ledger_entry_parties_org_seq", "organisation_id", "alliance_id", "seq"),
    )


class LedgerNode(Base):
    __tablename__ = "ledger_nodes"

    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LedgerCheckpointRow(IdMixin, Base):
    __tablename__ = "ledger_checkpoints"

    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"))
    tree_size: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("alliance_id", "tree_size"),)


class LedgerLogKey(IdMixin, Base):
    """The public half of a ledger's log key generation; the private half is derived."""

    __tablename__ = "ledger_log_keys"

    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"), index=True)
    generation: Mapped[int]
    vkey: Mapped[str] = mapped_column(String(300), unique=True)
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("alliance_id", "generation"),)


class OrganisationKey(IdMixin, Base):
    __tablename__ = "organisation_keys"
    __tenancy__ = TenantScope(owner="organisation_id")

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"))
    vkey: Mapped[str] = mapped_column(String(300), unique=True)
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]


class LedgerCosignature(IdMixin, Base):
    __tablename__ = "ledger_cosignatures"
    __tenancy__ = TenantScope(owner="organisation_id")

    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    signed_at: Mapped[datetime]
    signature: Mapped[str] = mapped_column(String(300))

    __table_args__ = (UniqueConstraint("alliance_id", "seq", "organisation_id"),)


class LedgerAnchorRow(IdMixin, Base):
    """An anchor as recorded from the chain. A chain is its id and its genesis hash: a chain
    restarted from nothing (the in-process one after a restart) has the same id and the
    same contract addresses, and its anchors start again at position 0, as a new series."""

    __tablename__ = "ledger_anchors"

    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"))
    chain_id: Mapped[int] = mapped_column(BigInteger)
    # None for anchors recorded before the genesis hash was.
    genesis_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    contract: Mapped[str] = mapped_column(String(42))
    position: Mapped[int]
    tree_size: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    checkpoint_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66))

    __table_args__ = (UniqueConstraint("alliance_id", "chain_id", "genesis_hash", "contract", "position", name="uq_ledger_anchors_series_position"),)


class SettlementMode(enum.StrEnum):
    INVOICE = "invoice"
    ESCROW = "escrow"


class AllianceSettlement(Base):
    """How an alliance settles: by invoice (the default, also without this row) or in the
    escrow contract, and how its currency's minor units map to the chain's token units:
    one currency unit is one token, so `amount_minor` x 10^(token_decimals -
    currency_decimals) token units (settlement/escrow_ops.py `to_token_units`)."""

    __tablename__ = "alliance_settlement"

    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"), primary_key=True)
    mode: Mapped[SettlementMode] = mapped_column(str_enum(SettlementMode, "settlement_mode"))
    # The one currency settled in escrow; allocations in another currency settle by invoice.
    currency: Mapped[str] = mapped_column(String(3))
    currency_decimals: Mapped[int] = mapped_column(Integer)
    token_decimals: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]

    __table_args__ = (
        CheckConstraint("currency_decimals >= 0 AND currency_decimals <= 6", name="currency_decimals_range"),
        CheckConstraint("token_decimals >= 0 AND token_decimals <= 36", name="token_decimals_range"),
    )


class OrganisationChainAccount(IdMixin, Base):
    """The chain address an organisation receives escrow payouts (a factory) or refunds
    (a buyer) at; one per organisation, registered by its org admin. The platform never
    holds its key."""

    __tablename__ = "organisation_chain_accounts"
    __tenancy__ = TenantScope(owner="organisation_id")

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), unique=True)
    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"))
    address: Mapped[str] = mapped_column(String(42))
    registered_by_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("alliance_id", "address"),)


class ChainSender(Base):
    """The next nonce of a sending account on a chain, reserved by a conditional UPDATE
    (settlement/escrow_ops.py `reserve_nonce`): two workers never sign with one nonce."""

    __tablename__ = "chain_senders"

    chain_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    address: Mapped[str] = mapped_column(String(42), primary_key=True)
    next_nonce: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime]


class EscrowKind(enum.StrEnum):
    FUND = "fund"
    RELEASE = "release"
    REFUND = "refund"
    DISPUTE = "dispute"


class EscrowStatus(enum.StrEnum):
    PENDING = "pending"  # recorded, not signed yet (no nonce)
    SENT = "sent"  # signed with a reserved nonce, tx hash and raw transaction stored; maybe broadcast
    CONFIRMED = "confirmed"  # the receipt succeeded; the ledger entry is written
    FAILED = "failed"  # refused (reverted, unmappable amount, an earlier operation failed)


class EscrowOperation(IdMixin, Base):
    """An intended escrow transaction of an allocation (or of one of its lots), recorded by an
    outbox consumer inside its transaction; the chain is called later, by a job, outside any
    transaction. Amounts in minor units of `currency` and in token units (decimal strings:
    token units exceed 64 bits); `supplier_*` is paid to the factory, `buyer_*` to the buyer."""

    __tablename__ = "escrow_operations"
    __tenancy__ = TenantScope(owner="buyer_org_id", readers=("buyer_org_id", "factory_org_id"))

    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"))
    allocation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocations.id"), index=True)
    lot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("quality_lots.id"))
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    factory_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    # One intent per fact: "fund:<allocation>", "release:<lot>", "refund:<lot>", "dispute:<allocation>".
    intent_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[EscrowKind] = mapped_column(str_enum(EscrowKind, "escrow_kind"))
    status: Mapped[EscrowStatus] = mapped_column(str_enum(EscrowStatus, "escrow_status"))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    supplier_minor: Mapped[int] = mapped_column(BigInteger)
    buyer_minor: Mapped[int] = mapped_column(BigInteger)
    amount_units: Mapped[str] = mapped_column(String(80))
    supplier_units: Mapped[str] = mapped_column(String(80))
    buyer_units: Mapped[str] = mapped_column(String(80))
    # What the ledger entry written at confirmation says beyond the amounts (quantity, penalty, ...).
    details: Mapped[dict[str, Any]]
    chain_id: Mapped[int | None] = mapped_column(BigInteger)
    contract: Mapped[str | None] = mapped_column(String(42))
    sender: Mapped[str | None] = mapped_column(String(42))
    nonce: Mapped[int | None] = mapped_column(BigInteger)
    tx_hash: Mapped[str | None] = mapped_column(String(66), unique=True)
    raw_tx: Mapped[str | None] = mapped_column(Text)
    block_number: Mapped[int | None] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(2000))
    next_attempt_at: Mapped[datetime]
    # A worker that took the operation holds it until then (a crashed one's claim expires).
    claimed_until: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_escrow_operations_due", "status", "next_attempt_at"),
        UniqueConstraint("chain_id", "sender", "nonce", name="uq_escrow_operations_sender_nonce"),
        CheckConstraint("amount_minor >= 0 AND supplier_minor >= 0 AND buyer_minor >= 0", name="amounts_non_negative"),
    )
