"""Per-request observability: a request id on every response and log line, HTTP metrics by
route template, and the `/metrics` exposition for Prometheus."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import time
from typing import Any

import structlog
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import PUBLIC, requires
from capool import observability
from capool.errors import Unauthenticated

access_log = logging.getLogger("capool.access")


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1") or None
        request_id = observability.new_request_id(incoming)
        structlog.contextvars.clear_contextvars()
        observability.bind(request_id=request_id, method=scope["method"], path=scope["path"])
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("path_template") or "unmatched"
            seconds = time.perf_counter() - started
            observability.HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
            observability.HTTP_SECONDS.labels(scope["method"], route).observe(seconds)
            access_log.info("request", extra={"route": route, "status": status, "duration_ms": round(seconds * 1000, 2)})
            structlog.contextvars.clear_contextvars()


def _loopback(request: Request[Any, Any, Any]) -> bool:
    try:
        return request.client is not None and ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False


@get("/metrics", **requires(PUBLIC), tags=["health"], summary="Prometheus metrics of this process", media_type="text/plain; version=0.0.4",
     include_in_schema=True)
async def metrics(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Response[bytes]:
    """With METRICS_TOKEN set, a scraper sends it as `Authorization: Bearer ...`;
    without it only loopback clients (a sidecar, the host's Prometheus) are answered."""
    settings = request.app.state.settings
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    if token is not None:
        sent = request.headers.get("authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            raise Unauthenticated("send the metrics token as 'Authorization: Bearer ...'")
    elif not _loopback(request):
        raise Unauthenticated("metrics are served to loopback clients only unless METRICS_TOKEN is set")
    await observability.refresh_database_gauges(db_session)
    return Response(observability.exposition(), media_type="text/plain; version=0.0.4; charset=utf-8")
