"""nonconforming units per defect class on lots; delivery attempts on inspection images

Revision ID: 0045
Revises: 0020
Create Date: 2026-12-02 14:00:00.000000

Percent-nonconforming AQLs (up to 10) are judged on nonconforming units, each unit counted
once in its most severe class; the per-class nonconformity counts stay for the AQLs per
hundred units. Lots stored before this revision count a unit per reported nonconformity,
as they were decided. An inspection image counts the job's attempts, so that a job that
keeps failing ends `failed` with its reason instead of staying pending.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0045"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quality_lots", schema=None) as batch_op:
        for name in ("critical_units", "major_units", "minor_units"):
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint("units_non_negative", "critical_units >= 0 AND major_units >= 0 AND minor_units >= 0")
    op.execute("UPDATE quality_lots SET critical_units = critical, major_units = major, minor_units = minor")
    with op.batch_alter_table("inspection_images", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("inspection_images", schema=None) as batch_op:
        batch_op.drop_column("attempts")
    with op.batch_alter_table("quality_lots", schema=None) as batch_op:
        batch_op.drop_constraint("units_non_negative", type_="check")
        for name in ("minor_units", "major_units", "critical_units"):
            batch_op.drop_column(name)
