"""Webhooks: per-organisation subscriptions to domain events, stored deliveries sent by a
dramatiq job with an HMAC signature, exponential backoff, a delivery log, manual replay
and a per-endpoint circuit breaker.

Fan-out (`fan_out`, an outbox consumer) creates one delivery row per matching endpoint in
the outbox job's transaction, only for organisations that may see the event (`recipients`).
The send job (`deliver_webhook`) is enqueued after that transaction commits; it never holds
a transaction open during the HTTP call.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from capool.clock import utcnow
from capool.config import get_settings
from capool.db import after_commit
from capool.errors import FieldError, InvalidInput
from capool.events import OutboxEvent
from capool.jobs import job, job_transaction
from capool.tenancy.actor import Actor, Permission
from capool.tenancy.models import Organisation
from capool.tenancy.policy import get_visible, get_writable, scoped
from marketplace.integrations import http
from marketplace.integrations.models import (
    CircuitState,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from marketplace.integrations.schemas import EndpointChange, EndpointIn
from marketplace.integrations.signing import sign
from marketplace.models import Allocation, Order, OrderStatus

log = logging.getLogger(__name__)

# Event types a partner may subscribe to, and the permission needed to receive each.
EVENT_PERMISSIONS: dict[str, str] = {
    "allocation.proposed": Permission.ORDERS_READ,  # an order was allocated to a factory
    "allocation.accepted": Permission.ORDERS_READ,
    "allocation.declined": Permission.ORDERS_READ,
    "allocation.reduced": Permission.ORDERS_READ,  # a repair moved its unproduced units off a withdrawn offer
    "progress.reported": Permission.ORDERS_READ,
    "order.produced": Permission.ORDERS_READ,
    **{f"order.{status.value}": Permission.ORDERS_READ for status in OrderStatus},  # status changes
    "quality.lot_decided": Permission.QUALITY_READ,
    "quality.spc_alert": Permission.QUALITY_READ,
    "settlement.payment_released": Permission.LEDGER_READ,
    "health.alert": Permission.FORECAST_READ,
    "forecast.warning": Permission.FORECAST_READ,
    "equipment.alert": Permission.FORECAST_READ,
    "withdrawal.alert": Permission.ORDERS_READ,  # the buyer's accepted work sits on a withdrawn offer
}

# Tunables (module-level so an operator or a test can shorten them).
MAX_ATTEMPTS = 8
BACKOFF_BASE_S = 2.0  # attempt n waits BACKOFF_BASE_S * 2**(n-1), capped
BACKOFF_CAP_S = 3600.0
BREAKER_THRESHOLD = 5  # consecutive failures that open the circuit
BREAKER_COOLDOWN_S = 60.0  # open -> half-open after this long

ORG_KEYS = ("buyer_org_id", "factory_org_id", "organisation_id")


# --- management -----------------------------------------------------------------------

def _check_types(actor: Actor, types: list[str], pointer: str = "/event_types") -> list[str]:
    errors = []
    for i, name in enumerate(types):
        permission = EVENT_PERMISSIONS.get(name)
        if permission is None:
            errors.append(FieldError(f"{pointer}/{i}", f"unknown event type {name!r}; known: {', '.join(sorted(EVENT_PERMISSIONS))}"))
        elif not actor.can(permission):
            errors.append(FieldError(f"{pointer}/{i}", f"receiving {name} needs the {permission} permission"))
    if errors:
        raise InvalidInput("some event types cannot be subscribed to", errors)
    return sorted(set(types))


async def _check_url(url: str, allow_private: bool = False) -> str:
    """The send-time address check, run when the URL is entered so that what could never be
    delivered is refused up front."""
    try:
        await http.resolve_checked(url, allow_private)
    except http.UnresolvedHost:
        pass  # it may resolve by the first delivery; the send-time check still decides then
    except http.AddressRefused as exc:
        raise InvalidInput.at("/url", str(exc)) from exc
    return url


async def create_endpoint(session: AsyncSession, actor: Actor, data: EndpointIn) -> WebhookEndpoint:
    """A new endpoint with a fresh signing secret (shown once in the create answer)."""
    actor.require(Permission.WEBHOOKS_WRITE)
    endpoint = WebhookEndpoint(
        organisation_id=actor.organisation_id, url=await _check_url(data.url), description=data.description,
        event_types=_check_types(actor, data.event_types), secret="whsec_" + secrets.token_urlsafe(32), enabled=data.enabled,
    )
    session.add(endpoint)
    await session.flush()
    return endpoint


async def list_endpoints(session: AsyncSession, actor: Actor) -> list[WebhookEndpoint]:
    actor.require(Permission.WEBHOOKS_READ)
    statement = scoped(select(WebhookEndpoint), actor, WebhookEndpoint).order_by(WebhookEndpoint.created_at)
    return list((await session.execute(statement)).scalars())


async def get_endpoint(session: AsyncSession, actor: Actor, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    actor.require(Permission.WEBHOOKS_READ)
    return await get_visible(session, actor, WebhookEndpoint, endpoint_id)


async def update_endpoint(session: AsyncSession, actor: Actor, endpoint_id: uuid.UUID, data: EndpointChange) -> WebhookEndpoint:
    actor.require(Permission.WEBHOOKS_WRITE)
    if data.url is not None:
        # Resolved before the row is locked: a slow resolver must not hold the lock.
        current = await get_visible(session, actor, WebhookEndpoint, endpoint_id)
        await _check_url(data.url, current.allow_private and data.url == current.url)
    endpoint = await get_writable(session, actor, WebhookEndpoint, endpoint_id, for_update=True)
    if data.url is not None and data.url != endpoint.url:
        endpoint.url = data.url
        endpoint.allow_private = False  # an operator's exception holds for the URL it was granted for
    if data.event_types is not None:
        endpoint.event_types = _check_types(actor, data.event_types)
    if data.description is not None:
        endpoint.description = data.description
    if data.enabled is not None:
        endpoint.enabled = data.enabled
        if data.enabled:
            endpoint.circuit_state, endpoint.consecutive_failures = CircuitState.CLOSED, 0
    await session.flush()
    return endpoint


async def delete_endpoint(session: AsyncSession, actor: Actor, endpoint_id: uuid.UUID) -> None:
    actor.require(Permission.WEBHOOKS_WRITE)
    endpoint = await get_writable(session, actor, WebhookEndpoint, endpoint_id, for_update=True)
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
    await session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
    await session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    await session.delete(endpoint)
    await session.flush()


async def set_allow_private(session: AsyncSession, endpoint_id: uuid.UUID, allowed: bool) -> WebhookEndpoint:
    """Operator only (CLI): let one endpoint reach private / loopback / link-local addresses."""
    endpoint = await session.get(WebhookEndpoint, endpoint_id, with_for_update=True)
    if endpoint is None:
        from capool.errors import NotFound

        raise NotFound("webhook endpoint", endpoint_id)
    endpoint.allow_private = allowed
    await session.flush()
    return endpoint


async def list_deliveries(session: AsyncSession, actor: Actor, endpoint_id: uuid.UUID, status: str | None = None, limit: int = 100) -> list[WebhookDelivery]:
    actor.require(Permission.DELIVERIES_READ)
    endpoint = await get_visible(session, actor, WebhookEndpoint, endpoint_id)
    statement = scoped(select(WebhookDelivery), actor, WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if status:
        try:
            statement = statement.where(WebhookDelivery.status == DeliveryStatus(status))
        except ValueError as exc:
            raise InvalidInput.at("/status", f"status must be one of {', '.join(s.value for s in DeliveryStatus)}") from exc
    statement = statement.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()).limit(limit)
    return list((await session.execute(statement)).scalars())


async def delivery_log(session: AsyncSession, actor: Actor, delivery_id: uuid.UUID) -> tuple[WebhookDelivery, list[WebhookAttempt]]:
    actor.require(Permission.DELIVERIES_READ)
    delivery = await get_visible(session, actor, WebhookDelivery, delivery_id)
    statement = scoped(select(WebhookAttempt), actor, WebhookAttempt).where(WebhookAttempt.delivery_id == delivery.id).order_by(WebhookAttempt.attempted_at, WebhookAttempt.id)
    return delivery, list((await session.execute(statement)).scalars())


async def replay_delivery(session: AsyncSession, actor: Actor, delivery_id: uuid.UUID) -> WebhookDelivery:
    """Send a delivery again (same delivery id, so an idempotent receiver can tell)."""
    actor.require(Permission.DELIVERIES_REPLAY)
    delivery = await get_writable(session, actor, WebhookDelivery, delivery_id, for_update=True)
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = utcnow()
    delivery.attempts = 0
    _send_after_commit(session, delivery.id)
    await session.flush()
    return delivery


# --- fan-out ---------------------------------------------------------------------------

async def recipients(session: AsyncSession, event: OutboxEvent) -> set[uuid.UUID]:
    """Organisations that may see `event`: the organisation that caused it, those named in its
    payload (buyer / factory), the buyer of the order and the factory of the allocation it is
    about. Never an organisation of another alliance."""
    payload = event.payload or {}
    orgs: set[uuid.UUID] = {event.organisation_id}
    for key in ORG_KEYS:
        value = payload.get(key)
        if isinstance(value, str):
            try:
                orgs.add(uuid.UUID(value))
            except ValueError:
                pass
    order_id = _uuid(payload.get("order_id")) or (event.aggregate_id if event.aggregate_type == "order" else None)
    if order_id:
        buyer = await session.scalar(select(Order.buyer_org_id).where(Order.id == order_id))
        if buyer:
            orgs.add(buyer)
    allocation_id = _uuid(payload.get("allocation_id")) or (event.aggregate_id if event.aggregate_type == "allocation" else None)
    if allocation_id:
        factory = await session.scalar(select(Allocation.factory_org_id).where(Allocation.id == allocation_id))
        if factory:
            orgs.add(factory)
    same_alliance = select(Organisation.id).where(Organisation.id.in_(orgs), Organisation.alliance_id == event.alliance_id)
    return set((await session.execute(same_alliance)).scalars())


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def envelope(event: OutboxEvent, delivery_id: uuid.UUID) -> dict[str, Any]:
    return {
        "id": str(event.id), "delivery_id": str(delivery_id), "type": event.type, "occurred_at": event.occurred_at.isoformat(),
        "aggregate": {"type": event.aggregate_type, "id": str(event.aggregate_id)}, "data": event.payload,
    }


async def fan_out(session: AsyncSession, event: OutboxEvent) -> int:
    if event.type not in EVENT_PERMISSIONS:
        return 0
    orgs = await recipients(session, event)
    if not orgs:
        return 0
    endpoints = (await session.execute(
        select(WebhookEndpoint).where(WebhookEndpoint.organisation_id.in_(orgs), WebhookEndpoint.enabled.is_(True))
    )).scalars()
    existing = set((await session.execute(select(WebhookDelivery.endpoint_id).where(WebhookDelivery.event_id == event.id))).scalars())
    created = 0
    now = utcnow()
    for endpoint in endpoints:
        if event.type not in endpoint.event_types or endpoint.id in existing:
            continue
        delivery = WebhookDelivery(endpoint_id=endpoint.id, organisation_id=endpoint.organisation_id, event_id=event.id,
                                   event_type=event.type, body={}, next_attempt_at=now)
        delivery.body = envelope(event, delivery.id)
        session.add(delivery)
        _send_after_commit(session, delivery.id)
        created += 1
    await session.flush()
    return created


def _send_after_commit(session: AsyncSession, delivery_id: uuid.UUID) -> None:
    after_commit(session, lambda: _enqueue(delivery_id))


def _enqueue(delivery_id: uuid.UUID) -> None:
    try:
        deliver_webhook.send(str(delivery_id))
    except Exception:  # broker down: sweep_webhooks sends it later
        log.exception("could not enqueue webhook delivery %s", delivery_id)


# --- sending ---------------------------------------------------------------------------

def backoff_s(attempts: int) -> float:
    return float(min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1)))


def _circuit_allows(endpoint: WebhookEndpoint, now: datetime) -> tuple[bool, float]:
    """(may send now, seconds to wait otherwise).

    closed: send. open: wait until the cool-down has passed, then go half-open and let this
    one delivery probe. half-open: one probe at a time; `circuit_opened_at` then marks when the
    probe started, and a probe that never reported is replaced after another cool-down."""
    if endpoint.circuit_state == CircuitState.CLOSED:
        return True, 0.0
    since = endpoint.circuit_opened_at or now
    ready_at = since + timedelta(seconds=BREAKER_COOLDOWN_S)
    if now < ready_at:
        return False, max(0.05, (ready_at - now).total_seconds())
    endpoint.circuit_state, endpoint.circuit_opened_at = CircuitState.HALF_OPEN, now
    return True, 0.0


async def attempt(delivery_id: uuid.UUID) -> str:
    """One send of a delivery; returns what happened. Reschedules itself on failure."""
    async with job_transaction() as session:
        delivery = await session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return "skipped"
        endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id, with_for_update=True)
        if endpoint is None or not endpoint.enabled:
            return "disabled"
        now = utcnow()
        if delivery.next_attempt_at and delivery.next_attempt_at > now + timedelta(milliseconds=5):
            _schedule(delivery.id, (delivery.next_attempt_at - now).total_seconds())
            return "early"
        allowed, wait = _circuit_allows(endpoint, now)
        if not allowed:
            delivery.next_attempt_at = now + timedelta(seconds=wait)
            _schedule_after_commit(session, delivery.id, wait)
            return "circuit_open"
        delivery.attempts += 1
        url, allow_private, secret = endpoint.url, endpoint.allow_private, endpoint.secret
        body = json.dumps(delivery.body, separators=(",", ":"), sort_keys=True).encode()
        headers_base = {"Content-Type": "application/json", "Capool-Delivery-Id": str(delivery.id),
                        "Capool-Event-Id": str(delivery.event_id), "Capool-Event-Type": delivery.event_type}
        attempt_no = delivery.attempts
    # The HTTP call runs outside any transaction.
    timestamp = int(time.time())
    headers = headers_base | {"Capool-Timestamp": str(timestamp), "Capool-Signature": sign(secret, timestamp, body)}
    started = time.perf_counter()
    status_code: int | None = None
    error: str | None = None
    try:
        response = await http.guarded_request("POST", url, allow_private=allow_private, headers=headers, content=body)
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except http.UnresolvedHost as exc:
        error = str(exc)
    except http.AddressRefused:
        error = http.NOT_ALLOWED  # never the resolved address: that would map the internal network
    except Exception as exc:  # noqa: BLE001 (network errors of every kind count as a failed attempt)
        error = f"{type(exc).__name__}: {exc}"[:2000]
    duration_ms = int((time.perf_counter() - started) * 1000)
    if error is not None:
        from capool.observability import WEBHOOK_FAILURES

        WEBHOOK_FAILURES.labels("http_status" if status_code is not None else "network").inc()
    return await _record(delivery_id, attempt_no, status_code, error, duration_ms)


async def _record(delivery_id: uuid.UUID, attempt_no: int, status_code: int | None, error: str | None, duration_ms: int) -> str:
    async with job_transaction() as session:
        delivery = await session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if delivery is None:
            return "gone"
        endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id, with_for_update=True)
        now = utcnow()
        session.add(WebhookAttempt(delivery_id=delivery.id, organisation_id=delivery.organisation_id, attempted_at=now,
                                   status_code=status_code, error=error, duration_ms=duration_ms))
        delivery.last_status_code, delivery.last_error = status_code, error
        if error is None:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
            if endpoint is not None:
                endpoint.consecutive_failures = 0
                endpoint.circuit_state, endpoint.circuit_opened_at = CircuitState.CLOSED, None
            return "delivered"
        if endpoint is not None:
            endpoint.consecutive_failures += 1
            if endpoint.circuit_state == CircuitState.HALF_OPEN or endpoint.consecutive_failures >= BREAKER_THRESHOLD:
                endpoint.circuit_state, endpoint.circuit_opened_at = CircuitState.OPEN, now
        if attempt_no >= MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            return "failed"
        wait = backoff_s(attempt_no)
        delivery.next_attempt_at = now + timedelta(seconds=wait)
        _schedule_after_commit(session, delivery.id, wait)
        return "retry"


def _schedule(delivery_id: uuid.UUID, wait_s: float) -> None:
    try:
        deliver_webhook.send_with_options(args=(str(delivery_id),), delay=max(1, int(wait_s * 1000)))
    except Exception:
        log.exception("could not schedule webhook delivery %s; the sweep will", delivery_id)


def _schedule_after_commit(session: AsyncSession, delivery_id: uuid.UUID, wait_s: float) -> None:
    after_commit(session, lambda: _schedule(delivery_id, wait_s))


# Failed sends reschedule themselves (backoff, breaker); the few retries here only cover an
# unexpected error around them (a dropped database connection), and `attempt` is idempotent.
@job(queue_name="webhooks", max_retries=3, min_backoff=500, max_backoff=5_000)
async def deliver_webhook(delivery_id: str) -> None:
    """Send one stored delivery; backoff and the circuit breaker reschedule it themselves."""
    await attempt(uuid.UUID(delivery_id))


async def sweep_webhooks(session: AsyncSession, limit: int = 500) -> int:
    """Re-send pending deliveries that are due but whose message was lost (broker down, crash)."""
    statement = (select(WebhookDelivery.id)
                 .where(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at < utcnow() - timedelta(seconds=30))
                 .order_by(WebhookDelivery.next_attempt_at).limit(limit))
    ids = list((await session.execute(statement)).scalars())
    for delivery_id in ids:
        _schedule(delivery_id, 0)
    return len(ids)


@job(queue_name="webhooks", max_retries=0)
async def sweep_webhooks_job() -> None:
    """Periodic (scheduler / cron): re-enqueue due deliveries."""
    async with job_transaction() as session:
        await sweep_webhooks(session)


# --- retention -------------------------------------------------------------------------

ENDED = (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)


async def purge_ended_deliveries(session: AsyncSession, created_before: datetime, batch: int = 1000) -> int:
    """Delete up to `batch` deliveries that ended (delivered or failed) and were created before
    `created_before`, with their attempts; returns how many. Pending deliveries stay."""
    ended = (select(WebhookDelivery.id)
             .where(WebhookDelivery.status.in_(ENDED), WebhookDelivery.created_at < created_before)
             .order_by(WebhookDelivery.created_at).limit(batch))
    ids = list((await session.execute(ended)).scalars())
    if ids:
        await session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids)))
        await session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(ids)))
    return len(ids)


async def purge_old_deliveries() -> int:
    """Apply the retention period (`retention.webhook_deliveries_days`), batch by batch, each
    batch in its own transaction; returns how many deliveries were deleted."""
    retention = get_settings().retention
    created_before = utcnow() - timedelta(days=retention.webhook_deliveries_days)
    purged = 0
    while True:
        async with job_transaction() as session:
            deleted = await purge_ended_deliveries(session, created_before, retention.purge_batch)
        purged += deleted
        if deleted < retention.purge_batch:
            return purged


@job(queue_name="webhooks", max_retries=3)
async def purge_old_deliveries_job() -> None:
    await purge_old_deliveries()
