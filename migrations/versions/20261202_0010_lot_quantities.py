"""lot quantities: each inspection lot presents a quantity of its allocation, settled once

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-02 06:00:00.000000

Existing lots get their lot size as quantity; allocations get the running totals of their
open or accepted lots and of their accepted lots, capped at their quantity (before this
revision every accepted lot paid the whole allocation, so a larger total cannot be
represented); lots decided before it count as settled, so they are not paid again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import capool.db

revision = '0010'
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('quality_lots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quantity', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('settled_at', capool.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE quality_lots SET quantity = lot_size, settled_at = decided_at")
    with op.batch_alter_table('quality_lots', schema=None) as batch_op:
        batch_op.alter_column('quantity', existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(op.f('ck_quality_lots_quantity_positive'), 'quantity > 0')

    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lot_quantity', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('paid_quantity', sa.Integer(), server_default='0', nullable=False))
    for column, decisions in (('lot_quantity', "decision IS NULL OR decision = 'accepted'"), ('paid_quantity', "decision = 'accepted'")):
        total = f"(SELECT COALESCE(SUM(quality_lots.quantity), 0) FROM quality_lots WHERE quality_lots.allocation_id = allocations.id AND ({decisions}))"
        op.execute(f"UPDATE allocations SET {column} = CASE WHEN {total} > quantity THEN quantity ELSE {total} END")
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_allocations_lots_within_quantity'), 'lot_quantity >= 0 AND lot_quantity <= quantity')
        batch_op.create_check_constraint(op.f('ck_allocations_paid_within_quantity'), 'paid_quantity >= 0 AND paid_quantity <= quantity')


def downgrade() -> None:
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_allocations_paid_within_quantity'), type_='check')
        batch_op.drop_constraint(op.f('ck_allocations_lots_within_quantity'), type_='check')
        batch_op.drop_column('paid_quantity')
        batch_op.drop_column('lot_quantity')
    with op.batch_alter_table('quality_lots', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_quality_lots_quantity_positive'), type_='check')
        batch_op.drop_column('settled_at')
        batch_op.drop_column('quantity')
