"""Inputs and outputs of the marketplace service, shared by REST, GraphQL, CLI and jobs.

msgspec validates types and bounds at the edge; business rules live in the services.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from marketplace.models import (
    CapacityUnit,
    CostSensitivity,
    ProgressStep,
    ResourceKind,
    Urgency,
    Visibility,
)

Name = Annotated[str, Meta(min_length=1, max_length=200)]
Code = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[a-z0-9_\-]+$")]
Currency = Annotated[str, Meta(pattern=r"^[A-Z]{3}$")]
Minor = Annotated[int, Meta(ge=0, le=10**15)]
Positive = Annotated[int, Meta(ge=1, le=10**9)]
NonNegative = Annotated[int, Meta(ge=0, le=10**9)]
# Times must say their zone; a naive time would be a guess.
AwareDatetime = Annotated[datetime, Meta(tz=True)]


class ProcessNames(Struct, forbid_unknown_fields=True):
    """A process's name in each language the platform speaks (the portal's en and zh-CN)."""

    en: Name
    zh_cn: Name = msgspec.field(name="zh-CN")


class ProcessIn(Struct, forbid_unknown_fields=True):
    """A process for the alliance's catalogue: the code orders, offers and resources name."""

    code: Code
    names: ProcessNames


class SiteIn(Struct, forbid_unknown_fields=True):
    name: Name
    region: Annotated[str, Meta(min_length=1, max_length=100)]
    address: str | None = None


class ResourceIn(Struct, forbid_unknown_fields=True):
    site_id: uuid.UUID
    name: Name
    kind: ResourceKind
    processes: Annotated[list[Code], Meta(min_length=1, max_length=50)]
    materials: Annotated[list[Code], Meta(max_length=100)] = []
    certifications: Annotated[list[Code], Meta(max_length=50)] = []
    skills: dict[str, Annotated[int, Meta(ge=1, le=5)]] = {}
    carbon_g_per_unit: NonNegative = 0
    # The resource's calendar: the ISO weekdays it works on (1 = Monday ... 7 = Sunday).
    working_weekdays: Annotated[list[Annotated[int, Meta(ge=1, le=7)]], Meta(min_length=1, max_length=7)] = msgspec.field(
        default_factory=lambda: [1, 2, 3, 4, 5, 6, 7]
    )


class OfferIn(Struct, forbid_unknown_fields=True):
    resource_id: uuid.UUID
    process: Code
    window_start: date
    window_end: date
    capacity_per_day: Positive
    unit_price_minor: Minor
    currency: Currency
    capacity_unit: CapacityUnit = CapacityUnit.PIECE
    units_per_hour: Positive = 1
    materials: Annotated[list[Code], Meta(max_length=100)] | None = None
    min_batch: Positive = 1
    lead_time_days: Annotated[int, Meta(ge=0, le=365)] = 0
    visibility: Visibility = Visibility.ALLIANCE


class OfferChange(Struct, forbid_unknown_fields=True):
    capacity_per_day: Positive | None = None
    window_end: date | None = None
    unit_price_minor: Minor | None = None
    min_batch: Positive | None = None
    lead_time_days: Annotated[int, Meta(ge=0, le=365)] | None = None
    visibility: Visibility | None = None


class WithdrawIn(Struct, forbid_unknown_fields=True):
    reason: Annotated[str, Meta(min_length=1, max_length=500)]


class PartnershipIn(Struct, forbid_unknown_fields=True):
    factory_org_id: uuid.UUID
    priority: Annotated[int, Meta(ge=1, le=10)] = 1
    agreed_unit_price_minor: Minor | None = None
    currency: Currency | None = None
    reserved_share_pct: Annotated[int, Meta(ge=0, le=100)] = 0


class OrderIn(Struct, forbid_unknown_fields=True):
    reference: Annotated[str, Meta(min_length=1, max_length=100)]
    product: Name
    process: Code
    quantity: Positive
    due_at: AwareDatetime
    currency: Currency
    material: Code | None = None
    operations: Annotated[list[Code], Meta(max_length=20)] | None = None
    certifications: Annotated[list[Code], Meta(max_length=20)] = []
    urgency: Urgency = Urgency.NORMAL
    cost_sensitivity: CostSensitivity = CostSensitivity.MEDIUM
    max_unit_price_minor: Minor | None = None
    split_allowed: bool = False
    aql: Annotated[float, Meta(gt=0, le=1000)] = 2.5
    min_quality_score: Annotated[int, Meta(ge=0, le=100)] | None = None
    submit: bool = True


class TransitionIn(Struct, forbid_unknown_fields=True):
    to: str
    reason: Annotated[str, Meta(max_length=500)] | None = None


class PlanDay(Struct, forbid_unknown_fields=True, array_like=True):
    """One day of an item's production: the day and the capacity units (the offer's unit) used."""

    day: date
    use: Positive


class PlanItem(Struct, forbid_unknown_fields=True):
    order_id: uuid.UUID
    offer_id: uuid.UUID
    quantity: Positive
    slot_start: AwareDatetime | None = None
    slot_end: AwareDatetime | None = None
    explanation: dict[str, Any] | None = None
    # Per-day slots as planned (a matching run's plan carries them); without them the
    # marketplace lays the item out over the offer's earliest free days within the slot.
    days: Annotated[list[PlanDay], Meta(max_length=366)] | None = None


class PlanIn(Struct, forbid_unknown_fields=True):
    items: Annotated[list[PlanItem], Meta(min_length=1, max_length=1000)]


class ResponseIn(Struct, forbid_unknown_fields=True):
    accept: bool
    reason: Annotated[str, Meta(max_length=500)] | None = None


class ProgressIn(Struct, forbid_unknown_fields=True):
    operation: Code
    step: ProgressStep
    quantity: Positive
    operator: Name
    resource_id: uuid.UUID | None = None
    occurred_at: AwareDatetime | None = None


def to_dict(value: Any) -> Any:
    return msgspec.to_builtins(value)
