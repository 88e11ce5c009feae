"""The hand-written layer under the generated calls: one httpx transport that

* gives every POST an `Idempotency-Key` (a fresh uuid per call, or the one set with
  `idempotency_key(...)`), the same key on each retry of that call, so a create retried after
  a lost answer is applied once (the server answers the stored response again);
* retries connection errors, timeouts and 429 / 502 / 503 / 504 with exponential backoff and
  jitter, honouring `Retry-After` (httpx-retries); POSTs are retried because they carry a key;
* turns error answers (problem+json) into typed exceptions (capool_client.problems).

The generated `sync` / `asyncio` functions go through it unchanged: it serves both the sync
and the async httpx client."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from httpx_retries import Retry, RetryTransport

from capool_client.problems import problem_from_response

IDEMPOTENCY_HEADER = "Idempotency-Key"
# Methods retried on a retryable answer or error: the safe and idempotent ones, and POST (each
# carries an Idempotency-Key). PATCH is not retried.
RETRIED_METHODS = ("HEAD", "GET", "OPTIONS", "PUT", "DELETE", "POST")
DEFAULT_RETRY = Retry(total=3, backoff_factor=0.5, max_backoff_wait=8.0, allowed_methods=RETRIED_METHODS,
                      status_forcelist=[429, 502, 503, 504], total_timeout=30.0)
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)

_key: contextvars.ContextVar[str | None] = contextvars.ContextVar("capool_idempotency_key", default=None)


@contextmanager
def idempotency_key(key: str) -> Iterator[str]:
    """Send `key` as the Idempotency-Key of the POST made inside the block (wrap one call):

        with idempotency_key("po-4711"):
            order = place_order.sync(client=capool, body=OrderIn(...))

    Calling again with the same key and body answers the first call's response."""
    token = _key.set(key)
    try:
        yield key
    finally:
        _key.reset(token)


def _prepare(request: httpx.Request) -> None:
    if request.method == "POST" and IDEMPOTENCY_HEADER not in request.headers:
        request.headers[IDEMPOTENCY_HEADER] = _key.get() or str(uuid.uuid4())


class CapoolTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Idempotency keys, retries and problem exceptions around `transport` (by default httpx's
    own HTTP transports; any other, e.g. httpx.ASGITransport or httpx.MockTransport, works).
    `retry=None` turns retries off; `raise_problems=False` leaves error answers to the caller."""

    def __init__(self, transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None, *,
                 retry: Retry | None = DEFAULT_RETRY, raise_problems: bool = True) -> None:
        self._inner = RetryTransport(transport, retry=retry or Retry(total=0))
        self.raise_problems = raise_problems

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _prepare(request)
        response = self._inner.handle_request(request)
        if self.raise_problems and response.status_code >= 400:
            try:
                response.read()
            finally:
                response.close()
            raise problem_from_response(response)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        _prepare(request)
        response = await self._inner.handle_async_request(request)
        if self.raise_problems and response.status_code >= 400:
            try:
                await response.aread()
            finally:
                await response.aclose()
            raise problem_from_response(response)
        return response

    def close(self) -> None:
        self._inner.close()

    async def aclose(self) -> None:
        await self._inner.aclose()
