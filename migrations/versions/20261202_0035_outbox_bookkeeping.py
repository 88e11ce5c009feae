"""outbox bookkeeping: per-consumer consumptions, dead letters, purge indexes

Revision ID: 0035
Revises: 0050
Create Date: 2026-12-02 14:00:00.000000

Each outbox consumer's attempts and last error are kept per event in `outbox_consumptions`
(a retried event re-runs only the consumers not done); an event whose consumer keeps failing
is marked `dead_at` (a dead letter). Events processed before this revision have no
consumption rows: they are processed, so nothing re-runs them. The indexes serve the purges
of expired idempotency records and of ended webhook deliveries.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import capool.db

revision = "0035"
down_revision = "0050"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_consumptions",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("consumer", sa.String(length=200), nullable=False),
        sa.Column("done_at", capool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=2000), nullable=True),
        sa.Column("last_attempt_at", capool.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["outbox_events.id"], name=op.f("fk_outbox_consumptions_event_id_outbox_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "consumer", name=op.f("pk_outbox_consumptions")),
    )
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dead_at", capool.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_outbox_events_dead", ["dead_at"], unique=False)
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idempotency_records_expires_at"), ["expires_at"], unique=False)
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_webhook_deliveries_ended", ["status", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_deliveries_ended")
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_records_expires_at"))
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_events_dead")
        batch_op.drop_column("dead_at")
    op.drop_table("outbox_consumptions")
