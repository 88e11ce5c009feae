"""The order status stream (GET /v1/orders/{order_id}/events, server-sent events), which the
generator does not model: each status change as an OrderStatusEvent.

    for change in order_events(capool, order_id, max_wait=600):
        print(change.from_status, "->", change.to)

Resume after a break with `last_event_id=` the last event's id."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from capool_client.generated.client import AuthenticatedClient


@dataclass(frozen=True)
class OrderStatusEvent:
    id: str
    order_id: str
    from_status: str | None
    to: str
    reason: str | None
    occurred_at: str
    data: dict[str, Any] = field(default_factory=dict)


def _request(order_id: str, follow: bool, max_wait: int, last_event_id: str | None) -> dict[str, Any]:
    headers = {"Accept": "text/event-stream"} | ({"Last-Event-ID": last_event_id} if last_event_id else {})
    return {"method": "GET", "url": f"/v1/orders/{order_id}/events", "params": {"follow": str(follow).lower(), "max_wait": max_wait},
            "headers": headers, "timeout": httpx.Timeout(max_wait + 30.0, connect=5.0)}


class _Parser:
    """Server-sent event lines in, status events out (comments and other event types skipped)."""

    def __init__(self) -> None:
        self.event: dict[str, str] = {}
        self.data: list[str] = []

    def feed(self, line: str) -> OrderStatusEvent | None:
        if line:
            if not line.startswith(":"):
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "data":
                    self.data.append(value)
                elif name in ("event", "id"):
                    self.event[name] = value
            return None
        event, data = self.event, self.data
        self.event, self.data = {}, []
        if not data or event.get("event", "status") != "status":
            return None
        body = json.loads("\n".join(data))
        return OrderStatusEvent(id=event.get("id", ""), order_id=str(body.get("order_id", "")), from_status=body.get("from"),
                                to=str(body.get("to", "")), reason=body.get("reason"), occurred_at=str(body.get("occurred_at", "")), data=body)


def order_events(client: AuthenticatedClient, order_id: str, *, follow: bool = True, max_wait: int = 300,
                 last_event_id: str | None = None) -> Iterator[OrderStatusEvent]:
    """The order's status history, then (follow=True) each change as it happens, for up to max_wait seconds."""
    parser = _Parser()
    with client.get_httpx_client().stream(**_request(order_id, follow, max_wait, last_event_id)) as response:
        for line in response.iter_lines():
            if (event := parser.feed(line)) is not None:
                yield event


async def aorder_events(client: AuthenticatedClient, order_id: str, *, follow: bool = True, max_wait: int = 300,
                        last_event_id: str | None = None) -> AsyncIterator[OrderStatusEvent]:
    """order_events() on the async httpx client."""
    parser = _Parser()
    async with client.get_async_httpx_client().stream(**_request(order_id, follow, max_wait, last_event_id)) as response:
        async for line in response.aiter_lines():
            if (event := parser.feed(line)) is not None:
                yield event
