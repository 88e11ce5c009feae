"""Request building and sending shared by the sync and async clients.

Creating POSTs carry an `Idempotency-Key`: one uuid per logical call, reused on every retry
of that call, so a retried create after a lost answer is applied once (the server replays
the stored answer). Retries: connection errors and 502 / 503 / 504, with backoff."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)
RETRY_STATUSES = {502, 503, 504}


@dataclass
class Call:
    method: str
    path: str
    json: Any = None
    params: dict[str, Any] | None = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    idempotent_create: bool = False

    def __post_init__(self) -> None:
        if self.idempotent_create and "Idempotency-Key" not in self.headers:
            self.headers["Idempotency-Key"] = str(uuid.uuid4())
        if self.params:
            self.params = {k: (str(v) if not isinstance(v, str | int | float | bool) else v) for k, v in self.params.items() if v is not None}

    def retryable(self) -> bool:
        return self.method in ("GET", "HEAD", "PUT", "DELETE") or "Idempotency-Key" in self.headers


def auth_headers(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}


def backoff(attempt: int) -> float:
    return min(8.0, 0.25 * 2 ** attempt)


# The paths and methods the client calls (tests check each against the OpenAPI document).
CALLS: dict[str, tuple[str, str]] = {
    "create_site": ("POST", "/v1/sites"),
    "list_sites": ("GET", "/v1/sites"),
    "create_resource": ("POST", "/v1/resources"),
    "list_resources": ("GET", "/v1/resources"),
    "publish_offer": ("POST", "/v1/offers"),
    "list_offers": ("GET", "/v1/offers"),
    "get_offer": ("GET", "/v1/offers/{offer_id}"),
    "change_offer": ("PATCH", "/v1/offers/{offer_id}"),
    "withdraw_offer": ("POST", "/v1/offers/{offer_id}/withdraw"),
    "place_order": ("POST", "/v1/orders"),
    "list_orders": ("GET", "/v1/orders"),
    "get_order": ("GET", "/v1/orders/{order_id}"),
    "transition_order": ("POST", "/v1/orders/{order_id}/transitions"),
    "track_order": ("GET", "/v1/orders/{order_id}/tracking"),
    "order_events": ("GET", "/v1/orders/{order_id}/events"),
    "apply_plan": ("POST", "/v1/allocation-plans"),
    "list_allocations": ("GET", "/v1/allocations"),
    "get_allocation": ("GET", "/v1/allocations/{allocation_id}"),
    "respond": ("POST", "/v1/allocations/{allocation_id}/response"),
    "report_progress": ("POST", "/v1/allocations/{allocation_id}/progress"),
    "list_progress": ("GET", "/v1/progress"),
    "create_webhook": ("POST", "/v1/webhooks"),
    "list_webhooks": ("GET", "/v1/webhooks"),
    "import_file": ("POST", "/v1/exchange/{kind}/import"),
    "export_file": ("GET", "/v1/exchange/{kind}/export"),
}


def parse_sse(lines: list[str]) -> dict[str, str] | None:
    """One server-sent event from its lines (without the blank separator)."""
    event: dict[str, str] = {}
    data: list[str] = []
    for line in lines:
        if not line or line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        elif name in ("event", "id"):
            event[name] = value
    if not data:
        return None
    event["data"] = "\n".join(data)
    return event
