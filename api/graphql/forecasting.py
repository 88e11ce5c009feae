"""GraphQL for forecasting: Query / Mutation types merged into the schema by api.graphql.schema."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import strawberry
from strawberry.types import Info

from api.graphql.permissions import requires
from api.graphql.support import call
from capool.tenancy.actor import Permission
from forecasting import service
from forecasting.models import Granularity


@strawberry.type
class DemandPoint:
    process: str
    step: int
    period_start: dt.date
    period_end: dt.date
    model: str
    yhat: float
    lo80: float
    hi80: float
    lo95: float
    hi95: float


@strawberry.type
class DemandForecast:
    run_id: uuid.UUID | None
    granularity: str
    engine: str | None
    engine_version: str | None
    created_at: dt.datetime | None
    points: list[DemandPoint]


@strawberry.type
class TrafficLight:
    scope: str
    key: str
    label: str
    colour: str
    reasons: list[str]


@strawberry.type
class Kpi:
    name: str
    value: float | None
    target: str
    met: bool | None


@strawberry.type
class SelfCheckPoint:
    name: str
    met: bool | None


@strawberry.type
class SelfCheck:
    score: int
    verdict: str
    points: list[SelfCheckPoint]


@strawberry.type
class KpiReport:
    window_start: dt.datetime
    window_end: dt.datetime
    kpis: list[Kpi]
    self_check: SelfCheck
    notes: list[str]


@strawberry.enum
class ForecastGranularity(enum.Enum):
    DAILY = "daily"
    WEEKLY = "weekly"


@strawberry.type
class ForecastingQuery:
    @strawberry.field(extensions=requires(Permission.FORECAST_READ), description="The caller's latest demand forecast per process (horizon in days, 7-28).")
    async def demand_forecast(self, info: Info, process: str | None = None, horizon: int = 28,
                              granularity: ForecastGranularity = ForecastGranularity.DAILY) -> DemandForecast:
        result = await call(info, lambda s, a: service.demand_forecast(s, a, process, horizon, Granularity(granularity.value)))
        return DemandForecast(
            run_id=result.run_id, granularity=result.granularity, engine=result.engine, engine_version=result.engine_version,
            created_at=result.created_at,
            points=[DemandPoint(process=p.process, step=p.step, period_start=p.period_start, period_end=p.period_end, model=p.model,
                                yhat=p.yhat, lo80=p.lo_80, hi80=p.hi_80, lo95=p.lo_95, hi95=p.hi_95) for p in result.points],
        )

    @strawberry.field(extensions=requires(Permission.FORECAST_READ), description="Traffic lights per alliance, factory and process, with reasons.")
    async def traffic_lights(self, info: Info) -> list[TrafficLight]:
        lights = await call(info, lambda s, a: service.traffic_lights(s, a))
        return [TrafficLight(scope=x.scope, key=x.key, label=x.label, colour=x.colour, reasons=x.reasons) for x in lights]

    @strawberry.field(extensions=requires(Permission.FORECAST_READ), description="KPIs with targets and the 4-point self-check (default window: the last 30 days).")
    async def kpis(self, info: Info, start: dt.datetime | None = None, end: dt.datetime | None = None) -> KpiReport:
        report = await call(info, lambda s, a: service.kpis(s, a, start, end))
        return KpiReport(
            window_start=report.window_start, window_end=report.window_end,
            kpis=[Kpi(name=k.name, value=k.value, target=k.target, met=k.met) for k in report.kpis],
            self_check=SelfCheck(score=report.self_check.score, verdict=report.self_check.verdict,
                                 points=[SelfCheckPoint(name=n, met=m) for n, m in report.self_check.points.items()]),
            notes=report.notes,
        )


QUERIES: tuple[type, ...] = (ForecastingQuery,)
MUTATIONS: tuple[type, ...] = ()
