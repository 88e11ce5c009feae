"""Marketplace tables: the alliance's process catalogue, sites, resources, capacity offers,
partnerships, orders, allocations and shop-floor progress.

Every tenant row carries a non-null, indexed organisation id; who may read which row is
decided by capool/tenancy/policy.py from the `__tenancy__` declared here; the rules by which
other members also read offers and orders are the marketplace's own, below.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    and_,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from capool.db import Base, IdMixin
from capool.tenancy.actor import Actor
from capool.tenancy.models import str_enum
from capool.tenancy.policy import TenantScope, alliance_orgs, own_clause, read_clause


class ResourceKind(enum.StrEnum):
    MACHINE = "machine"
    WORK_CENTRE = "work_centre"
    CREW = "crew"


class CapacityUnit(enum.StrEnum):
    PIECE = "piece"
    HOUR = "hour"


class Visibility(enum.StrEnum):
    PRIVATE = "private"
    PARTNERS = "partners"
    ALLIANCE = "alliance"


class OfferStatus(enum.StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class Urgency(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class CostSensitivity(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class OrderStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    MATCHING = "matching"
    ALLOCATED = "allocated"
    CONFIRMED = "confirmed"
    IN_PRODUCTION = "in_production"
    INSPECTED = "inspected"
    DELIVERED = "delivered"
    SETTLED = "settled"
    CANCELLED = "cancelled"
    DISPUTED = "disputed"


class Tier(enum.StrEnum):
    CORE = "core"
    PARTNER = "partner"
    FLOATING = "floating"


class AllocationStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


# Allocations that hold capacity and give their factory access to the order. An accepted
# allocation stays accepted once produced and delivered, so its factory keeps reading the
# order it worked on; declined and cancelled (released) ones end that access.
ACTIVE_ALLOCATION = (AllocationStatus.PROPOSED, AllocationStatus.ACCEPTED)


class ProgressStep(enum.StrEnum):
    SCAN = "scan"
    DONE = "done"
    CONFIRM = "confirm"


ALL_WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)


class ProcessCode(IdMixin, Base):
    """One process of an alliance's catalogue: the codes orders, offers, resources and code
    mappings may name (marketplace.catalogue). Alliance admins add and retire them; a retired
    code stays on the rows that already use it but no new one may name it.

    The catalogue belongs to the alliance, not to one member: every member reads it, its
    repository functions filter by the actor's alliance, and only that alliance's admins
    change it (as settlement's alliance-wide rows, it declares no organisation scope)."""

    __tablename__ = "process_codes"

    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"), index=True)
    code: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh_cn: Mapped[str] = mapped_column(String(200))
    retired_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("alliance_id", "code"),)


class Site(IdMixin, Base):
    __tablename__ = "sites"
    __tenancy__ = TenantScope(owner="organisation_id")

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (UniqueConstraint("organisation_id", "name"),)


class Resource(IdMixin, Base):
    __tablename__ = "resources"
    __tenancy__ = TenantScope(owner="organisation_id")

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ResourceKind] = mapped_column(str_enum(ResourceKind, "resource_kind"))
    processes: Mapped[list[str]]
    materials: Mapped[list[str]]
    certifications: Mapped[list[str]]
    # Crew skill matrix: {"operator name or skill": level 1-5}.
    skills: Mapped[dict[str, Any]]
    # Grams of CO2e per produced unit, for "green capacity first".
    carbon_g_per_unit: Mapped[int] = mapped_column(default=0)
    # The resource's calendar: ISO weekdays (1 = Monday ... 7 = Sunday) it works on. Its
    # offers sell capacity on those days of their window only.
    working_weekdays: Mapped[list[int]] = mapped_column(JSON, default=lambda: list(ALL_WEEKDAYS))
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    def works_on(self, day: date) -> bool:
        return day.isoweekday() in self.working_weekdays


def offers_readable(actor: Actor, model: type) -> ColumnElement[bool]:
    """An offer is read by its factory, by the alliance's other members according to its
    visibility (alliance-wide, or the factory's active partners), and by alliance admins
    where the alliance lets them see prices."""
    own = own_clause(actor, model)
    in_alliance = CapacityOffer.organisation_id.in_(alliance_orgs(actor))
    if actor.is_alliance_admin and actor.admins_see_prices:
        return or_(own, in_alliance)
    partner_factories = select(Partnership.factory_org_id).where(
        Partnership.buyer_org_id == actor.organisation_id, Partnership.active.is_(True)
    )
    visible_to_member = or_(
        CapacityOffer.visibility == Visibility.ALLIANCE,
        and_(CapacityOffer.visibility == Visibility.PARTNERS, CapacityOffer.organisation_id.in_(partner_factories)),
    )
    return or_(own, and_(in_alliance, visible_to_member))


