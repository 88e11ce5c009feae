"""quality: inspection lots, switching states, SPC points

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-23 12:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import capool.db

revision = '0004'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('quality_lots',
    sa.Column('allocation_id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('buyer_org_id', sa.Uuid(), nullable=False),
    sa.Column('factory_org_id', sa.Uuid(), nullable=False),
    sa.Column('product', sa.String(length=200), nullable=False),
    sa.Column('process', sa.String(length=100), nullable=False),
    sa.Column('lot_size', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('aql_critical', sa.Double(), nullable=False),
    sa.Column('aql_major', sa.Double(), nullable=False),
    sa.Column('aql_minor', sa.Double(), nullable=False),
    sa.Column('severity', sa.Enum('normal', 'tightened', 'reduced', name='inspection_severity', native_enum=False, length=32), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=False),
    sa.Column('sample_size', sa.Integer(), nullable=False),
    sa.Column('critical', sa.Integer(), nullable=False),
    sa.Column('major', sa.Integer(), nullable=False),
    sa.Column('minor', sa.Integer(), nullable=False),
    sa.Column('defects', sa.JSON(), nullable=False),
    sa.Column('decision', sa.Enum('accepted', 'rejected', name='lot_decision', native_enum=False, length=32), nullable=True),
    sa.Column('decided_at', capool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reinstate_normal', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('critical >= 0 AND major >= 0 AND minor >= 0', name=op.f('ck_quality_lots_counts_non_negative')),
    sa.CheckConstraint('lot_size >= 2', name=op.f('ck_quality_lots_lot_size_min')),
    sa.ForeignKeyConstraint(['allocation_id'], ['allocations.id'], name=op.f('fk_quality_lots_allocation_id_allocations')),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisations.id'], name=op.f('fk_quality_lots_buyer_org_id_organisations')),
    sa.ForeignKeyConstraint(['factory_org_id'], ['organisations.id'], name=op.f('fk_quality_lots_factory_org_id_organisations')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_quality_lots_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_lots'))
    )
    with op.batch_alter_table('quality_lots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_lots_allocation_id'), ['allocation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_lots_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_lots_factory_org_id'), ['factory_org_id'], unique=False)
        batch_op.create_index('ix_quality_lots_factory_process', ['factory_org_id', 'process'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_lots_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_lots_process'), ['process'], unique=False)

    op.create_table('quality_switching_states',
    sa.Column('factory_org_id', sa.Uuid(), nullable=False),
    sa.Column('product', sa.String(length=200), nullable=False),
    sa.Column('severity', sa.Enum('normal', 'tightened', 'reduced', name='inspection_severity', native_enum=False, length=32), nullable=False),
    sa.Column('discontinued', sa.Boolean(), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('updated_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['factory_org_id'], ['organisations.id'], name=op.f('fk_quality_switching_states_factory_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_switching_states')),
    sa.UniqueConstraint('factory_org_id', 'product', name=op.f('uq_quality_switching_states_factory_org_id_product'))
    )
    with op.batch_alter_table('quality_switching_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_switching_states_factory_org_id'), ['factory_org_id'], unique=False)

    op.create_table('quality_spc_points',
    sa.Column('lot_id', sa.Uuid(), nullable=False),
    sa.Column('factory_org_id', sa.Uuid(), nullable=False),
    sa.Column('buyer_org_id', sa.Uuid(), nullable=False),
    sa.Column('process', sa.String(length=100), nullable=False),
    sa.Column('sample_size', sa.Integer(), nullable=False),
    sa.Column('nonconforming', sa.Integer(), nullable=False),
    sa.Column('nonconformities', sa.Integer(), nullable=False),
    sa.Column('occurred_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisations.id'], name=op.f('fk_quality_spc_points_buyer_org_id_organisations')),
    sa.ForeignKeyConstraint(['factory_org_id'], ['organisations.id'], name=op.f('fk_quality_spc_points_factory_org_id_organisations')),
    sa.ForeignKeyConstraint(['lot_id'], ['quality_lots.id'], name=op.f('fk_quality_spc_points_lot_id_quality_lots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_spc_points')),
    sa.UniqueConstraint('lot_id', name=op.f('uq_quality_spc_points_lot_id'))
    )
    with op.batch_alter_table('quality_spc_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_spc_points_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index('ix_quality_spc_points_factory_process', ['factory_org_id', 'process', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_spc_points_factory_org_id'), ['factory_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_spc_points_lot_id'), ['lot_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('quality_spc_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_spc_points_lot_id'))
        batch_op.drop_index(batch_op.f('ix_quality_spc_points_factory_org_id'))
        batch_op.drop_index('ix_quality_spc_points_factory_process')
        batch_op.drop_index(batch_op.f('ix_quality_spc_points_buyer_org_id'))

    op.drop_table('quality_spc_points')
    with op.batch_alter_table('quality_switching_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_switching_states_factory_org_id'))

    op.drop_table('quality_switching_states')
    with op.batch_alter_table('quality_lots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_lots_process'))
        batch_op.drop_index(batch_op.f('ix_quality_lots_order_id'))
        batch_op.drop_index('ix_quality_lots_factory_process')
        batch_op.drop_index(batch_op.f('ix_quality_lots_factory_org_id'))
        batch_op.drop_index(batch_op.f('ix_quality_lots_buyer_org_id'))
        batch_op.drop_index(batch_op.f('ix_quality_lots_allocation_id'))

    op.drop_table('quality_lots')
