"""Connectors to a partner factory's own HTTP API (httpx through the guarded shared client).

capacity_pull: GET the factory's capacity document and publish each slot as a capacity offer
through `marketplace.capacity.publish_offer` (same rules as the REST API), with a
declarative mapping of JSON paths to offer fields:

    {"items": "$.data.slots",                       # where the list of slots is
     "key": "$.slot_id",                            # the slot's stable id (imported once)
     "fields": {"process": "$.proc", "capacity_per_day": "$.qty_per_day",
                "window_start": "$.from", "window_end": "$.to", "unit_price_minor": "$.price.fen",
                "resource_code": "$.line"},          # resource_code -> resource id via the code mapping
     "defaults": {"currency": "CNY", "visibility": "alliance"}}

mes_push: on `allocation.accepted` for the factory, POST the allocation to its MES endpoint
(a dramatiq job, retried by dramatiq with backoff); `mapping.fields` renames payload keys.
"""

from __future__ import annotations

import functools
import re
import uuid
from datetime import timedelta
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from capool.clock import utcnow
from capool.currencies import check_currencies
from capool.db import after_commit, end_read_transaction
from capool.errors import Conflict, DomainError, FieldError, InvalidInput, NotFound
from capool.events import OutboxEvent
from capool.jobs import job, job_transaction
from capool.tenancy.actor import Actor, Permission, SystemPurpose, system_actor
from capool.tenancy.models import Organisation
from capool.tenancy.policy import get_visible, get_writable, scoped
from marketplace import capacity, catalogue
from marketplace.integrations import http, mapping
from marketplace.integrations.models import Connector, ConnectorKind
from marketplace.integrations.schemas import ConnectorIn
from marketplace.schemas import OfferIn

_TOKEN = re.compile(r"\.([A-Za-z_][A-Za-z0-9_\-]*)|\[(\d+)\]")


def json_path(document: Any, path: str) -> Any:
    """A small JSON path subset: `$`, `.name`, `[index]` (e.g. `$.data.slots[0].qty`)."""
    if not path.startswith("$"):
        raise ValueError(f"a JSON path starts with '$': {path!r}")
    rest, value = path[1:], document
    while rest:
        match = _TOKEN.match(rest)
        if match is None:
            raise ValueError(f"cannot read JSON path {path!r} at {rest!r}")
        name, index = match.groups()
        if name is not None:
            value = value.get(name) if isinstance(value, dict) else None
        else:
            value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
        rest = rest[match.end():]
        if value is None:
            return None
    return value


def _check_mapping(kind: ConnectorKind, spec: dict[str, Any]) -> None:
    errors = []
    for section in ("fields", "defaults"):
        if not isinstance(spec.get(section) or {}, dict):
            errors.append(FieldError(f"/mapping/{section}", "must be an object"))
    if errors:
        raise InvalidInput("the connector mapping is not valid", errors)
    paths = dict(spec.get("fields") or {})
    if kind == ConnectorKind.CAPACITY_PULL:
        for key in ("items", "key"):
            paths[f"@{key}"] = spec.get(key) or ""
        mapped = set(spec.get("fields") or {}) | set(spec.get("defaults") or {})
        for required in ("process", "window_start", "window_end", "capacity_per_day", "unit_price_minor", "currency"):
            if required not in mapped:
                errors.append(FieldError(f"/mapping/fields/{required}", "needs a JSON path or a default"))
        if "resource_id" not in mapped and "resource_code" not in mapped:
            errors.append(FieldError("/mapping/fields/resource_code", "needs resource_code (mapped) or resource_id"))
    for field, path in paths.items():
        pointer = f"/mapping/{field[1:]}" if field.startswith("@") else f"/mapping/fields/{field}"
        if not isinstance(path, str):
            errors.append(FieldError(pointer, "must be a JSON path string"))
            continue
        try:
            json_path({}, path)
        except ValueError as exc:
            errors.append(FieldError(pointer, str(exc)))
    if errors:
        raise InvalidInput("the connector mapping is not valid", errors)


async def _check_defaults(session: AsyncSession, actor: Actor, defaults: dict[str, Any]) -> None:
    """A fixed process or currency for every pulled slot must be one the platform takes."""
    if isinstance(defaults.get("process"), str):
        await catalogue.check_processes(session, actor.alliance_id, {"/mapping/defaults/process": defaults["process"]})
    if isinstance(defaults.get("currency"), str):
        check_currencies({"/mapping/defaults/currency": defaults["currency"]})


