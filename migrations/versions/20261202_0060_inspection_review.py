"""inspection images: size, out-of-distribution reason, and the inspector's review of proposed detections

Revision ID: 0060_inspect_review
Revises: 0045
Create Date: 2026-12-02 19:00:00.000000

Detections of a model that was not validated for the lot's product are proposals: they
count only once an inspector confirmed them. Images stored before this revision were
counted as they were inspected (`review` none).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import capool.db

revision = "0060_inspect_review"
down_revision = "0045"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inspection_images", schema=None) as batch_op:
        batch_op.add_column(sa.Column("width", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("height", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ood_reason", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("model_validated", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("review", sa.Enum("none", "proposed", "reviewed", name="inspection_review_state", native_enum=False, length=32),
                                      server_default="none", nullable=False))
        batch_op.add_column(sa.Column("reviewed_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", capool.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_inspection_images_reviewed_by_users"), "users", ["reviewed_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("inspection_images", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_inspection_images_reviewed_by_users"), type_="foreignkey")
        for name in ("reviewed_at", "reviewed_by", "review", "model_validated", "ood_reason", "height", "width"):
            batch_op.drop_column(name)
