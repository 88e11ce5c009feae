"""settlement: escrow in the product

Revision ID: 0070_escrow
Revises: 0061_inspect_registry
Create Date: 2026-12-03 13:20:00.000000

An alliance's settlement mode and token mapping (alliance_settlement; no row: invoice),
the chain addresses organisations register (organisation_chain_accounts), the escrow
transactions intended by outbox consumers and sent by a job (escrow_operations), and the
nonce of each sending account (chain_senders).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import capool.db

revision = "0070_escrow"
down_revision = "0061_inspect_registry"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chain_senders",
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("next_nonce", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", capool.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "address", name=op.f("pk_chain_senders")),
    )
    op.create_table(
        "alliance_settlement",
        sa.Column("alliance_id", sa.Uuid(), nullable=False),
        sa.Column("mode", sa.Enum("invoice", "escrow", name="settlement_mode", native_enum=False, length=32), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("currency_decimals", sa.Integer(), nullable=False),
        sa.Column("token_decimals", sa.Integer(), nullable=False),
        sa.Column("updated_at", capool.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("currency_decimals >= 0 AND currency_decimals <= 6", name=op.f("ck_alliance_settlement_currency_decimals_range")),
        sa.CheckConstraint("token_decimals >= 0 AND token_decimals <= 36", name=op.f("ck_alliance_settlement_token_decimals_range")),
        sa.ForeignKeyConstraint(["alliance_id"], ["alliances.id"], name=op.f("fk_alliance_settlement_alliance_id_alliances")),
        sa.PrimaryKeyConstraint("alliance_id", name=op.f("pk_alliance_settlement")),
    )
    op.create_table(
        "organisation_chain_accounts",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("alliance_id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("registered_by_user_id", sa.Uuid(), nullable=False),
        sa.Column("registered_at", capool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", capool.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["alliance_id"], ["alliances.id"], name=op.f("fk_organisation_chain_accounts_alliance_id_alliances")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_organisation_chain_accounts_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["registered_by_user_id"], ["users.id"], name=op.f("fk_organisation_chain_accounts_registered_by_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_chain_accounts")),
        sa.UniqueConstraint("alliance_id", "address", name=op.f("uq_organisation_chain_accounts_alliance_id_address")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_organisation_chain_accounts_organisation_id")),
    )
    op.create_table(
        "escrow_operations",
        sa.Column("alliance_id", sa.Uuid(), nullable=False),
        sa.Column("allocation_id", sa.Uuid(), nullable=False),
        sa.Column("lot_id", sa.Uuid(), nullable=True),
        sa.Column("buyer_org_id", sa.Uuid(), nullable=False),
        sa.Column("factory_org_id", sa.Uuid(), nullable=False),
        sa.Column("intent_key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.Enum("fund", "release", "refund", "dispute", name="escrow_kind", native_enum=False, length=32), nullable=False),
        sa.Column("status", sa.Enum("pending", "sent", "confirmed", "failed", name="escrow_status", native_enum=False, length=32), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("supplier_minor", sa.BigInteger(), nullable=False),
        sa.Column("buyer_minor", sa.BigInteger(), nullable=False),
        sa.Column("amount_units", sa.String(length=80), nullable=False),
        sa.Column("supplier_units", sa.String(length=80), nullable=False),
        sa.Column("buyer_units", sa.String(length=80), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=True),
        sa.Column("contract", sa.String(length=42), nullable=True),
        sa.Column("sender", sa.String(length=42), nullable=True),
        sa.Column("nonce", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(length=66), nullable=True),
        sa.Column("raw_tx", sa.Text(), nullable=True),
        sa.Column("block_number", sa.BigInteger(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=2000), nullable=True),
        sa.Column("next_attempt_at", capool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", capool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", capool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", capool.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor >= 0 AND supplier_minor >= 0 AND buyer_minor >= 0", name=op.f("ck_escrow_operations_amounts_non_negative")),
        sa.ForeignKeyConstraint(["alliance_id"], ["alliances.id"], name=op.f("fk_escrow_operations_alliance_id_alliances")),
        sa.ForeignKeyConstraint(["allocation_id"], ["allocations.id"], name=op.f("fk_escrow_operations_allocation_id_allocations")),
        sa.ForeignKeyConstraint(["buyer_org_id"], ["organisations.id"], name=op.f("fk_escrow_operations_buyer_org_id_organisations")),
        sa.ForeignKeyConstraint(["factory_org_id"], ["organisations.id"], name=op.f("fk_escrow_operations_factory_org_id_organisations")),
        sa.ForeignKeyConstraint(["lot_id"], ["quality_lots.id"], name=op.f("fk_escrow_operations_lot_id_quality_lots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escrow_operations")),
        sa.UniqueConstraint("chain_id", "sender", "nonce", name="uq_escrow_operations_sender_nonce"),
        sa.UniqueConstraint("intent_key", name=op.f("uq_escrow_operations_intent_key")),
        sa.UniqueConstraint("tx_hash", name=op.f("uq_escrow_operations_tx_hash")),
    )
    with op.batch_alter_table("escrow_operations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escrow_operations_allocation_id"), ["allocation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_escrow_operations_buyer_org_id"), ["buyer_org_id"], unique=False)
        batch_op.create_index("ix_escrow_operations_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_escrow_operations_factory_org_id"), ["factory_org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("escrow_operations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escrow_operations_factory_org_id"))
        batch_op.drop_index("ix_escrow_operations_due")
        batch_op.drop_index(batch_op.f("ix_escrow_operations_buyer_org_id"))
        batch_op.drop_index(batch_op.f("ix_escrow_operations_allocation_id"))

    op.drop_table("escrow_operations")
    op.drop_table("organisation_chain_accounts")
    op.drop_table("alliance_settlement")
    op.drop_table("chain_senders")
