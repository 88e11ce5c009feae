"""approvals bind: a run's plan digest, the digest each approval signed, who may approve

Revision ID: 0016
Revises: 0010
Create Date: 2026-12-02 07:00:00.000000

A run (and a manual plan awaiting approval) stores the digest of the plan it proposes: the
items with the unit prices and offer terms they were computed from. An approval stores the
digest it signed, so an approval of an older plan does not count. Runs stored before this
revision have no digest; approvals stored before it count for nothing (they signed an
unbound plan). Alliances decide whether their admins approve members' runs (on by default,
as before, when admins held matching:approve but could not reach a member's run).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('alliances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('admins_approve_runs', sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table('matching_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_digest', sa.String(length=64), nullable=True))
    with op.batch_alter_table('matching_approvals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_digest', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('matching_approvals', schema=None) as batch_op:
        batch_op.drop_column('plan_digest')
    with op.batch_alter_table('matching_runs', schema=None) as batch_op:
        batch_op.drop_column('plan_digest')
    with op.batch_alter_table('alliances', schema=None) as batch_op:
        batch_op.drop_column('admins_approve_runs')
