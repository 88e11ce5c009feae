"""Tables of quality: inspection lots, switching state per supplier x product, SPC points.

Lots belong to the factory that inspects them and are readable by the order's buyer;
switching states belong to the factory (they describe how it is inspected).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Double, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from capool.db import Base, IdMixin
from capool.tenancy.models import str_enum
from capool.tenancy.policy import TenantScope


class InspectionSeverity(enum.StrEnum):
    NORMAL = "normal"
    TIGHTENED = "tightened"
    REDUCED = "reduced"


class LotDecision(enum.StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class InspectionLot(IdMixin, Base):
    __tablename__ = "quality_lots"
    __tenancy__ = TenantScope(owner="factory_org_id", readers=("buyer_org_id", "factory_org_id"))

    allocation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocations.id"), index=True)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), index=True)
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    factory_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    product: Mapped[str] = mapped_column(String(200))
    process: Mapped[str] = mapped_column(String(100), index=True)
    # Units of the allocation this lot presents: what an acceptance pays for. The lots of
    # an allocation never hold more than its quantity (Allocation.lot_quantity).
    quantity: Mapped[int]
    # The AQL lot size the sampling plan is drawn for (the quantity unless given).
    lot_size: Mapped[int]
    level: Mapped[str] = mapped_column(String(8))
    aql_critical: Mapped[float] = mapped_column(Double)
    aql_major: Mapped[float] = mapped_column(Double)
    aql_minor: Mapped[float] = mapped_column(Double)
    severity: Mapped[InspectionSeverity] = mapped_column(str_enum(InspectionSeverity, "inspection_severity"))
    # The lot plan (aql.LotPlan.as_dict()): code letter, sample size, Ac / Re per class.
    plan: Mapped[dict[str, Any]]
    sample_size: Mapped[int]
    # Nonconformities per class (what AQLs per hundred units judge).
    critical: Mapped[int] = mapped_column(default=0)
    major: Mapped[int] = mapped_column(default=0)
    minor: Mapped[int] = mapped_column(default=0)
    # Nonconforming units per class, each unit once, in its most severe class (what AQLs of
    # percent nonconforming judge); together never more than the sample.
    critical_units: Mapped[int] = mapped_column(default=0)
    major_units: Mapped[int] = mapped_column(default=0)
    minor_units: Mapped[int] = mapped_column(default=0)
    # Counts per defect class: {"scratch": {"severity": "major", "count": 2}, ...}.
    defects: Mapped[dict[str, Any]]
    decision: Mapped[LotDecision | None] = mapped_column(str_enum(LotDecision, "lot_decision"))
    decided_at: Mapped[datetime | None]
    reinstate_normal: Mapped[bool] = mapped_column(default=False)
    # When settlement paid (accepted) or credited (rejected) the lot: each lot is settled once.
    settled_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("lot_size >= 2", name="lot_size_min"),
        CheckConstraint("critical >= 0 AND major >= 0 AND minor >= 0", name="counts_non_negative"),
        CheckConstraint("critical_units >= 0 AND major_units >= 0 AND minor_units >= 0", name="units_non_negative"),
        Index("ix_quality_lots_factory_process", "factory_org_id", "process"),
    )

    @property
    def nonconforming(self) -> int:
        """Nonconforming units in the sample (a unit with two defects is one unit)."""
        return self.critical_units + self.major_units + self.minor_units


class SwitchingStateRow(IdMixin, Base):
    __tablename__ = "quality_switching_states"
    __tenancy__ = TenantScope(owner="factory_org_id")

    factory_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    product: Mapped[str] = mapped_column(String(200))
    severity: Mapped[InspectionSeverity] = mapped_column(str_enum(InspectionSeverity, "inspection_severity"))
    discontinued: Mapped[bool] = mapped_column(default=False)
    # aql.SwitchingState.as_dict()
    state: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("factory_org_id", "product"),)


class SpcPoint(IdMixin, Base):
    __tablename__ = "quality_spc_points"
    __tenancy__ = TenantScope(owner="factory_org_id", readers=("buyer_org_id", "factory_org_id"))

    lot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("quality_lots.id"), index=True)
    factory_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    process: Mapped[str] = mapped_column(String(100))
    sample_size: Mapped[int]
    nonconforming: Mapped[int]
    nonconformities: Mapped[int]
    occurred_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("lot_id"),
        Index("ix_quality_spc_points_factory_process", "factory_org_id", "process", "occurred_at"),
    )
