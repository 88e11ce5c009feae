"""Tables of settlement (imported by capool.models, so alembic and tests see them).

One ledger per alliance. `ledger_heads` is the row every append locks (SELECT ... FOR
UPDATE), so appends to one ledger are serialised while other alliances append freely.
`ledger_nodes` keeps every completed subtree hash (level 0 = leaf hashes), so a root or
a proof is one indexed read of O(log n) rows. Private log keys are never stored: they are
derived from the settings' secret (settlement/keys.py); only verifier keys live here.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from capool.db import Base, IdMixin
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
