"""Tables of the Catena-X DCM exchange: the material demands buyers import
(`WeekBasedMaterialDemand`) and their weekly buckets.

A material demand belongs to the buyer that imported it; the factory its `supplier` BPNL
names (through the buyer's code mapping) may read it too, as a DCM supplier receives its
customers' demands. The document is kept as received (GET answers it unchanged); the weekly
buckets are the queryable form that the capacity export (linked demand series) and the
dashboard comparison read. A re-import of the same `materialDemandId` replaces the buckets
and keeps, per bucket, the quantity it replaced: the reference of the demand-volatility check.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from capool.db import Base, IdMixin
from capool.tenancy.policy import TenantScope


class MaterialDemand(IdMixin, Base):
    __tablename__ = "dcm_material_demands"
    __tenancy__ = TenantScope(owner="buyer_org_id", readers=("buyer_org_id", "supplier_org_id"))

    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The factory the `supplier` BPNL maps to in the buyer's code mapping; None when unmapped.
    supplier_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The document's materialDemandId (a urn:uuid: prefix removed).
    material_demand_id: Mapped[uuid.UUID]
    customer_bpnl: Mapped[str] = mapped_column(String(16))
    supplier_bpnl: Mapped[str] = mapped_column(String(16))
    material_number_customer: Mapped[str] = mapped_column(Text)
    material_number_supplier: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    # The capool process that makes the material (code mapping "catenax"/"process"); None when unmapped.
    process: Mapped[str | None] = mapped_column(String(100), index=True)
    unit_of_measure: Mapped[str | None] = mapped_column(String(50))
    inactive: Mapped[bool]
    changed_at: Mapped[datetime]
    document: Mapped[dict[str, Any]]
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (UniqueConstraint("buyer_org_id", "material_demand_id"),)


class MaterialDemandWeek(IdMixin, Base):
    """One weekly bucket of one demand series (customer location x demand category)."""

    __tablename__ = "dcm_demand_weeks"
    __tenancy__ = TenantScope(owner="buyer_org_id", readers=("buyer_org_id", "supplier_org_id"))

    demand_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dcm_material_demands.id", ondelete="CASCADE"), index=True)
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    supplier_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    customer_location: Mapped[str] = mapped_column(String(16))
    demand_category: Mapped[str] = mapped_column(String(4))
    # The Monday of the ISO week.
    week: Mapped[date]
    quantity: Mapped[float]
    # The quantity of this bucket in the version this import replaced; None for a first
    # import or a bucket the replaced version did not have.
    previous_quantity: Mapped[float | None]

    __table_args__ = (
        UniqueConstraint("demand_id", "customer_location", "demand_category", "week", name="uq_dcm_demand_weeks_bucket"),
        Index("ix_dcm_demand_weeks_buyer_week", "buyer_org_id", "week"),
    )
