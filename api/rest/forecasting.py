"""REST for forecasting and capacity health; app.py mounts every handler in ROUTES."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from msgspec import Struct
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import requires
from api.rest.schemas import out
from capool.tenancy.actor import Actor, Permission
from forecasting import service
from forecasting.models import Granularity
from forecasting.schemas import TelemetryIn


class ForecastPointOut(Struct):
    process: str
    step: int
    period_start: date
    period_end: date
    model: str
    yhat: float
    lo_80: float
    hi_80: float
    lo_95: float
    hi_95: float


class DemandForecastOut(Struct):
    run_id: uuid.UUID | None
    granularity: str
    engine: str | None
    engine_version: str | None
    created_at: datetime | None
    points: list[ForecastPointOut]


class PartnerForecastOut(Struct):
    buyer: str
    process: str
    day: date
    yhat: float
    lo_80: float
    hi_80: float


class CapacityWeekOut(Struct):
    process: str
    week: str
    start: date
    end: date
    published: int
    booked: int
    free: int
    available: int
    partner_spare: int
    floating_spare: int


class LightOut(Struct):
    scope: str
    key: str
    label: str
    colour: str
    reasons: list[str]


class KpiOut(Struct):
    name: str
    value: float | None
    target: str
    met: bool | None


class SelfCheckOut(Struct):
    score: int
    points: dict[str, bool | None]
    verdict: str


class KpiReportOut(Struct):
    window_start: datetime
    window_end: datetime
    kpis: list[KpiOut]
    self_check: SelfCheckOut
    notes: list[str]


class TelemetryOut(Struct):
    resource_id: uuid.UUID
    stored: int
    cycles_checked: int
    alert_id: uuid.UUID | None
    alert_opened: bool
    offers_reduced: list[uuid.UUID]
    offers_withdrawn: list[uuid.UUID]


Horizon = QueryParameter(name="horizon", ge=7, le=28, description="days ahead, 7-28")
ProcessParam = QueryParameter(name="process", required=False, pattern=r"^[a-z0-9_\-]+$", min_length=1, max_length=100)
GranularityParam = QueryParameter(name="granularity")
StartParam = QueryParameter(name="start", required=False, description="window start (default: today - 30 days)")
EndParam = QueryParameter(name="end", required=False, description="window end (default: today + 30 days)")


class ForecastController(Controller):
    path = "/v1/forecasts"
    tags = ["forecasting"]

    @get("/demand", **requires(Permission.FORECAST_READ), summary="The caller's latest demand forecast per process, with 80% / 95% intervals")
    async def demand(
        self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor],
        process: Annotated[str | None, ProcessParam] = None,
        horizon: Annotated[int, Horizon] = 28,
        granularity: Annotated[Granularity, GranularityParam] = Granularity.DAILY,
    ) -> DemandForecastOut:
        return out(DemandForecastOut, await service.demand_forecast(db_session, actor, process, horizon, granularity))

    @get("/capacity", **requires(Permission.FORECAST_READ),
         summary="Capacity forecast per process and ISO week: published minus booked pieces of the offers the caller sees, with maintenance cuts")
    async def capacity(
        self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor],
        process: Annotated[str | None, ProcessParam] = None,
        horizon: Annotated[int, Horizon] = 28,
    ) -> list[CapacityWeekOut]:
        return [out(CapacityWeekOut, week) for week in await service.capacity_forecast(db_session, actor, process, horizon)]

    @get("/partner", **requires(Permission.FORECAST_READ), summary="Partner factories: read-only 15-day demand forecast for what they supply")
    async def partner(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> list[PartnerForecastOut]:
        return [out(PartnerForecastOut, line) for line in await service.partner_forecast(db_session, actor)]


class HealthController(Controller):
    path = "/v1/health"
    tags = ["forecasting"]

    @get("/lights", **requires(Permission.FORECAST_READ), summary="Traffic lights per alliance, factory and process, with reasons")
    async def lights(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> list[LightOut]:
        return [out(LightOut, light) for light in await service.traffic_lights(db_session, actor)]

    @get("/kpis", **requires(Permission.FORECAST_READ), summary="KPIs with their targets and the 4-point self-check")
    async def kpis(
        self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor],
        start: Annotated[datetime | None, StartParam] = None,
        end: Annotated[datetime | None, EndParam] = None,
    ) -> KpiReportOut:
        return out(KpiReportOut, await service.kpis(db_session, actor, start, end))


class TelemetryController(Controller):
    path = "/v1/telemetry"
    tags = ["forecasting"]

    @post("/", **requires(Permission.TELEMETRY_WRITE), status_code=201, summary="Machine current samples per cycle for one of the caller's resources")
    async def ingest(self, data: JSONBody[TelemetryIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> TelemetryOut:
        return out(TelemetryOut, await service.ingest_telemetry(db_session, actor, data))


ROUTES: list[Any] = [ForecastController, HealthController, TelemetryController]
