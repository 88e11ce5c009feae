"""Cross-tenant cases for forecasting and capacity health (see tests/tenancy.py): the
victim brand's demand forecast, its factory's health and its resources stay its own."""

from __future__ import annotations

from capool.db import create_session_factory
from forecasting import jobs
from forecasting.models import Granularity
from tests.forecasting.test_api import add_history
from tests.tenancy import Case, Ctx, GraphQLCase, Request

BUYERS = ("other_buyer", "outsider")
FACTORIES = ("floating", "outsider")
EVERYONE = ("other_buyer", "floating", "outsider")


async def seed(ctx: Ctx) -> None:
    await add_history(ctx.engine, ctx.world.brand.org_id, per_day=40, days=60)
    async with create_session_factory(ctx.engine)() as session:
        run = await jobs.refresh_one(session, ctx.world.brand.org_id, ctx.world.alliance_id, Granularity.DAILY, 14)
        await session.commit()
    assert run is not None
    ctx.ids["forecast_run"] = str(run.id)


CASES: dict[tuple[str, str], Case] = {
    ("GET", "/v1/forecasts/demand"): Case("absent", BUYERS, lambda c: Request("/v1/forecasts/demand", params={"horizon": 14})),
    # Aggregates per process and week of the offers the caller itself sees; no ids.
    ("GET", "/v1/forecasts/capacity"): Case("absent", EVERYONE, lambda c: Request("/v1/forecasts/capacity", params={"horizon": 14})),
    # Only partner factories of a buyer read its forecast; the floating factory is none of the brand's.
    ("GET", "/v1/forecasts/partner"): Case("absent", FACTORIES, lambda c: Request("/v1/forecasts/partner")),
    ("GET", "/v1/health/lights"): Case("absent", EVERYONE, lambda c: Request("/v1/health/lights")),
    ("GET", "/v1/health/kpis"): Case("absent", EVERYONE, lambda c: Request("/v1/health/kpis")),
    ("POST", "/v1/telemetry"): Case("404", FACTORIES, lambda c: Request("/v1/telemetry", {
        "resource_id": c.ids["resource"], "readings": [{"cycle": 1, "current_a": 12.5, "measured_at": "2026-11-23T08:00:00Z"}]})),
}

GRAPHQL_CASES: dict[str, GraphQLCase] = {
    "Query.demandForecast": GraphQLCase("absent", BUYERS, lambda c: ("{ demandForecast(horizon: 14) { runId } }", {})),
    "Query.trafficLights": GraphQLCase("absent", EVERYONE, lambda c: ("{ trafficLights { scope key label colour reasons } }", {})),
    "Query.kpis": GraphQLCase("absent", EVERYONE, lambda c: ("{ kpis { kpis { name value } } }", {})),
}