def orders_readable(actor: Actor, model: type) -> ColumnElement[bool]:
    """An order is read by its buyer, and by a factory while it holds an active (proposed or
    accepted) allocation on it: a declined or released allocation ends the factory's access."""
    allocated_to_me = select(Allocation.order_id).where(
        Allocation.factory_org_id == actor.organisation_id, Allocation.status.in_(ACTIVE_ALLOCATION)
    )
    return or_(own_clause(actor, model), Order.id.in_(allocated_to_me))


def readable_with_order(actor: Actor, model: type) -> ColumnElement[bool]:
    """Rows that belong to an order are read exactly when the order is."""
    readable_orders = select(Order.id).where(read_clause(actor, Order))
    return model.order_id.in_(readable_orders)  # type: ignore[attr-defined]


class CapacityOffer(IdMixin, Base):
    __tablename__ = "capacity_offers"
    __tenancy__ = TenantScope(owner="organisation_id", rule=offers_readable)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    resource_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resources.id"), index=True)
    process: Mapped[str] = mapped_column(String(100), index=True)
    materials: Mapped[list[str]]
    window_start: Mapped[date]
    window_end: Mapped[date]
    capacity_unit: Mapped[CapacityUnit] = mapped_column(str_enum(CapacityUnit, "capacity_unit"))
    capacity_per_day: Mapped[int]
    # Throughput for hour-based offers: how many pieces one hour produces.
    units_per_hour: Mapped[int] = mapped_column(default=1)
    total_capacity: Mapped[int] = mapped_column(BigInteger)
    reserved: Mapped[int] = mapped_column(BigInteger, default=0)
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    min_batch: Mapped[int] = mapped_column(default=1)
    lead_time_days: Mapped[int] = mapped_column(default=0)
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility, "visibility"))
    status: Mapped[OfferStatus] = mapped_column(str_enum(OfferStatus, "offer_status"), default=OfferStatus.ACTIVE)
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (
        CheckConstraint("reserved >= 0", name="reserved_non_negative"),
        CheckConstraint("reserved <= total_capacity", name="reserved_within_capacity"),
        CheckConstraint("window_end >= window_start", name="window_ordered"),
        Index("ix_capacity_offers_process_status", "process", "status"),
    )

    @property
    def remaining(self) -> int:
        return self.total_capacity - self.reserved

    def capacity_for(self, quantity: int) -> int:
        """Capacity (in this offer's unit) that producing `quantity` pieces consumes."""
        if self.capacity_unit == CapacityUnit.HOUR:
            return -(-quantity // self.units_per_hour)
        return quantity


class Partnership(IdMixin, Base):
    __tablename__ = "partnerships"
    __tenancy__ = TenantScope(owner="buyer_org_id", readers=("buyer_org_id", "factory_org_id"))

    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    factory_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    priority: Mapped[int] = mapped_column(default=1)
    agreed_unit_price_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    # Share (percent) of the factory's published capacity reserved for this buyer.
    reserved_share_pct: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        UniqueConstraint("buyer_org_id", "factory_org_id"),
        CheckConstraint("reserved_share_pct BETWEEN 0 AND 100", name="share_is_percent"),
    )


class Order(IdMixin, Base):
    __tablename__ = "orders"
    __tenancy__ = TenantScope(owner="buyer_org_id", rule=orders_readable)

    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    reference: Mapped[str] = mapped_column(String(100))
    product: Mapped[str] = mapped_column(String(200))
    process: Mapped[str] = mapped_column(String(100), index=True)
    material: Mapped[str | None] = mapped_column(String(100))
    operations: Mapped[list[str]]
    certifications: Mapped[list[str]]
    quantity: Mapped[int]
    due_at: Mapped[datetime]
    urgency: Mapped[Urgency] = mapped_column(str_enum(Urgency, "urgency"))
    cost_sensitivity: Mapped[CostSensitivity] = mapped_column(str_enum(CostSensitivity, "cost_sensitivity"))
    max_unit_price_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    split_allowed: Mapped[bool] = mapped_column(default=False)
    aql: Mapped[float] = mapped_column(default=2.5)
    min_quality_score: Mapped[int | None]
    status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus, "order_status"), index=True)
    delivered_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (
        UniqueConstraint("buyer_org_id", "reference"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )


class OrderStatusChange(IdMixin, Base):
    __tablename__ = "order_status_changes"
    __tenancy__ = TenantScope(owner="buyer_org_id", rule=readable_with_order)

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), index=True)
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    from_status: Mapped[OrderStatus | None] = mapped_column(str_enum(OrderStatus, "order_status"))
    to_status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus, "order_status"))
    actor_user_id: Mapped[uuid.UUID | None]
    reason: Mapped[str | None] = mapped_column(String(500))
    occurred_at: Mapped[datetime]


