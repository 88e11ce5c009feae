"""GraphQL for partner integrations: the same services as REST, typed errors with codes,
dataloaders for relations, and depth / token / alias limits."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.tools import merge_types
from strawberry.types import Info

from api.graphql import forecasting as forecasting_graphql
from api.graphql import inspection as inspection_graphql
from api.graphql import integrations as integrations_graphql
from api.graphql import matching as matching_graphql
from api.graphql import quality as quality_graphql
from api.graphql import settlement as settlement_graphql
from api.graphql.permissions import requires
from api.graphql.subscriptions import MarketplaceSubscription
from api.graphql.support import (
    ROLLBACK_KEY,
    SessionGate,
    UserError,
    call,
    context_of,
    convert,
    mutate,
    page_limit,
)
from api.limits import NoNulInGraphQLStrings
from capool.config import get_settings
from capool.pagination import Page, encode_cursor
from capool.tenancy.actor import Actor, Permission
from marketplace import allocations as allocation_service
from marketplace import analytics, capacity, catalogue, orders, repository
from marketplace.models import (
    Allocation,
    AllocationStatus,
    CapacityOffer,
    CapacityUnit,
    CostSensitivity,
    OfferStatus,
    Order,
    OrderStatus,
    ProcessCode,
    ProgressReport,
    ProgressStep,
    Tier,
    Urgency,
    Visibility,
)
from marketplace.schemas import OfferChange, OfferIn, OrderIn, PlanIn, ProgressIn, WithdrawIn
from matching import service as matching_service

# The domain's enums are the schema's enum types (values are the names, e.g. IN_PRODUCTION).
for _enum in (AllocationStatus, CapacityUnit, CostSensitivity, OfferStatus, OrderStatus, ProgressStep, Tier, Urgency, Visibility):
    strawberry.enum(_enum)

N = TypeVar("N")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[N]):
    cursor: str
    node: N




@strawberry.type(description="A process of the alliance's catalogue: the codes orders, offers and resources may name")
class Process:
    id: uuid.UUID
    code: str
    name_en: str
    name_zh_cn: str = strawberry.field(name="nameZhCN")
    retired_at: dt.datetime | None

    @classmethod
    def of(cls, row: ProcessCode) -> Process:
        return cls(id=row.id, code=row.code, name_en=row.name_en, name_zh_cn=row.name_zh_cn, retired_at=row.retired_at)


@strawberry.type
class Offer:
    id: uuid.UUID
    organisation_id: uuid.UUID
    resource_id: uuid.UUID
    process: str
    materials: list[str]
    window_start: dt.date
    window_end: dt.date
    capacity_unit: CapacityUnit
    capacity_per_day: int
    total_capacity: int
    reserved: int
    remaining: int
    unit_price_minor: int
    currency: str
    min_batch: int
    lead_time_days: int
    visibility: Visibility
    status: OfferStatus

    @classmethod
    def of(cls, row: CapacityOffer) -> Offer:
        return cls(
            id=row.id, organisation_id=row.organisation_id, resource_id=row.resource_id, process=row.process,
            materials=list(row.materials), window_start=row.window_start, window_end=row.window_end,
            capacity_unit=row.capacity_unit, capacity_per_day=row.capacity_per_day, total_capacity=row.total_capacity,
            reserved=row.reserved, remaining=row.remaining, unit_price_minor=row.unit_price_minor, currency=row.currency,
            min_batch=row.min_batch, lead_time_days=row.lead_time_days, visibility=row.visibility, status=row.status,
        )


@strawberry.type(name="EscrowOperation")
class EscrowOperation_:
    id: uuid.UUID
    kind: str
    status: str
    lot_id: uuid.UUID | None
    amount_minor: int
    supplier_minor: int
    buyer_minor: int
    amount_units: str
    tx_hash: str | None
    attempts: int
    last_error: str | None


@strawberry.type
class AllocationEscrow:
    state: str
    currency: str
    funded_minor: int
    released_minor: int
    refunded_minor: int
    held_minor: int
    operations: list[EscrowOperation_]

    @classmethod
    def of(cls, state: dict[str, Any]) -> AllocationEscrow:
        return cls(
            state=state["state"], currency=state["currency"], funded_minor=state["funded_minor"], released_minor=state["released_minor"],
            refunded_minor=state["refunded_minor"], held_minor=state["held_minor"],
            operations=[EscrowOperation_(id=uuid.UUID(op["id"]), kind=op["kind"], status=op["status"], lot_id=uuid.UUID(op["lot_id"]) if op["lot_id"] else None,
                                         amount_minor=op["amount_minor"], supplier_minor=op["supplier_minor"], buyer_minor=op["buyer_minor"],
                                         amount_units=op["amount_units"], tx_hash=op["tx_hash"], attempts=op["attempts"], last_error=op["last_error"])
                        for op in state["operations"]],
        )


@strawberry.type(name="Allocation")
class Allocation_:
    id: uuid.UUID
    order_id: uuid.UUID
    offer_id: uuid.UUID
    factory_org_id: uuid.UUID
    quantity: int
    slot_start: dt.datetime
    slot_end: dt.datetime
    unit_price_minor: int
    currency: str
    tier: Tier
    status: AllocationStatus

    @strawberry.field
    async def offer(self, info: Info) -> Offer | None:
        row = await context_of(info)["loaders"]["offer"].load(self.offer_id)
        return Offer.of(row) if row else None

    @strawberry.field
    async def order(self, info: Info) -> Order_ | None:
        row = await context_of(info)["loaders"]["order"].load(self.order_id)
        return Order_.of(row) if row else None

    @strawberry.field(description="The allocation's escrow (null in invoice mode or without ledger:read): state and amounts in minor units")
    async def escrow(self, info: Info) -> AllocationEscrow | None:
        from settlement import escrow_ops

        ctx = context_of(info)
        if not ctx["actor"].can(Permission.LEDGER_READ):
            return None
        state = await ctx["gate"].run(lambda session: escrow_ops.allocation_escrow(session, ctx["actor"], self.id))
        return AllocationEscrow.of(state) if state["mode"] == "escrow" else None

    @classmethod
    def of(cls, row: Allocation) -> Allocation_:
        return cls(
            id=row.id, order_id=row.order_id, offer_id=row.offer_id, factory_org_id=row.factory_org_id, quantity=row.quantity,
            slot_start=row.slot_start, slot_end=row.slot_end, unit_price_minor=row.unit_price_minor, currency=row.currency,
            tier=row.tier, status=row.status,
        )


@strawberry.type(name="Order")
class Order_:
    id: uuid.UUID
    buyer_org_id: uuid.UUID
    reference: str
    product: str
    process: str
    material: str | None
    quantity: int
    due_at: dt.datetime
    urgency: Urgency
    cost_sensitivity: CostSensitivity
    currency: str
    split_allowed: bool
    aql: float
    status: OrderStatus

    @strawberry.field
    async def allocations(self, info: Info) -> list[Allocation_]:
        rows = await context_of(info)["loaders"]["allocations_by_order"].load(self.id)
        return [Allocation_.of(r) for r in rows]

    @classmethod
    def of(cls, row: Order) -> Order_:
        return cls(
            id=row.id, buyer_org_id=row.buyer_org_id, reference=row.reference, product=row.product, process=row.process,
            material=row.material, quantity=row.quantity, due_at=row.due_at, urgency=row.urgency,
            cost_sensitivity=row.cost_sensitivity, currency=row.currency, split_allowed=row.split_allowed,
            aql=row.aql, status=row.status,
        )


@strawberry.type
class OfferConnection:
    items: list[Offer]
    next_cursor: str | None
    edges: list[Edge[Offer]]
    page_info: PageInfo


@strawberry.type
class OrderConnection:
    items: list[Order_]
    next_cursor: str | None
    edges: list[Edge[Order_]]
    page_info: PageInfo


@strawberry.type
class AllocationConnection:
    items: list[Allocation_]
    next_cursor: str | None
    edges: list[Edge[Allocation_]]
    page_info: PageInfo


def _connection(kind: type, shape: Callable[[Any], Any], page: Page[Any]) -> Any:
    items = [shape(row) for row in page.items]
    return kind(items=items, next_cursor=page.next_cursor, edges=[Edge(cursor=encode_cursor(i.id), node=i) for i in items],
                page_info=PageInfo(has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor))


@strawberry.type
class ProgressReport_:
    id: uuid.UUID
    allocation_id: uuid.UUID
    order_id: uuid.UUID
    operation: str
    step: ProgressStep
    quantity: int
    operator: str
    resource_id: uuid.UUID | None
    occurred_at: dt.datetime

    @classmethod
    def of(cls, row: ProgressReport) -> ProgressReport_:
        return cls(id=row.id, allocation_id=row.allocation_id, order_id=row.order_id, operation=row.operation, step=row.step,
                   quantity=row.quantity, operator=row.operator, resource_id=row.resource_id, occurred_at=row.occurred_at)


@strawberry.type
class UtilisationRow:
    group: str
    key: str
    label: str
    unit: str
    published: int | None
    allocated: int
    utilisation: float | None
    share: float | None


@strawberry.type
class OfferPayload:
    offer: Offer | None
    errors: list[UserError]


@strawberry.type
class OrderPayload:
    order: Order_ | None
    errors: list[UserError]


@strawberry.type
class AllocationPayload:
    allocation: Allocation_ | None
    errors: list[UserError]


@strawberry.type
class ProgressPayload:
    progress: ProgressReport_ | None
    errors: list[UserError]


@strawberry.type
class WithdrawOfferPayload:
    offer: Offer | None
    # The allocations on the offer that the repair job now moves or reports.
    affected_allocation_ids: list[uuid.UUID] | None
    errors: list[UserError]


@strawberry.type
class AllocationPlanPayload:
    """A plan below the approval threshold is applied (`allocations`); one at or above it is
    stored as a run awaiting two approvals (`runId`), with nothing applied."""

    allocations: list[Allocation_] | None
    run_id: uuid.UUID | None
    errors: list[UserError]


@strawberry.input
class OfferChangeInput:
    capacity_per_day: int | None = None
    window_end: dt.date | None = None
    unit_price_minor: int | None = None
    min_batch: int | None = None
    lead_time_days: int | None = None
    visibility: Visibility | None = None


@strawberry.input
class ProgressInput:
    operation: str
    step: ProgressStep
    quantity: int
    operator: str
    resource_id: uuid.UUID | None = None
    occurred_at: dt.datetime | None = None


@strawberry.input
class PlanItemInput:
    order_id: uuid.UUID
    offer_id: uuid.UUID
    quantity: int


@strawberry.input
class PublishOfferInput:
    resource_id: uuid.UUID
    process: str
    window_start: dt.date
    window_end: dt.date
    capacity_per_day: int
    unit_price_minor: int
    currency: str
    capacity_unit: CapacityUnit = CapacityUnit.PIECE
    units_per_hour: int = 1
    materials: list[str] | None = None
    min_batch: int = 1
    lead_time_days: int = 0
    visibility: Visibility = Visibility.ALLIANCE


@strawberry.input
class PlaceOrderInput:
    reference: str
    product: str
    process: str
    quantity: int
    due_at: dt.datetime
    currency: str
    material: str | None = None
    operations: list[str] | None = None
    certifications: list[str] = strawberry.field(default_factory=list)
    urgency: Urgency = Urgency.NORMAL
    cost_sensitivity: CostSensitivity = CostSensitivity.MEDIUM
    max_unit_price_minor: int | None = None
    split_allowed: bool = False
    aql: float = 2.5
    min_quality_score: int | None = None
    submit: bool = True


def _plain(item: Any) -> Any:
    if isinstance(item, uuid.UUID):
        return str(item)
    if isinstance(item, (dt.date, dt.datetime)):
        return item.isoformat()
    if isinstance(item, enum.Enum):
        return item.value
    return item


def _input_dict(value: Any, keep_none: tuple[str, ...] = ("materials", "operations")) -> dict[str, Any]:
    data = {key: _plain(item) for key, item in strawberry.asdict(value).items()}
    return {k: v for k, v in data.items() if v is not None or k in keep_none}


@strawberry.type
class MarketplaceQuery:
    @strawberry.field(extensions=requires(Permission.CAPACITY_READ), description="The caller's alliance's process catalogue, by code")
    async def processes(self, info: Info, include_retired: bool = False) -> list[Process]:
        rows = await call(info, lambda s, a: catalogue.list_processes(s, a, include_retired=include_retired))
        return [Process.of(row) for row in rows]

    @strawberry.field(extensions=requires(Permission.CAPACITY_READ), description="Capacity offers visible to the caller")
    async def offers(self, info: Info, process: str | None = None, first: int = 50, after: str | None = None) -> OfferConnection:
        page = await call(info, lambda s, a: capacity.list_offers(s, a, process=process, cursor=after, limit=page_limit(first)))
        return _connection(OfferConnection, Offer.of, page)

    @strawberry.field(extensions=requires(Permission.CAPACITY_READ))
    async def offer(self, info: Info, id: uuid.UUID) -> Offer:
        return Offer.of(await call(info, lambda s, a: capacity.get_offer(s, a, id)))

    @strawberry.field(extensions=requires(Permission.ORDERS_READ), description="Orders the caller may read")
    async def orders(self, info: Info, status: OrderStatus | None = None, first: int = 50, after: str | None = None) -> OrderConnection:
        value = status.value if status else None
        page = await call(info, lambda s, a: orders.list_orders(s, a, status=value, cursor=after, limit=page_limit(first)))
        return _connection(OrderConnection, Order_.of, page)

    @strawberry.field(extensions=requires(Permission.ORDERS_READ))
    async def order(self, info: Info, id: uuid.UUID) -> Order_:
        return Order_.of(await call(info, lambda s, a: orders.get_order(s, a, id)))

    @strawberry.field(extensions=requires(Permission.ORDERS_READ))
    async def allocations(self, info: Info, order_id: uuid.UUID | None = None, status: AllocationStatus | None = None,
                          first: int = 50, after: str | None = None) -> AllocationConnection:
        value = status.value if status else None
        page = await call(info, lambda s, a: allocation_service.list_allocations(s, a, order_id=order_id, status=value, cursor=after, limit=page_limit(first)))
        return _connection(AllocationConnection, Allocation_.of, page)

    @strawberry.field(extensions=requires(Permission.ANALYTICS_READ))
    async def utilisation(self, info: Info, group_by: str = "factory", start: dt.datetime | None = None, end: dt.datetime | None = None) -> list[UtilisationRow]:
        default_start, default_end = analytics.default_window(dt.datetime.now(dt.UTC))
        rows = await call(info, lambda s, a: analytics.utilisation(s, a, start or default_start, end or default_end, group_by))
        return [UtilisationRow(**vars(r)) for r in rows]


@strawberry.type
class MarketplaceMutation:
    @strawberry.mutation(extensions=requires(Permission.CAPACITY_WRITE), description="Publish a capacity offer")
    async def publish_offer(self, info: Info, input: PublishOfferInput) -> OfferPayload:
        row, errors = await mutate(info, lambda s, a: capacity.publish_offer(s, a, convert(OfferIn, _input_dict(input))))
        return OfferPayload(offer=Offer.of(row) if row else None, errors=errors)

    @strawberry.mutation(extensions=requires(Permission.ORDERS_WRITE), description="Place an order")
    async def place_order(self, info: Info, input: PlaceOrderInput) -> OrderPayload:
        row, errors = await mutate(info, lambda s, a: orders.place_order(s, a, convert(OrderIn, _input_dict(input))))
        return OrderPayload(order=Order_.of(row) if row else None, errors=errors)

    @strawberry.mutation(extensions=requires(Permission.CAPACITY_WRITE), description="Change an offer (never below what is reserved)")
    async def change_offer(self, info: Info, offer_id: uuid.UUID, input: OfferChangeInput) -> OfferPayload:
        row, errors = await mutate(info, lambda s, a: capacity.change_offer(s, a, offer_id, convert(OfferChange, _input_dict(input, ()))))
        return OfferPayload(offer=Offer.of(row) if row else None, errors=errors)

    @strawberry.mutation(extensions=requires(Permission.CAPACITY_WRITE), description="Withdraw an offer; its allocations go to the repair job")
    async def withdraw_offer(self, info: Info, offer_id: uuid.UUID, reason: str) -> WithdrawOfferPayload:
        found, errors = await mutate(info, lambda s, a: capacity.withdraw_offer(s, a, offer_id, convert(WithdrawIn, {"reason": reason}).reason))
        if found is None:
            return WithdrawOfferPayload(offer=None, affected_allocation_ids=None, errors=errors)
        offer, affected = found
        return WithdrawOfferPayload(offer=Offer.of(offer), affected_allocation_ids=list(affected), errors=errors)

    @strawberry.mutation(extensions=requires(Permission.ORDERS_WRITE, Permission.PROGRESS_WRITE), description="Move an order along its lifecycle")
    async def transition_order(self, info: Info, order_id: uuid.UUID, to: OrderStatus, reason: str | None = None) -> OrderPayload:
        row, errors = await mutate(info, lambda s, a: orders.transition(s, a, order_id, to.value, reason))
        return OrderPayload(order=Order_.of(row) if row else None, errors=errors)

    @strawberry.mutation(extensions=requires(Permission.ALLOCATIONS_WRITE),
                         description="Apply an allocation plan atomically; at or above the approval threshold it is stored as a run awaiting two approvals")
    async def submit_allocation_plan(self, info: Info, items: list[PlanItemInput]) -> AllocationPlanPayload:
        raw = {"items": [_input_dict(i) for i in items]}
        outcome, errors = await mutate(info, lambda s, a: matching_service.submit_plan(s, a, convert(PlanIn, raw).items))
        if outcome is None or errors:
            return AllocationPlanPayload(allocations=None, run_id=None, errors=errors)
        if isinstance(outcome, list):
            return AllocationPlanPayload(allocations=[Allocation_.of(r) for r in outcome], run_id=None, errors=[])
        return AllocationPlanPayload(allocations=[], run_id=outcome.id, errors=[])

    @strawberry.mutation(extensions=requires(Permission.ALLOCATIONS_RESPOND), description="The factory accepts or declines a proposed allocation")
    async def respond_to_allocation(self, info: Info, allocation_id: uuid.UUID, accept: bool, reason: str | None = None) -> AllocationPayload:
        row, errors = await mutate(info, lambda s, a: allocation_service.respond(s, a, allocation_id, accept, reason))
        return AllocationPayload(allocation=Allocation_.of(row) if row else None, errors=errors)

    @strawberry.mutation(extensions=requires(Permission.PROGRESS_WRITE), description="Report scan / done / confirm for an operation of an accepted allocation")
    async def report_progress(self, info: Info, allocation_id: uuid.UUID, input: ProgressInput) -> ProgressPayload:
        row, errors = await mutate(info, lambda s, a: allocation_service.report_progress(s, a, allocation_id, convert(ProgressIn, _input_dict(input))))
        return ProgressPayload(progress=ProgressReport_.of(row) if row else None, errors=errors)


class RollbackOnErrors(SchemaExtension):
    """A response that carries any GraphQL error commits nothing."""

    def on_execute(self):
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            request = self.execution_context.context.get("request")
            if request is not None:
                request.scope["state"][ROLLBACK_KEY] = True


class CloseSessionGate(SchemaExtension):
    """The operation is over only when no resolver uses the session any more: fields that
    graphql-core cancelled or left to settle in the background must not reach it after the
    unit of work has ended (api/graphql/support.py SessionGate)."""

    async def on_operation(self):
        try:
            yield
        finally:
            await self.execution_context.context["gate"].close()


def _loaders(gate: SessionGate, actor: Actor) -> dict[str, DataLoader[Any, Any]]:
    def by_id(model: type) -> Callable[[list[uuid.UUID]], Awaitable[list[Any]]]:
        async def load(ids: list[uuid.UUID]) -> list[Any]:
            found = await gate.run(lambda session: repository.visible_by_ids(session, actor, model, ids))
            return [found.get(i) for i in ids]

        return load

    async def load_allocations(order_ids: list[uuid.UUID]) -> list[list[Allocation]]:
        grouped: dict[uuid.UUID, list[Allocation]] = defaultdict(list)
        for row in await gate.run(lambda session: repository.visible_allocations_of_orders(session, actor, order_ids)):
            grouped[row.order_id].append(row)
        return [grouped[i] for i in order_ids]

    return {"offer": DataLoader(by_id(CapacityOffer)), "order": DataLoader(by_id(Order)), "allocations_by_order": DataLoader(load_allocations)}


async def graphql_context(db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> dict[str, Any]:
    # Resolvers get the gate, never the session itself: see SessionGate.
    gate = SessionGate(db_session)
    return {"gate": gate, "actor": actor, "loaders": _loaders(gate, actor)}


# Each capability contributes its own Query / Mutation types; the schema merges them.
AREAS = (matching_graphql, settlement_graphql, quality_graphql, inspection_graphql, forecasting_graphql, integrations_graphql)


def build_schema() -> strawberry.Schema:
    settings = get_settings()
    return strawberry.Schema(
        query=merge_types("Query", (MarketplaceQuery, *(q for area in AREAS for q in area.QUERIES))),
        mutation=merge_types("Mutation", (MarketplaceMutation, *(m for area in AREAS for m in area.MUTATIONS))),
        subscription=merge_types("Subscription", (MarketplaceSubscription,)),
        # Factories, so that every request gets fresh extension instances.
        extensions=[
            lambda: QueryDepthLimiter(max_depth=settings.graphql_max_depth),
            lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
            lambda: MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases),
            RollbackOnErrors,
            lambda: AddValidationRules([NoNulInGraphQLStrings]),
            CloseSessionGate,
        ],
    )
