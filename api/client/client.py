"""Typed sync and async clients for the capool buyer and supplier APIs (httpx).

    from api.client import CapoolClient
    with CapoolClient("https://capool.example", api_key="cpk_...") as capool:
        order = capool.place_order({"reference": "PO-1", "product": "tee", "process": "screen_printing",
                                    "quantity": 500, "due_at": "2026-12-20T00:00:00Z", "currency": "CNY"})
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any, cast

import httpx

from api.client import models as m
from api.client._core import DEFAULT_TIMEOUT, RETRY_STATUSES, Call, auth_headers, backoff, parse_sse
from api.client.errors import raise_for_problem


def _event(raw: dict[str, str]) -> m.OrderStatusEvent:
    data = json.loads(raw["data"])
    return cast(m.OrderStatusEvent, {"id": raw.get("id", ""), **data})


class CapoolClient:
    """Synchronous client. `transport` lets tests and proxies plug in (e.g. httpx.MockTransport)."""

    def __init__(self, base_url: str, api_key: str, *, timeout: httpx.Timeout | float = DEFAULT_TIMEOUT, retries: int = 2,
                 transport: httpx.BaseTransport | None = None, http: httpx.Client | None = None) -> None:
        self.retries = retries
        self._http = http or httpx.Client(base_url=base_url, timeout=timeout, transport=transport, follow_redirects=False)
        self._http.headers.update(auth_headers(api_key))

    def __enter__(self) -> CapoolClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _send(self, call: Call) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self._http.request(call.method, call.path, json=call.json, params=call.params, content=call.content, headers=call.headers)
            except httpx.TransportError:
                if attempt >= self.retries or not call.retryable():
                    raise
            else:
                if response.status_code not in RETRY_STATUSES or attempt >= self.retries or not call.retryable():
                    raise_for_problem(response)
                    return response
            attempt += 1
            time.sleep(backoff(attempt))

    def _json(self, call: Call) -> Any:
        response = self._send(call)
        return response.json() if response.content else None

    # sites and resources
    def create_site(self, site: m.SiteIn) -> m.Site:
        return self._json(Call("POST", "/v1/sites", json=site, idempotent_create=True))

    def list_sites(self, *, cursor: str | None = None, limit: int | None = None) -> m.Page[m.Site]:
        return self._json(Call("GET", "/v1/sites", params={"cursor": cursor, "limit": limit}))

    def create_resource(self, resource: m.ResourceIn) -> m.Resource:
        return self._json(Call("POST", "/v1/resources", json=resource, idempotent_create=True))

    def list_resources(self, *, cursor: str | None = None, limit: int | None = None) -> m.Page[m.Resource]:
        return self._json(Call("GET", "/v1/resources", params={"cursor": cursor, "limit": limit}))

    # offers (supplier)
    def publish_offer(self, offer: m.OfferIn) -> m.Offer:
        return self._json(Call("POST", "/v1/offers", json=offer, idempotent_create=True))

    def list_offers(self, *, process: str | None = None, status: str | None = None, cursor: str | None = None, limit: int | None = None) -> m.Page[m.Offer]:
        return self._json(Call("GET", "/v1/offers", params={"process": process, "status": status, "cursor": cursor, "limit": limit}))

    def get_offer(self, offer_id: str) -> m.Offer:
        return self._json(Call("GET", f"/v1/offers/{offer_id}"))

    def change_offer(self, offer_id: str, change: m.OfferChange) -> m.Offer:
        return self._json(Call("PATCH", f"/v1/offers/{offer_id}", json=change))

    def withdraw_offer(self, offer_id: str, reason: str) -> m.WithdrawResult:
        return self._json(Call("POST", f"/v1/offers/{offer_id}/withdraw", json={"reason": reason}, idempotent_create=True))

    # orders (buyer)
    def place_order(self, order: m.OrderIn, *, idempotency_key: str | None = None) -> m.Order:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return self._json(Call("POST", "/v1/orders", json=order, headers=headers, idempotent_create=True))

    def list_orders(self, *, status: str | None = None, process: str | None = None, cursor: str | None = None, limit: int | None = None) -> m.Page[m.Order]:
        return self._json(Call("GET", "/v1/orders", params={"status": status, "process": process, "cursor": cursor, "limit": limit}))

    def iter_orders(self, **filters: Any) -> Iterator[m.Order]:
        cursor = None
        while True:
            page = self.list_orders(cursor=cursor, **filters)
            yield from page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return

    def get_order(self, order_id: str) -> m.Order:
        return self._json(Call("GET", f"/v1/orders/{order_id}"))

    def transition_order(self, order_id: str, to: str, reason: str | None = None) -> m.Order:
        return self._json(Call("POST", f"/v1/orders/{order_id}/transitions", json={"to": to, "reason": reason}, idempotent_create=True))

    def track_order(self, order_id: str) -> m.Tracking:
        return self._json(Call("GET", f"/v1/orders/{order_id}/tracking"))

    def order_events(self, order_id: str, *, follow: bool = True, max_wait: int = 300, last_event_id: str | None = None) -> Iterator[m.OrderStatusEvent]:
        headers = {"Accept": "text/event-stream"} | ({"Last-Event-ID": last_event_id} if last_event_id else {})
        params = {"follow": str(follow).lower(), "max_wait": max_wait}
        with self._http.stream("GET", f"/v1/orders/{order_id}/events", params=params, headers=headers, timeout=max_wait + 30) as response:
            if response.status_code >= 400:
                response.read()
                raise_for_problem(response)
            lines: list[str] = []
            for line in response.iter_lines():
                if line == "":
                    raw = parse_sse(lines)
                    lines = []
                    if raw and raw.get("event", "status") == "status":
                        yield _event(raw)
                else:
                    lines.append(line)

    # allocation plans and responses
    def apply_plan(self, items: list[m.PlanItem]) -> list[m.Allocation]:
        """The allocations; a plan at or above the approval threshold answers (202) the run to approve instead."""
        return self._json(Call("POST", "/v1/allocation-plans", json={"items": items}, idempotent_create=True))

    def list_allocations(self, *, order_id: str | None = None, status: str | None = None, cursor: str | None = None, limit: int | None = None) -> m.Page[m.Allocation]:
        return self._json(Call("GET", "/v1/allocations", params={"order_id": order_id, "status": status, "cursor": cursor, "limit": limit}))

    def get_allocation(self, allocation_id: str) -> m.Allocation:
        return self._json(Call("GET", f"/v1/allocations/{allocation_id}"))

    def respond(self, allocation_id: str, accept: bool, reason: str | None = None) -> m.Allocation:
        return self._json(Call("POST", f"/v1/allocations/{allocation_id}/response", json={"accept": accept, "reason": reason}, idempotent_create=True))

    # progress (supplier) and tracking
    def report_progress(self, allocation_id: str, progress: m.ProgressIn) -> m.Progress:
        return self._json(Call("POST", f"/v1/allocations/{allocation_id}/progress", json=progress, idempotent_create=True))

    def list_progress(self, *, order_id: str | None = None, allocation_id: str | None = None, cursor: str | None = None, limit: int | None = None) -> m.Page[m.Progress]:
        return self._json(Call("GET", "/v1/progress", params={"order_id": order_id, "allocation_id": allocation_id, "cursor": cursor, "limit": limit}))

    # integrations
    def create_webhook(self, url: str, event_types: list[str], description: str | None = None) -> m.WebhookCreated:
        return self._json(Call("POST", "/v1/webhooks", json={"url": url, "event_types": event_types, "description": description}, idempotent_create=True))

    def list_webhooks(self) -> list[m.WebhookEndpoint]:
        return self._json(Call("GET", "/v1/webhooks"))["items"]

    def import_file(self, kind: str, content: bytes, *, format: str = "csv", system: str | None = None) -> m.ImportResult:  # noqa: A002
        media = "text/csv" if format == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return self._json(Call("POST", f"/v1/exchange/{kind}/import", content=content, params={"format": format, "system": system},
                               headers={"Content-Type": media}, idempotent_create=True))

    def export_file(self, kind: str, *, format: str = "csv") -> bytes:  # noqa: A002
        return self._send(Call("GET", f"/v1/exchange/{kind}/export", params={"format": format})).content


class AsyncCapoolClient:
    """Asynchronous client with the same methods as CapoolClient (awaitable)."""

    def __init__(self, base_url: str, api_key: str, *, timeout: httpx.Timeout | float = DEFAULT_TIMEOUT, retries: int = 2,
                 transport: httpx.AsyncBaseTransport | None = None, http: httpx.AsyncClient | None = None) -> None:
        self.retries = retries
        self._http = http or httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport, follow_redirects=False)
        self._http.headers.update(auth_headers(api_key))

    async def __aenter__(self) -> AsyncCapoolClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(self, call: Call) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await self._http.request(call.method, call.path, json=call.json, params=call.params, content=call.content, headers=call.headers)
            except httpx.TransportError:
                if attempt >= self.retries or not call.retryable():
                    raise
            else:
                if response.status_code not in RETRY_STATUSES or attempt >= self.retries or not call.retryable():
                    raise_for_problem(response)
                    return response
            attempt += 1
            await asyncio.sleep(backoff(attempt))

    async def _json(self, call: Call) -> Any:
        response = await self._send(call)
        return response.json() if response.content else None

    async def create_site(self, site: m.SiteIn) -> m.Site:
        return await self._json(Call("POST", "/v1/sites", json=site, idempotent_create=True))

    async def list_sites(self, *, cursor: str | None = None, limit: int | None = None) -> m.Page[m.Site]:
        return await self._json(Call("GET", "/v1/sites", params={"cursor": cursor, "limit": limit}))

    async def create_resource(self, resource: m.ResourceIn) -> m.Resource:
        return await self._json(Call("POST", "/v1/resources", json=resource, idempotent_create=True))

    async def list_resources(self, *, cursor: str | None = None, limit: int | None = None) -> m.Page[m.Resource]:
        return await self._json(Call("GET", "/v1/resources", params={"cursor": cursor, "limit": limit}))

    async def publish_offer(self, offer: m.OfferIn) -> m.Offer:
        return await self._json(Call("POST", "/v1/offers", json=offer, idempotent_create=True))

    async def list_offers(self, *, process: str | None = None, status: str | None = None, cursor: str | None = None, limit: int | None = None) -> m.Page[m.Offer]:
        return await self._json(Call("GET", "/v1/offers", params={"process": process, "status": status, "cursor": cursor, "limit": limit}))

    async def get_offer(self, offer_id: str) -> m.Offer:
        return await self._json(Call("GET", f"/v1/offers/{offer_id}"))

    async def change_offer(self, offer_id: str, change: m.OfferChange) -> m.Offer:
        return await self._json(Call("PATCH", f"/v1/offers/{offer_id}", json=change))

    async def withdraw_offer(self, offer_id: str, reason: str) -> m.WithdrawResult:
        return await self._json(Call("POST", f"/v1/offers/{offer_id}/withdraw", json={"reason": reason}, idempotent_create=True))

    async def place_order(self, order: m.OrderIn, *, idempotency_key: str | None = None) -> m.Order:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return await self._json(Call("POST", "/v1/orders", json=order, headers=headers, idempotent_create=True))

    async def list_orders(self, *, status: str | None = None, process: str | None = None, cursor: str | None = None, limit: int | None = None) -> m.Page[m.Order]:
        return await self._json(Call("GET", "/v1/orders", params={"status": status, "process": process, "cursor": cursor, "limit": limit}))

    async def iter_orders(self, **filters: Any) -> AsyncIterator[m.Order]:
        cursor = None
        while True:
            page = await self.list_orders(cursor=cursor, **filters)
            for item in page["items"]:
                yield item
            cursor = page["next_cursor"]
            if not cursor:
                return

    async def get_order(self, order_id: str) -> m.Order:
        return await self._json(Call("GET", f"/v1/orders/{order_id}"))

    async def transition_order(self, order_id: str, to: str, reason: str | None = None) -> m.Order:
        return await self._json(Call("POST", f"/v1/orders/{order_id}/transitions", json={"to": to, "reason": reason}, idempotent_create=True))

    async def track_order(self, order_id: str) -> m.Tracking:
        return await self._json(Call("GET", f"/v1/orders/{order_id}/tracking"))

    async def order_events(self, order_id: str, *, follow: bool = True, max_wait: int = 300, last_event_id: str | None = None) -> AsyncIterator[m.OrderStatusEvent]:
        headers = {"Accept": "text/event-stream"} | ({"Last-Event-ID": last_event_id} if last_event_id else {})
        params = {"follow": str(follow).lower(), "max_wait": max_wait}
        async with self._http.stream("GET", f"/v1/orders/{order_id}/events", params=params, headers=headers, timeout=max_wait + 30) as response:
            if response.status_code >= 400:
                await response.aread()
                raise_for_problem(response)
            lines: list[str] = []
            async for line in response.aiter_lines():
                if line == "":
                    raw = parse_sse(lines)
                    lines = []
                    if raw and raw.get("event", "status") == "status":
                        yield _event(raw)
                else:
                    lines.append(line)

    async def apply_plan(self, items: list[m.PlanItem]) -> list[m.Allocation]:
        return await self._json(Call("POST", "/v1/allocation-plans", json={"items": items}, idempotent_create=True))

    async def list_allocations(self, *, order_id: str | None = None, status: str | None = None, cursor: str | None = None, limit: int | None = None) -> m.Page[m.Allocation]:
        return await self._json(Call("GET", "/v1/allocations", params={"order_id": order_id, "status": status, "cursor": cursor, "limit": limit}))

    async def get_allocation(self, allocation_id: str) -> m.Allocation:
        return await self._json(Call("GET", f"/v1/allocations/{allocation_id}"))

    async def respond(self, allocation_id: str, accept: bool, reason: str | None = None) -> m.Allocation:
        return await self._json(Call("POST", f"/v1/allocations/{allocation_id}/response", json={"accept": accept, "reason": reason}, idempotent_create=True))

    async def report_progress(self, allocation_id: str, progress: m.ProgressIn) -> m.Progress:
        return await self._json(Call("POST", f"/v1/allocations/{allocation_id}/progress", json=progress, idempotent_create=True))

    async def list_progress(self, *, order_id: str | None = None, allocation_id: str | None = None, cursor: str | None = None, limit: int | None = None) -> m.Page[m.Progress]:
        return await self._json(Call("GET", "/v1/progress", params={"order_id": order_id, "allocation_id": allocation_id, "cursor": cursor, "limit": limit}))

    async def create_webhook(self, url: str, event_types: list[str], description: str | None = None) -> m.WebhookCreated:
        return await self._json(Call("POST", "/v1/webhooks", json={"url": url, "event_types": event_types, "description": description}, idempotent_create=True))

    async def list_webhooks(self) -> list[m.WebhookEndpoint]:
        return (await self._json(Call("GET", "/v1/webhooks")))["items"]

    async def import_file(self, kind: str, content: bytes, *, format: str = "csv", system: str | None = None) -> m.ImportResult:  # noqa: A002
        media = "text/csv" if format == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return await self._json(Call("POST", f"/v1/exchange/{kind}/import", content=content, params={"format": format, "system": system},
                                     headers={"Content-Type": media}, idempotent_create=True))

    async def export_file(self, kind: str, *, format: str = "csv") -> bytes:  # noqa: A002
        return (await self._send(Call("GET", f"/v1/exchange/{kind}/export", params={"format": format}))).content
