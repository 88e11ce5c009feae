"""The ASGI application: REST controllers, GraphQL, the unit of work and problem details."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi.spec import Components
from sqlalchemy.ext.asyncio import AsyncEngine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import portal
from api.authz import SECURITY_SCHEMES
from api.deps import provide_actor, provide_session
from api.graphql.http import graphql_controller
from api.graphql.subscriptions import with_websocket_auth
from api.headers import add_security_headers
from api.limits import RequestLimitsMiddleware
from api.middleware import UnitOfWorkMiddleware
from api.observability import ObservabilityMiddleware, metrics
from api.openapi import CapoolOpenAPIConfig
from api.problems import EXCEPTION_HANDLERS
from api.rest import catenax as catenax_rest
from api.rest import forecasting as forecasting_rest
from api.rest import inspection as inspection_rest
from api.rest import integrations as integrations_rest
from api.rest import matching as matching_rest
from api.rest import quality as quality_rest
from api.rest import settlement as settlement_rest
from api.rest.admin import AnalyticsController, DeadLetterController, MemberController, health, ready
from api.rest.capacity import (
    OfferController,
    PartnershipController,
    ResourceController,
    SiteController,
)
from api.rest.catalogue import ProcessController
from api.rest.orders import AllocationController, OrderController
from api.viewers import RENDER_PLUGINS, assets_router
from capool import jobs, scheduler, wiring  # noqa: F401  (wiring: every table and outbox consumer)
from capool.config import Settings, get_settings, require_secrets
from capool.db import create_engine, create_session_factory
from capool.ratelimit import RateLimits

log = logging.getLogger(__name__)
# Each capability mounts its own REST handlers.
AREA_ROUTES = (matching_rest, settlement_rest, quality_rest, inspection_rest, forecasting_rest, integrations_rest, catenax_rest)


def _broker_check(broker: Any) -> str:
    client = getattr(broker, "client", None)
    if client is None:
        return "ok"  # the in-process broker lives in this process
    try:
        client.ping()
        return "ok"
    except Exception as exc:  # readiness reports, it does not fail
        return f"error: {type(exc).__name__}"


def create_app(settings: Settings | None = None, *, engine: AsyncEngine | None = None, run_worker: bool | None = None) -> Litestar:
    """`run_worker` defaults to True for the embedded (no Redis) setup, where the API process
    consumes its own jobs; with Redis, `capool worker` processes do that."""
    # Refused here, not at the first request: a deployment without its secrets never serves.
    settings = require_secrets(settings or get_settings())

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        owns_engine = engine is None
        active_engine = engine or create_engine(settings.database_url, echo=settings.sql_echo)
        app.state.session_factory = create_session_factory(active_engine)
        broker = jobs.use_broker(settings.redis_url)
        jobs.job_database.configure(str(active_engine.url.render_as_string(hide_password=False)))
        app.state.broker_check = lambda: _broker_check(broker)
        worker = None
        schedule = None
        stop_schedule = asyncio.Event()
        if run_worker if run_worker is not None else settings.redis_url is None:
            worker = jobs.start_worker(broker)
            schedule = asyncio.create_task(scheduler.run_embedded_schedule(
                app.state.session_factory, stop_schedule,
                tick=timedelta(seconds=settings.scheduler_tick_seconds), lease=timedelta(seconds=settings.scheduler_lease_seconds)))
        try:
            yield
        finally:
            if schedule:
                stop_schedule.set()
                try:
                    await asyncio.wait_for(schedule, timeout=settings.worker_drain_seconds)
                except TimeoutError:
                    log.warning("periodic task still running at shutdown; cancelled (its lease expires by itself)")
            if worker:
                worker.stop()
            if owns_engine:
                await active_engine.dispose()

    # Forwarded headers are believed only from the configured proxies, and in the app rather
    # than in uvicorn (`capool serve` turns uvicorn's off), so that every way of serving the
    # app, and the tests, take the same path: the scheme decides Secure cookies, the client
    # address is what rate limits count.
    proxy = [DefineMiddleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)] if settings.trusted_proxies else []
    graphql = with_websocket_auth(graphql_controller())
    return Litestar(
        route_handlers=[
            health, ready, metrics, ProcessController, SiteController, ResourceController, OfferController, PartnershipController,
            OrderController, AllocationController, AnalyticsController, MemberController, DeadLetterController, graphql,
            *(handler for area in AREA_ROUTES for handler in area.ROUTES),
            *portal.ROUTES, assets_router,
        ],
        dependencies={"db_session": Provide(provide_session), "actor": Provide(provide_actor)},
        middleware=[ObservabilityMiddleware, *proxy, RequestLimitsMiddleware, UnitOfWorkMiddleware],
        before_send=[add_security_headers],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[lifespan],
        # With an engine given (tests, embedding) the app serves without its lifespan running.
        state=State({
            "session_factory": create_session_factory(engine) if engine else None, "broker_check": lambda: "ok",
            "settings": settings, "rate_limits": RateLimits(settings),
        }),
        openapi_config=CapoolOpenAPIConfig(title="capool API", version="0.1.0", description="Capacity-as-a-service marketplace: supplier, buyer and alliance APIs. "
                                     "Each operation's security requirement names the permission its API key needs.",
                                     path="/schema", components=Components(security_schemes=SECURITY_SCHEMES), render_plugins=RENDER_PLUGINS),
        debug=False,
    )
