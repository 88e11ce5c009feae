"""Response shapes of the REST API (and its OpenAPI document)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import msgspec
from msgspec import Struct

T = TypeVar("T")


class PageOut(Struct, Generic[T]):
    items: list[T]
    next_cursor: str | None


class ProcessNamesOut(Struct):
    en: str
    zh_cn: str = msgspec.field(name="zh-CN")


class ProcessOut(Struct):
    id: uuid.UUID
    alliance_id: uuid.UUID
    code: str
    names: ProcessNamesOut
    retired_at: datetime | None
    created_at: datetime


def process_out(row: Any) -> ProcessOut:
    return ProcessOut(row.id, row.alliance_id, row.code, ProcessNamesOut(row.name_en, row.name_zh_cn), row.retired_at, row.created_at)


class SiteOut(Struct):
    id: uuid.UUID
    organisation_id: uuid.UUID
    name: str
    region: str
    address: str | None
    created_at: datetime


class ResourceOut(Struct):
    id: uuid.UUID
    organisation_id: uuid.UUID
    site_id: uuid.UUID
    name: str
    kind: str
    processes: list[str]
    materials: list[str]
    certifications: list[str]
    skills: dict[str, Any]
    carbon_g_per_unit: int
    working_weekdays: list[int]
    created_at: datetime


class OfferOut(Struct):
    id: uuid.UUID
    organisation_id: uuid.UUID
    resource_id: uuid.UUID
    process: str
    materials: list[str]
    window_start: date
    window_end: date
    capacity_unit: str
    capacity_per_day: int
    units_per_hour: int
    total_capacity: int
    reserved: int
    remaining: int
    unit_price_minor: int
    currency: str
    min_batch: int
    lead_time_days: int
    visibility: str
    status: str
    version: int
    created_at: datetime


class WithdrawOut(Struct):
    offer: OfferOut
    affected_allocations: list[uuid.UUID]


class PartnershipOut(Struct):
    id: uuid.UUID
    buyer_org_id: uuid.UUID
    factory_org_id: uuid.UUID
    priority: int
    agreed_unit_price_minor: int | None
    currency: str | None
    reserved_share_pct: int
    active: bool
    created_at: datetime


class OrderOut(Struct):
    id: uuid.UUID
    buyer_org_id: uuid.UUID
    reference: str
    product: str
    process: str
    material: str | None
    operations: list[str]
    certifications: list[str]
    quantity: int
    due_at: datetime
    urgency: str
    cost_sensitivity: str
    max_unit_price_minor: int | None
    currency: str
    split_allowed: bool
    aql: float
    min_quality_score: int | None
    status: str
    delivered_at: datetime | None
    version: int
    created_at: datetime


class AllocationOut(Struct):
    id: uuid.UUID
    plan_id: uuid.UUID
    order_id: uuid.UUID
    offer_id: uuid.UUID
    buyer_org_id: uuid.UUID
    factory_org_id: uuid.UUID
    quantity: int
    capacity_used: int
    slot_start: datetime
    slot_end: datetime
    unit_price_minor: int
    currency: str
    tier: str
    status: str
    responded_at: datetime | None
    decline_reason: str | None
    explanation: dict[str, Any] | None
    created_at: datetime


class ProgressOut(Struct):
    id: uuid.UUID
    allocation_id: uuid.UUID
    order_id: uuid.UUID
    factory_org_id: uuid.UUID
    operation: str
    step: str
    quantity: int
    operator: str
    resource_id: uuid.UUID | None
    occurred_at: datetime


class StatusChangeOut(Struct):
    from_status: str | None
    to_status: str
    reason: str | None
    occurred_at: datetime


class OperationOut(Struct):
    operation: str
    confirmed: int
    required: int


class PlannedDayOut(Struct):
    day: date
    quantity: int


class AllocationTrackOut(Struct):
    allocation: AllocationOut
    factory_name: str
    operations: list[OperationOut]
    reports: list[ProgressOut]
    # The planned production, per booked day (pieces).
    days: list[PlannedDayOut] = []


class TrackingOut(Struct):
    order: OrderOut
    stage: str
    eta: datetime | None
    produced_fraction: float
    history: list[StatusChangeOut]
    allocations: list[AllocationTrackOut]


class UtilisationRowOut(Struct):
    group: str
    key: str
    label: str
    unit: str
    published: int | None
    allocated: int
    utilisation: float | None
    share: float | None


class UtilisationOut(Struct):
    start: datetime
    end: datetime
    group_by: str
    rows: list[UtilisationRowOut]


class OnTimeOut(Struct):
    start: datetime
    end: datetime
    delivered: int
    on_time: int
    rate: float | None


class OrganisationOut(Struct):
    id: uuid.UUID
    name: str
    kind: str
    region: str | None


class MeOut(Struct):
    user_id: uuid.UUID
    organisation_id: uuid.UUID
    alliance_id: uuid.UUID
    role: str
    permissions: list[str]


class ApiKeyOut(Struct):
    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    revoked_at: datetime | None
    created_at: datetime


class ConsumptionOut(Struct):
    consumer: str
    attempts: int
    last_error: str | None
    last_attempt_at: datetime | None
    done_at: datetime | None


class DeadLetterOut(Struct):
    id: uuid.UUID
    type: str
    aggregate_type: str
    aggregate_id: uuid.UUID
    organisation_id: uuid.UUID
    occurred_at: datetime
    attempts: int
    last_error: str | None
    dead_at: datetime | None
    consumers: list[ConsumptionOut]


def dead_letter_out(letter: Any) -> DeadLetterOut:
    event = letter.event
    return DeadLetterOut(
        id=event.id, type=event.type, aggregate_type=event.aggregate_type, aggregate_id=event.aggregate_id,
        organisation_id=event.organisation_id, occurred_at=event.occurred_at, attempts=event.attempts, last_error=event.last_error,
        dead_at=event.dead_at, consumers=[out(ConsumptionOut, c) for c in letter.consumptions],
    )


def out(shape: type[T], row: Any) -> T:
    return msgspec.convert(row, shape, from_attributes=True)


def page_out(shape: type[T], page: Any) -> PageOut[T]:
    return PageOut(items=[out(shape, row) for row in page.items], next_cursor=page.next_cursor)
