"""inspection: the history of model activations per factory and product

Revision ID: 0061_inspect_registry
Revises: 0060_inspect_review
Create Date: 2026-12-02 19:30:00.000000

Every activation, rollback and deactivation (back to the built-in model) is recorded with
who made it. Activations stored before this revision have no history row; a rollback of
one answers that no earlier activation is recorded.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import capool.db

revision = "0061_inspect_registry"
down_revision = "0060_inspect_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inspection_model_activation_history",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("action", sa.Enum("activated", "rolled_back", "deactivated", name="inspection_activation_action", native_enum=False, length=32), nullable=False),
        sa.Column("model_version_id", sa.Uuid(), nullable=True),
        sa.Column("previous_version_id", sa.Uuid(), nullable=True),
        sa.Column("by_user_id", sa.Uuid(), nullable=False),
        sa.Column("by_org_id", sa.Uuid(), nullable=False),
        sa.Column("at", capool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", capool.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_inspection_model_activation_history_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["model_version_id"], ["inspection_model_versions.id"], name=op.f("fk_inspection_model_activation_history_model_version_id_inspection_model_versions")),
        sa.ForeignKeyConstraint(["previous_version_id"], ["inspection_model_versions.id"], name=op.f("fk_inspection_model_activation_history_previous_version_id_inspection_model_versions")),
        sa.ForeignKeyConstraint(["by_user_id"], ["users.id"], name=op.f("fk_inspection_model_activation_history_by_user_id_users")),
        sa.ForeignKeyConstraint(["by_org_id"], ["organisations.id"], name=op.f("fk_inspection_model_activation_history_by_org_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_model_activation_history")),
    )
    with op.batch_alter_table("inspection_model_activation_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_model_activation_history_organisation_id"), ["organisation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inspection_model_activation_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_model_activation_history_organisation_id"))
    op.drop_table("inspection_model_activation_history")