class Allocation(IdMixin, Base):
    __tablename__ = "allocations"
    __tenancy__ = TenantScope(owner="buyer_org_id", readers=("buyer_org_id", "factory_org_id"))

    plan_id: Mapped[uuid.UUID] = mapped_column(index=True)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), index=True)
    offer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("capacity_offers.id"), index=True)
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    factory_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    quantity: Mapped[int]
    capacity_used: Mapped[int] = mapped_column(BigInteger)
    slot_start: Mapped[datetime]
    slot_end: Mapped[datetime]
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    tier: Mapped[Tier] = mapped_column(str_enum(Tier, "tier"))
    status: Mapped[AllocationStatus] = mapped_column(str_enum(AllocationStatus, "allocation_status"), index=True)
    responded_at: Mapped[datetime | None]
    # Only the buyer reads it (marketplace.schemas / api outputs hide it from factories).
    decline_reason: Mapped[str | None] = mapped_column(String(500))
    explanation: Mapped[dict[str, Any] | None]
    # Running totals kept by conditional UPDATEs (marketplace.repository): units in open or
    # accepted inspection lots, and units paid out. The CHECKs make "lots never exceed the
    # allocation" and "never pay more than quantity x price" hold in the database itself.
    lot_quantity: Mapped[int] = mapped_column(default=0, server_default="0")
    paid_quantity: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("slot_end > slot_start", name="slot_ordered"),
        CheckConstraint("lot_quantity >= 0 AND lot_quantity <= quantity", name="lots_within_quantity"),
        CheckConstraint("paid_quantity >= 0 AND paid_quantity <= quantity", name="paid_within_quantity"),
    )


class ResourceDay(IdMixin, Base):
    """One day of one resource: the capacity its offers sell that day (in their unit) and
    how much of it allocations have booked.

    This row, not the offer, is what a reservation takes: every path that creates
    allocations books its days with one conditional UPDATE each (marketplace.repository
    `book_resource_day`), and the CHECK makes "a resource is never booked past its capacity
    on any day" hold in the database itself, also for overlapping offers of one resource
    (they share its days)."""

    __tablename__ = "resource_days"
    __tenancy__ = TenantScope(owner="organisation_id")

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    resource_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resources.id"), index=True)
    day: Mapped[date]
    capacity: Mapped[int] = mapped_column(BigInteger)
    booked: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        UniqueConstraint("resource_id", "day"),
        CheckConstraint("booked >= 0", name="booked_non_negative"),
        CheckConstraint("booked <= capacity", name="booked_within_capacity"),
    )


class AllocationDay(IdMixin, Base):
    """An allocation's production on one day: `use` capacity units (its offer's unit) of the
    resource and the `quantity` of pieces they make. ETA, tracking, calendars and heat maps
    read these slots; while the allocation is active its uses are booked on resource_days."""

    __tablename__ = "allocation_days"
    __tenancy__ = TenantScope(owner="buyer_org_id", readers=("buyer_org_id", "factory_org_id"))

    allocation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocations.id"), index=True)
    offer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("capacity_offers.id"), index=True)
    resource_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resources.id"))
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    factory_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    day: Mapped[date]
    use: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int]

    __table_args__ = (
        UniqueConstraint("allocation_id", "day"),
        Index("ix_allocation_days_resource_day", "resource_id", "day"),
        CheckConstraint("use > 0", name="use_positive"),
        CheckConstraint("quantity >= 0", name="quantity_non_negative"),
    )


class ProgressReport(IdMixin, Base):
    __tablename__ = "progress_reports"
    __tenancy__ = TenantScope(owner="factory_org_id", readers=("buyer_org_id", "factory_org_id"))

    allocation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocations.id"), index=True)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), index=True)
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    factory_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    operation: Mapped[str] = mapped_column(String(100))
    step: Mapped[ProgressStep] = mapped_column(str_enum(ProgressStep, "progress_step"))
    quantity: Mapped[int]
    operator: Mapped[str] = mapped_column(String(200))
    resource_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("resources.id"))
    occurred_at: Mapped[datetime]

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)
