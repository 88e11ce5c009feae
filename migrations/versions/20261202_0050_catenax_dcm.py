"""catena-x dcm: imported material demands and their weekly buckets

Revision ID: 0050
Revises: 0040
Create Date: 2026-12-02 14:00:00.000000

Buyers import WeekBasedMaterialDemand documents (marketplace/integrations/catenax): one row
per material demand, the document kept as received, and one row per weekly bucket with the
quantity it replaced (the reference of the demand-volatility check).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import capool.db

revision = "0050"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dcm_material_demands",
        sa.Column("buyer_org_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_org_id", sa.Uuid(), nullable=True),
        sa.Column("material_demand_id", sa.Uuid(), nullable=False),
        sa.Column("customer_bpnl", sa.String(length=16), nullable=False),
        sa.Column("supplier_bpnl", sa.String(length=16), nullable=False),
        sa.Column("material_number_customer", sa.Text(), nullable=False),
        sa.Column("material_number_supplier", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("process", sa.String(length=100), nullable=True),
        sa.Column("unit_of_measure", sa.String(length=50), nullable=True),
        sa.Column("inactive", sa.Boolean(), nullable=False),
        sa.Column("changed_at", capool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", capool.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["buyer_org_id"], ["organisations.id"], name=op.f("fk_dcm_material_demands_buyer_org_id_organisations")),
        sa.ForeignKeyConstraint(["supplier_org_id"], ["organisations.id"], name=op.f("fk_dcm_material_demands_supplier_org_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dcm_material_demands")),
        sa.UniqueConstraint("buyer_org_id", "material_demand_id", name=op.f("uq_dcm_material_demands_buyer_org_id_material_demand_id")),
    )
    with op.batch_alter_table("dcm_material_demands", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dcm_material_demands_buyer_org_id"), ["buyer_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dcm_material_demands_supplier_org_id"), ["supplier_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dcm_material_demands_process"), ["process"], unique=False)

    op.create_table(
        "dcm_demand_weeks",
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("buyer_org_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_org_id", sa.Uuid(), nullable=True),
        sa.Column("customer_location", sa.String(length=16), nullable=False),
        sa.Column("demand_category", sa.String(length=4), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Double(), nullable=False),
        sa.Column("previous_quantity", sa.Double(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", capool.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["buyer_org_id"], ["organisations.id"], name=op.f("fk_dcm_demand_weeks_buyer_org_id_organisations")),
        sa.ForeignKeyConstraint(["demand_id"], ["dcm_material_demands.id"], name=op.f("fk_dcm_demand_weeks_demand_id_dcm_material_demands"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supplier_org_id"], ["organisations.id"], name=op.f("fk_dcm_demand_weeks_supplier_org_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dcm_demand_weeks")),
        sa.UniqueConstraint("demand_id", "customer_location", "demand_category", "week", name="uq_dcm_demand_weeks_bucket"),
    )
    with op.batch_alter_table("dcm_demand_weeks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dcm_demand_weeks_demand_id"), ["demand_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dcm_demand_weeks_buyer_org_id"), ["buyer_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dcm_demand_weeks_supplier_org_id"), ["supplier_org_id"], unique=False)
        batch_op.create_index("ix_dcm_demand_weeks_buyer_week", ["buyer_org_id", "week"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dcm_demand_weeks", schema=None) as batch_op:
        batch_op.drop_index("ix_dcm_demand_weeks_buyer_week")
        batch_op.drop_index(batch_op.f("ix_dcm_demand_weeks_supplier_org_id"))
        batch_op.drop_index(batch_op.f("ix_dcm_demand_weeks_buyer_org_id"))
        batch_op.drop_index(batch_op.f("ix_dcm_demand_weeks_demand_id"))
    op.drop_table("dcm_demand_weeks")
    with op.batch_alter_table("dcm_material_demands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dcm_material_demands_process"))
        batch_op.drop_index(batch_op.f("ix_dcm_material_demands_supplier_org_id"))
        batch_op.drop_index(batch_op.f("ix_dcm_material_demands_buyer_org_id"))
    op.drop_table("dcm_material_demands")
