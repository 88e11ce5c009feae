"""Typed shapes of the buyer and supplier APIs, written from the OpenAPI document
(`/schema/openapi.json`: OfferIn / OfferOut, OrderIn / OrderOut, PlanIn, AllocationOut,
ResponseIn, ProgressIn / ProgressOut, TrackingOut). Ids and times travel as strings."""

from __future__ import annotations

from typing import Any, Generic, Literal, NotRequired, TypedDict, TypeVar

T = TypeVar("T")

ProgressStep = Literal["scan", "done", "confirm"]


class Page(TypedDict, Generic[T]):
    items: list[T]
    next_cursor: str | None


class SiteIn(TypedDict):
    name: str
    region: str
    address: NotRequired[str | None]


class Site(TypedDict):
    id: str
    organisation_id: str
    name: str
    region: str
    address: str | None
    created_at: str


class ResourceIn(TypedDict):
    site_id: str
    name: str
    kind: str
    processes: list[str]
    materials: NotRequired[list[str]]
    certifications: NotRequired[list[str]]
    skills: NotRequired[dict[str, int]]
    carbon_g_per_unit: NotRequired[int]
    working_weekdays: NotRequired[list[int]]


class Resource(TypedDict):
    id: str
    organisation_id: str
    site_id: str
    name: str
    kind: str
    processes: list[str]
    materials: list[str]
    certifications: list[str]
    skills: dict[str, Any]
    carbon_g_per_unit: int
    working_weekdays: list[int]
    created_at: str


class OfferIn(TypedDict):
    resource_id: str
    process: str
    window_start: str
    window_end: str
    capacity_per_day: int
    unit_price_minor: int
    currency: str
    capacity_unit: NotRequired[str]
    units_per_hour: NotRequired[int]
    materials: NotRequired[list[str] | None]
    min_batch: NotRequired[int]
    lead_time_days: NotRequired[int]
    visibility: NotRequired[Literal["private", "partners", "alliance"]]


class OfferChange(TypedDict, total=False):
    capacity_per_day: int
    window_end: str
    unit_price_minor: int
    min_batch: int
    lead_time_days: int
    visibility: str


class Offer(TypedDict):
    id: str
    organisation_id: str
    resource_id: str
    process: str
    materials: list[str]
    window_start: str
    window_end: str
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
    created_at: str


class OrderIn(TypedDict):
    reference: str
    product: str
    process: str
    quantity: int
    due_at: str
    currency: str
    material: NotRequired[str | None]
    operations: NotRequired[list[str] | None]
    certifications: NotRequired[list[str]]
    urgency: NotRequired[Literal["low", "normal", "high", "urgent"]]
    cost_sensitivity: NotRequired[str]
    max_unit_price_minor: NotRequired[int | None]
    split_allowed: NotRequired[bool]
    aql: NotRequired[float]
    min_quality_score: NotRequired[int | None]
    submit: NotRequired[bool]


class Order(TypedDict):
    id: str
    buyer_org_id: str
    reference: str
    product: str
    process: str
    material: str | None
    operations: list[str]
    certifications: list[str]
    quantity: int
    due_at: str
    urgency: str
    cost_sensitivity: str
    max_unit_price_minor: int | None
    currency: str
    split_allowed: bool
    aql: float
    min_quality_score: int | None
    status: str
    delivered_at: str | None
    version: int
    created_at: str


class PlanItem(TypedDict):
    order_id: str
    offer_id: str
    quantity: int


class Allocation(TypedDict):
    id: str
    plan_id: str
    order_id: str
    offer_id: str
    buyer_org_id: str
    factory_org_id: str
    quantity: int
    capacity_used: int
    slot_start: str
    slot_end: str
    unit_price_minor: int
    currency: str
    tier: str
    status: str
    responded_at: str | None
    decline_reason: str | None
    explanation: dict[str, Any] | None
    created_at: str


class ProgressIn(TypedDict):
    operation: str
    step: ProgressStep
    quantity: int
    operator: str
    resource_id: NotRequired[str | None]
    occurred_at: NotRequired[str | None]


class Progress(TypedDict):
    id: str
    allocation_id: str
    order_id: str
    factory_org_id: str
    operation: str
    step: str
    quantity: int
    operator: str
    resource_id: str | None
    occurred_at: str


class StatusChange(TypedDict):
    from_status: str | None
    to_status: str
    reason: str | None
    occurred_at: str


class Tracking(TypedDict):
    order: Order
    stage: str
    eta: str | None
    produced_fraction: float
    history: list[StatusChange]
    allocations: list[dict[str, Any]]


class WithdrawResult(TypedDict):
    offer: Offer
    affected_allocations: list[str]


class WebhookEndpoint(TypedDict):
    id: str
    organisation_id: str
    url: str
    description: str | None
    event_types: list[str]
    enabled: bool
    allow_private: bool
    circuit_state: str
    consecutive_failures: int
    created_at: str


class WebhookCreated(TypedDict):
    endpoint: WebhookEndpoint
    secret: str


class ImportResult(TypedDict):
    kind: str
    imported: int
    ids: list[str]


class OrderStatusEvent(TypedDict):
    id: str
    order_id: str
    to: str
    reason: str | None
    occurred_at: str