async def create_connector(session: AsyncSession, actor: Actor, data: ConnectorIn) -> Connector:
    try:
        kind = ConnectorKind(data.kind)
    except ValueError as exc:
        raise InvalidInput.at("/kind", f"kind must be one of {', '.join(k.value for k in ConnectorKind)}") from exc
    actor.require(Permission.CONNECTORS_WRITE)
    actor.require(Permission.CAPACITY_WRITE if kind == ConnectorKind.CAPACITY_PULL else Permission.ALLOCATIONS_RESPOND)
    try:
        http.check_url(data.url)
    except http.AddressRefused as exc:
        raise InvalidInput.at("/url", str(exc)) from exc
    _check_mapping(kind, data.mapping)
    await _check_defaults(session, actor, data.mapping.get("defaults") or {})
    row = Connector(organisation_id=actor.organisation_id, name=data.name, kind=kind, url=data.url, mapping=data.mapping,
                    auth_header=data.auth_header, interval_minutes=data.interval_minutes, enabled=data.enabled)
    session.add(row)
    await session.flush()
    return row


async def list_connectors(session: AsyncSession, actor: Actor) -> list[Connector]:
    actor.require(Permission.CONNECTORS_READ)
    return list((await session.execute(scoped(select(Connector), actor, Connector).order_by(Connector.created_at))).scalars())


async def get_connector(session: AsyncSession, actor: Actor, connector_id: uuid.UUID) -> Connector:
    actor.require(Permission.CONNECTORS_READ)
    return await get_visible(session, actor, Connector, connector_id)


async def set_allow_private(session: AsyncSession, connector_id: uuid.UUID, allowed: bool) -> Connector:
    """Operator only (CLI)."""
    row = await session.get(Connector, connector_id)
    if row is None:
        raise NotFound("connector", connector_id)
    row.allow_private = allowed
    await session.flush()
    return row


async def connector_actor(session: AsyncSession, organisation_id: uuid.UUID) -> Actor:
    """The connector acts as a supplier operator of its own organisation."""
    org = await session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound("organisation", organisation_id)
    return system_actor(SystemPurpose.CAPACITY_PULL, org.id, org.alliance_id, org.kind)


def _headers(connector: Connector) -> dict[str, str]:
    if not connector.auth_header:
        return {}
    name, _, value = connector.auth_header.partition(":")
    return {name.strip(): value.strip()} if value else {"Authorization": connector.auth_header}


async def pull_capacity(session: AsyncSession, actor: Actor, connector_id: uuid.UUID) -> dict[str, Any]:
    """Fetch, then map and publish all or nothing (one transaction). Returns a summary.

    The partner's answer is fetched outside any transaction (a slow partner must not hold
    the connector's row lock, or SQLite's write lock, for every tenant); the import then
    runs in a fresh transaction against the connector as it is now."""
    actor.require(Permission.CONNECTORS_WRITE)
    connector = await get_writable(session, actor, Connector, connector_id)
    if connector.kind != ConnectorKind.CAPACITY_PULL:
        raise InvalidInput.at("/kind", "only capacity_pull connectors can be run")
    url, allow_private, auth_header = connector.url, connector.allow_private, connector.auth_header
    await end_read_transaction(session)
    try:
        response = await http.guarded_request("GET", url, allow_private=allow_private, headers=_headers(connector))
        response.raise_for_status()
        document = response.json()
    except (http.AddressRefused, Exception) as exc:  # noqa: BLE001
        raise DomainError(f"could not read {url}: {exc}", "connector_unreachable", 502) from exc
    connector = await get_writable(session, actor, Connector, connector_id, for_update=True)
    if (connector.url, connector.allow_private, connector.auth_header) != (url, allow_private, auth_header):
        raise Conflict("the connector was changed while its source was read; nothing was imported, run it again", "connector_changed")
    connector.last_run_at = utcnow()
    spec = connector.mapping
    items = json_path(document, spec.get("items", "$"))
    if not isinstance(items, list):
        raise InvalidInput.at("/mapping/items", f"{spec.get('items')} is not a list in the partner's answer")
    system = f"connector:{connector.id}"
    created, skipped, errors = [], 0, []
    for n, item in enumerate(items):
        key = str(json_path(item, spec.get("key", "$.id")))
        if await mapping.lookup(session, actor, system, "offer", key):
            skipped += 1
            continue
        values = dict(spec.get("defaults") or {})
        values.update({field: json_path(item, path) for field, path in (spec.get("fields") or {}).items()})
        code = values.pop("resource_code", None)
        if code is not None and "resource_id" not in values:
            values["resource_id"] = await mapping.lookup(session, actor, connector.name, "resource", str(code))
            if values["resource_id"] is None:
                errors.append(FieldError(f"/items/{n}/resource_code", f"no mapping for resource code {code!r} of system {connector.name!r}"))
                continue
        values = {k: v for k, v in values.items() if v is not None}
        try:
            data = msgspec.convert(values, OfferIn, strict=False)
        except msgspec.ValidationError as exc:
            errors.append(FieldError(f"/items/{n}", str(exc)))
            continue
        try:
            offer = await capacity.publish_offer(session, actor, data)
        except DomainError as exc:
            errors.append(FieldError(f"/items/{n}", exc.detail))
            continue
        await mapping.remember(session, actor, system, "offer", key, str(offer.id))
        created.append(str(offer.id))
    if errors:
        raise InvalidInput(f"{len(errors)} of {len(items)} capacity slots could not be imported; nothing was imported", errors)
    connector.last_error = None
    return {"connector_id": str(connector.id), "created": created, "skipped": skipped}


