"""Typed Python client for the capool REST API.

`capool_client.generated` is generated from the API's OpenAPI document by
openapi-python-client (`make client`; do not edit it): one module per operation under
`generated.api.<tag>` with `sync`, `sync_detailed`, `asyncio` and `asyncio_detailed`, and
attrs models under `generated.models`. The rest is a thin hand-written layer:

* `connect()`: the generated AuthenticatedClient on CapoolTransport (Idempotency-Key per POST,
  reused on retries; retries with backoff on 429 / 502 / 503 / 504 and connection errors;
  problem+json answers raised as ProblemError subclasses);
* `idempotency_key()`: choose the key of a call; `pages()` / `apages()`: walk a cursor list;
* `order_events()` / `aorder_events()`: the order status stream (server-sent events);
* `verify_signature()`: check a webhook delivery's signature.

    from capool_client import connect
    from capool_client.generated.api.orders import place_order
    from capool_client.generated.models import OrderIn

    with connect("https://capool.example.com", api_key="cpk_...") as capool:
        order = place_order.sync(client=capool, body=OrderIn(...))
"""

from __future__ import annotations

from typing import Any

import httpx
from httpx_retries import Retry

from capool_client.events import OrderStatusEvent, aorder_events, order_events
from capool_client.generated.client import AuthenticatedClient, Client
from capool_client.paging import apages, pages
from capool_client.problems import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    FieldProblem,
    NotFoundError,
    PermissionDeniedError,
    ProblemError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from capool_client.resilience import DEFAULT_RETRY, DEFAULT_TIMEOUT, CapoolTransport, idempotency_key
from capool_client.signing import REPLAY_WINDOW_S, verify_signature


def connect(base_url: str, api_key: str, *, transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
            retry: Retry | None = DEFAULT_RETRY, raise_problems: bool = True, timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
            headers: dict[str, str] | None = None, **httpx_args: Any) -> AuthenticatedClient:
    """The generated AuthenticatedClient for `base_url` with the API key as bearer token, on
    CapoolTransport around `transport` (default: a real HTTP connection pool; pass e.g.
    httpx.ASGITransport(app) to call an app in-process). Use it for sync and async calls alike;
    close it with `with` / `async with` (or `.get_httpx_client().close()`)."""
    timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
    return AuthenticatedClient(
        base_url=base_url, token=api_key, timeout=timeout, headers={"Accept": "application/json", **(headers or {})},
        raise_on_unexpected_status=True,
        httpx_args={"transport": CapoolTransport(transport, retry=retry, raise_problems=raise_problems), **httpx_args},
    )


__all__ = [
    "DEFAULT_RETRY", "REPLAY_WINDOW_S", "AuthenticatedClient", "AuthenticationError", "BadRequestError", "CapoolTransport", "Client",
    "ConflictError", "FieldProblem", "NotFoundError", "OrderStatusEvent", "PermissionDeniedError", "ProblemError", "RateLimitedError", "Retry", "ServerError",
    "ValidationError", "aorder_events", "apages", "connect", "idempotency_key", "order_events", "pages", "verify_signature",
]
