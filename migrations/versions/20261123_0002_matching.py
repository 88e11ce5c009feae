"""matching runs and approvals

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import capool.db

revision = '0002'
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('matching_runs',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('requested_by', sa.Uuid(), nullable=False),
    sa.Column('mode', sa.Enum('batch', 'incremental', 'repair', name='match_run_mode', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('queued', 'proposed', 'awaiting_approval', 'applied', 'failed', name='match_run_status', native_enum=False, length=32), nullable=False),
    sa.Column('trigger', sa.String(length=100), nullable=False),
    sa.Column('request', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('plan', sa.JSON(), nullable=False),
    sa.Column('objective', sa.BigInteger(), nullable=True),
    sa.Column('bound', sa.BigInteger(), nullable=True),
    sa.Column('value_minor', sa.BigInteger(), nullable=False),
    sa.Column('moved_share_pct', sa.Integer(), nullable=False),
    sa.Column('needs_approval', sa.Boolean(), nullable=False),
    sa.Column('applied_plan_id', sa.Uuid(), nullable=True),
    sa.Column('applied_at', capool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_matching_runs_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_matching_runs_requested_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_runs'))
    )
    with op.batch_alter_table('matching_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matching_runs_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matching_runs_status'), ['status'], unique=False)

    op.create_table('matching_approvals',
    sa.Column('run_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_matching_approvals_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['run_id'], ['matching_runs.id'], name=op.f('fk_matching_approvals_run_id_matching_runs')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_matching_approvals_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_approvals')),
    sa.UniqueConstraint('run_id', 'user_id', name=op.f('uq_matching_approvals_run_id_user_id'))
    )
    with op.batch_alter_table('matching_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matching_approvals_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matching_approvals_run_id'), ['run_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('matching_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matching_approvals_run_id'))
        batch_op.drop_index(batch_op.f('ix_matching_approvals_organisation_id'))
    op.drop_table('matching_approvals')
    with op.batch_alter_table('matching_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matching_runs_status'))
        batch_op.drop_index(batch_op.f('ix_matching_runs_organisation_id'))
    op.drop_table('matching_runs')
