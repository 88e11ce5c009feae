"""REST for integrations: webhooks (endpoints, deliveries, replay), file exchange, code
mappings, connectors and the order status stream (server-sent events). app.py mounts
every handler in ROUTES."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage
from msgspec import Struct
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import reauthenticating, requires
from api.middleware import credential_of
from capool.errors import DomainError, InvalidInput
from capool.tenancy.actor import Actor, Permission
from capool.tenancy.policy import get_visible
from marketplace.integrations import connectors, exchange, mapping, webhooks
from marketplace.integrations.schemas import ConnectorIn, EndpointChange, EndpointIn, MappingIn
from marketplace.models import Order
from marketplace.status_feed import StatusFeed


class EndpointOut(Struct):
    id: uuid.UUID
    organisation_id: uuid.UUID
    url: str
    description: str | None
    event_types: list[str]
    enabled: bool
    allow_private: bool
    circuit_state: str
    consecutive_failures: int
    created_at: datetime


class EndpointCreatedOut(Struct):
    endpoint: EndpointOut
    secret: str  # shown once: the HMAC key of Capool-Signature


class DeliveryOut(Struct):
    id: uuid.UUID
    endpoint_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class AttemptOut(Struct):
    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryLogOut(Struct):
    delivery: DeliveryOut
    body: dict[str, Any]
    attempts: list[AttemptOut]


class EventTypeOut(Struct):
    type: str
    permission: str


class MappingOut(Struct):
    id: uuid.UUID
    system: str
    kind: str
    external_code: str
    master_ref: str
    created_at: datetime


class ConnectorOut(Struct):
    id: uuid.UUID
    name: str
    kind: str
    url: str
    mapping: dict[str, Any]
    enabled: bool
    allow_private: bool
    interval_minutes: int
    last_run_at: datetime | None
    last_error: str | None
    created_at: datetime


class ImportOut(Struct):
    kind: str
    imported: int
    ids: list[uuid.UUID]


class ListOut(Struct):
    items: list[Any]


def _endpoint(row: Any) -> EndpointOut:
    return EndpointOut(row.id, row.organisation_id, row.url, row.description, list(row.event_types), row.enabled, row.allow_private,
                       row.circuit_state.value, row.consecutive_failures, row.created_at)


def _delivery(row: Any) -> DeliveryOut:
    return DeliveryOut(row.id, row.endpoint_id, row.event_id, row.event_type, row.status.value, row.attempts, row.next_attempt_at,
                       row.last_status_code, row.last_error, row.delivered_at, row.created_at)


def _connector(row: Any) -> ConnectorOut:
    return ConnectorOut(row.id, row.name, row.kind.value, row.url, row.mapping, row.enabled, row.allow_private, row.interval_minutes,
                        row.last_run_at, row.last_error, row.created_at)


class WebhookController(Controller):
    path = "/v1"
    tags = ["webhooks"]

    @get("/webhook-event-types", **requires(Permission.WEBHOOKS_READ), summary="Event types a partner may subscribe to")
    async def event_types(self, actor: NamedDependency[Actor]) -> list[EventTypeOut]:
        return [EventTypeOut(t, p) for t, p in sorted(webhooks.EVENT_PERMISSIONS.items())]

    @post("/webhooks", **requires(Permission.WEBHOOKS_WRITE), status_code=201, summary="Subscribe an HTTPS endpoint to event types (answers the signing secret once)")
    async def create(self, data: JSONBody[EndpointIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> EndpointCreatedOut:
        row = await webhooks.create_endpoint(db_session, actor, data)
        return EndpointCreatedOut(_endpoint(row), row.secret)

    @get("/webhooks", **requires(Permission.WEBHOOKS_READ), summary="This organisation's webhook endpoints")
    async def list(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ListOut:
        return ListOut([_endpoint(r) for r in await webhooks.list_endpoints(db_session, actor)])

    @get("/webhooks/{endpoint_id:uuid}", **requires(Permission.WEBHOOKS_READ), summary="One webhook endpoint")
    async def read(self, endpoint_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> EndpointOut:
        return _endpoint(await webhooks.get_endpoint(db_session, actor, endpoint_id))

    @patch("/webhooks/{endpoint_id:uuid}", **requires(Permission.WEBHOOKS_WRITE), summary="Change URL, event types or enable / disable")
    async def change(self, endpoint_id: FromPath[uuid.UUID], data: JSONBody[EndpointChange], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> EndpointOut:
        return _endpoint(await webhooks.update_endpoint(db_session, actor, endpoint_id, data))

    @delete("/webhooks/{endpoint_id:uuid}", **requires(Permission.WEBHOOKS_WRITE), summary="Remove an endpoint and its delivery log")
    async def remove(self, endpoint_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> None:
        await webhooks.delete_endpoint(db_session, actor, endpoint_id)

    @get("/webhooks/{endpoint_id:uuid}/deliveries", **requires(Permission.DELIVERIES_READ), summary="The endpoint's deliveries, newest first")
    async def deliveries(self, endpoint_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], status: FromQuery[str | None] = None,
                         limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100) -> ListOut:
        return ListOut([_delivery(d) for d in await webhooks.list_deliveries(db_session, actor, endpoint_id, status, limit)])

    @get("/webhook-deliveries/{delivery_id:uuid}", **requires(Permission.DELIVERIES_READ), summary="A delivery, its body and every attempt (the delivery log)")
    async def delivery(self, delivery_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> DeliveryLogOut:
        row, attempts = await webhooks.delivery_log(db_session, actor, delivery_id)
        return DeliveryLogOut(_delivery(row), row.body, [AttemptOut(a.attempted_at, a.status_code, a.error, a.duration_ms) for a in attempts])

    @post("/webhook-deliveries/{delivery_id:uuid}/replay", **requires(Permission.DELIVERIES_REPLAY), status_code=202, summary="Send a delivery again (same delivery id)")
    async def replay(self, delivery_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> DeliveryOut:
        return _delivery(await webhooks.replay_delivery(db_session, actor, delivery_id))


def _format(request: Request, fmt: str | None, filename: str | None) -> str:
    if fmt:
        if fmt not in ("csv", "xlsx", "json"):
            raise InvalidInput.at("/format", "format must be csv, xlsx or json")
        return fmt
    if filename and filename.lower().endswith(".xlsx"):
        return "xlsx"
    if exchange.XLSX in request.headers.get("content-type", ""):
        return "xlsx"
    if request.headers.get("content-type", "").startswith("application/json"):
        return "json"
    return "csv"


class ExchangeController(Controller):
    path = "/v1/exchange"
    tags = ["file exchange"]

    @post("/{kind:str}/import", **requires(Permission.CAPACITY_WRITE, Permission.ORDERS_WRITE, Permission.PROGRESS_WRITE), status_code=201, summary="Import offers / orders / progress from CSV or Excel; all rows or none",
          description="Send multipart/form-data with a `file` part, the file itself as text/csv or the xlsx content type, "
                      "or application/json {\"rows\": [{column: value}]}. "
                      "`system` names the external system whose codes (resource_code, product_code, customer_code) the file uses.")
    async def import_file(self, kind: FromPath[str], request: Request, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], system: FromQuery[str | None] = None,
                          format: FromQuery[str | None] = None) -> ImportOut:  # noqa: A002
        exchange.kind_of(kind)
        filename = None
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form()
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise InvalidInput.at("/file", "send the file in a multipart part named 'file'")
            filename = upload.filename
            content = await upload.read()
        else:
            content = await request.body()
        if not content:
            raise InvalidInput.at("/file", "the request has no file")
        ids = await exchange.import_file(db_session, actor, kind, content, _format(request, format, filename), system)
        return ImportOut(kind, len(ids), ids)

    @get("/{kind:str}/export", **requires(Permission.CAPACITY_READ, Permission.ORDERS_READ), summary="Export offers / orders / progress as CSV or Excel")
    async def export(self, kind: FromPath[str], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], format: FromQuery[str] = "csv") -> Response[bytes]:  # noqa: A002
        if format not in ("csv", "xlsx"):
            raise InvalidInput.at("/format", "format must be csv or xlsx")
        columns, rows = await exchange.export_rows(db_session, actor, kind)
        if format == "xlsx":
            body, media = exchange.to_xlsx(columns, rows, kind), exchange.XLSX
        else:
            body, media = exchange.to_csv(columns, rows), "text/csv; charset=utf-8"
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{kind}.{format}"'})


class MappingController(Controller):
    path = "/v1/code-mappings"
    tags = ["file exchange"]

    @post("/", **requires(Permission.MAPPINGS_WRITE), status_code=201, summary="Map an external system's code to a master id")
    async def create(self, data: JSONBody[MappingIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> MappingOut:
        row = await mapping.create_mapping(db_session, actor, data)
        return MappingOut(row.id, row.system, row.kind, row.external_code, row.master_ref, row.created_at)

    @get("/", **requires(Permission.MAPPINGS_READ), summary="This organisation's code mappings")
    async def list(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], system: FromQuery[str | None] = None, kind: FromQuery[str | None] = None) -> ListOut:
        rows = await mapping.list_mappings(db_session, actor, system, kind)
        return ListOut([MappingOut(r.id, r.system, r.kind, r.external_code, r.master_ref, r.created_at) for r in rows])

    @delete("/{mapping_id:uuid}", **requires(Permission.MAPPINGS_WRITE), summary="Remove a code mapping")
    async def remove(self, mapping_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> None:
        await mapping.delete_mapping(db_session, actor, mapping_id)


class ConnectorController(Controller):
    path = "/v1/connectors"
    tags = ["connectors"]

    @post("/", **requires(Permission.CONNECTORS_WRITE), status_code=201, summary="Register a capacity_pull or mes_push connector")
    async def create(self, data: JSONBody[ConnectorIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ConnectorOut:
        return _connector(await connectors.create_connector(db_session, actor, data))

    @get("/", **requires(Permission.CONNECTORS_READ), summary="This organisation's connectors")
    async def list(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ListOut:
        return ListOut([_connector(r) for r in await connectors.list_connectors(db_session, actor)])

    @post("/{connector_id:uuid}/run", **requires(Permission.CONNECTORS_WRITE), status_code=200, summary="Pull capacity now (all slots or none)")
    async def run(self, connector_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> dict[str, Any]:
        return await connectors.pull_capacity(db_session, actor, connector_id)


@get("/v1/orders/{order_id:uuid}/events", **requires(Permission.ORDERS_READ), tags=["orders"], summary="Order status changes as server-sent events",
     description="Sends the order's status history, then each new change (event `status`, id = change id). Reconnect with "
                 "Last-Event-ID to resume. `follow=false` ends after the history; the stream ends after `max_wait` seconds.")
async def order_events(order_id: FromPath[uuid.UUID], request: Request, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], follow: FromQuery[bool] = True,
                       max_wait: Annotated[int, QueryParameter(ge=1, le=3600)] = 300) -> ServerSentEvent:
    order_id = (await get_visible(db_session, actor, Order, order_id)).id
    feed = StatusFeed(request.app.state.session_factory, reauthenticating(credential_of(request.scope)), order_id, after=request.headers.get("last-event-id"))
    await db_session.rollback()  # hold no transaction (on SQLite: no lock) while the stream is open

    async def stream() -> AsyncIterator[ServerSentEventMessage]:
        try:
            async with feed:
                async for change in feed.changes(follow=follow, max_wait=max_wait):
                    yield ServerSentEventMessage(event="status", id=str(change.id), data=json.dumps({
                        "order_id": str(change.order_id), "from": change.from_status.value if change.from_status else None,
                        "to": change.to_status.value, "reason": change.reason, "occurred_at": change.occurred_at.isoformat()}))
        except DomainError:
            return  # the key was revoked or the order is no longer visible to it: the stream ends

    return ServerSentEvent(stream())


ROUTES: list[Any] = [WebhookController, ExchangeController, MappingController, ConnectorController, order_events]