@job(queue_name="integrations", max_retries=3)
async def run_capacity_pull(connector_id: str) -> None:
    cid = uuid.UUID(connector_id)
    try:
        async with job_transaction() as session:
            row = await session.get(Connector, cid)
            if row is None or not row.enabled:
                return
            await pull_capacity(session, await connector_actor(session, row.organisation_id), cid)
    except DomainError as exc:
        async with job_transaction() as session:
            row = await session.get(Connector, cid)
            if row is not None:
                row.last_run_at, row.last_error = utcnow(), f"{exc.detail} {[(e.path, e.message) for e in exc.errors][:20]}"[:2000]


async def due_pulls(session: AsyncSession) -> list[uuid.UUID]:
    now = utcnow()
    rows = (await session.execute(select(Connector).where(Connector.kind == ConnectorKind.CAPACITY_PULL, Connector.enabled.is_(True)))).scalars()
    return [r.id for r in rows if r.last_run_at is None or r.last_run_at + timedelta(minutes=r.interval_minutes) <= now]


@job(queue_name="integrations", max_retries=0)
async def schedule_capacity_pulls() -> None:
    """The periodic job (every minute from the scheduler / cron): enqueue each due pull."""
    async with job_transaction() as session:
        due = await due_pulls(session)
    for connector_id in due:
        run_capacity_pull.send(str(connector_id))


# --- MES push -------------------------------------------------------------------------

async def queue_mes_push(session: AsyncSession, event: OutboxEvent) -> None:
    factory = event.payload.get("factory_org_id")
    if not factory:
        return
    rows = (await session.execute(select(Connector.id).where(
        Connector.organisation_id == uuid.UUID(factory), Connector.kind == ConnectorKind.MES_PUSH, Connector.enabled.is_(True)))).scalars()
    for connector_id in rows:
        after_commit(session, functools.partial(push_allocation.send, str(connector_id), str(event.id)))


def mes_body(connector: Connector, event: OutboxEvent) -> dict[str, Any]:
    source = {"event_id": str(event.id), "type": event.type, **event.payload}
    fields = (connector.mapping or {}).get("fields")
    if not fields:
        return source
    return {target: json_path(source, path) for target, path in fields.items()}


@job(queue_name="integrations", max_retries=8)
async def push_allocation(connector_id: str, event_id: str) -> None:
    """POST the accepted allocation to the factory's MES; raising lets dramatiq retry with backoff.
    `Idempotency-Key` is the event id, so the MES can drop a repeated push."""
    async with job_transaction() as session:
        connector = await session.get(Connector, uuid.UUID(connector_id))
        event = await session.get(OutboxEvent, uuid.UUID(event_id))
        if connector is None or event is None or not connector.enabled:
            return
        url, allow_private, headers, body = connector.url, connector.allow_private, _headers(connector), mes_body(connector, event)
    response = await http.guarded_request("POST", url, allow_private=allow_private, json=body,
                                          headers=headers | {"Idempotency-Key": event_id})
    if response.status_code >= 300:
        raise RuntimeError(f"MES answered {response.status_code}")

