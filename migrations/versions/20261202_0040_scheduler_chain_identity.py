"""one scheduler, chain identity: scheduled_tasks; ledger anchors record the chain's genesis hash

Revision ID: 0040
Revises: 0016
Create Date: 2026-12-02 14:00:00.000000

`scheduled_tasks` holds each periodic task's last run, next due time and lease
(capool/scheduler.py), so that a task runs once per interval across all processes and a
restart runs nothing that is not due.

`ledger_anchors.genesis_hash`: a chain is its id and its genesis hash. An in-process chain
restarted from nothing has the same id and the same registry address, and its anchors
start again at position 0: with the genesis hash in the unique key they are a new series
instead of a conflict. Anchors recorded before this revision have no genesis hash.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import capool.db

revision = '0040'
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'scheduled_tasks',
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('last_run_at', capool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('next_due_at', capool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('lease_owner', sa.String(length=200), nullable=True),
        sa.Column('lease_until', capool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('runs', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=2000), nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduled_tasks')),
    )
    with op.batch_alter_table('ledger_anchors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('genesis_hash', sa.LargeBinary(length=32), nullable=True))
        batch_op.drop_constraint('uq_ledger_anchors_alliance_id_chain_id_contract_position', type_='unique')
        batch_op.create_unique_constraint(
            'uq_ledger_anchors_series_position', ['alliance_id', 'chain_id', 'genesis_hash', 'contract', 'position']
        )


def downgrade() -> None:
    with op.batch_alter_table('ledger_anchors', schema=None) as batch_op:
        batch_op.drop_constraint('uq_ledger_anchors_series_position', type_='unique')
        batch_op.create_unique_constraint(
            'uq_ledger_anchors_alliance_id_chain_id_contract_position', ['alliance_id', 'chain_id', 'contract', 'position']
        )
        batch_op.drop_column('genesis_hash')
    op.drop_table('scheduled_tasks')
