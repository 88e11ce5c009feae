"""REST for the Catena-X DCM exchange (CX-0128): WeekBasedMaterialDemand in, WeekBasedCapacityGroup
out, and the weekly comparison of the two. app.py mounts every handler in ROUTES."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import Struct
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import requires
from api.rest.schemas import out
from capool.tenancy.actor import Actor, Permission
from marketplace.integrations.catenax import service


class MaterialDemandOut(Struct):
    id: uuid.UUID
    material_demand_id: uuid.UUID
    buyer_org_id: uuid.UUID
    supplier_org_id: uuid.UUID | None
    customer_bpnl: str
    supplier_bpnl: str
    material_number_customer: str
    description: str
    process: str | None
    unit_of_measure: str | None
    inactive: bool
    changed_at: datetime
    version: int


class ImportedOut(Struct):
    demand: MaterialDemandOut
    created: bool
    weeks: int


class DemandListOut(Struct):
    items: list[MaterialDemandOut]


class SkippedOut(Struct):
    customer_org_id: uuid.UUID
    reason: str


class CapacityExportOut(Struct):
    items: list[dict[str, Any]]  # WeekBasedCapacityGroup 3.0 documents
    skipped: list[SkippedOut]


class WeekComparisonOut(Struct):
    week: date
    iso_week: str
    demand: float
    previous_demand: float | None
    actual: float
    maximum: float
    agreed: float | None
    status: str
    colour: str
    volatility: str | None


class ComparisonRowOut(Struct):
    buyer_org_id: uuid.UUID
    buyer: str
    process: str
    weeks: list[WeekComparisonOut]


class ComparisonOut(Struct):
    weeks: list[date]
    rows: list[ComparisonRowOut]
    volatility_parameters: dict[str, Any]
    not_compared: int


StartParam = QueryParameter(name="start", required=False, description="a day of the first ISO week (default: this week)")
WeeksParam = QueryParameter(name="weeks", ge=1, le=service.MAX_WEEKS, description="ISO weeks, 1-104")


class CatenaXController(Controller):
    path = "/v1/catenax"
    tags = ["catena-x"]

    @post("/material-demands", **requires(Permission.DEMAND_WRITE), status_code=201,
          summary="Import a WeekBasedMaterialDemand 3.0 document as the caller's demand (201 new, 200 replaced)")
    async def import_demand(self, data: JSONBody[dict[str, Any]], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> Response[ImportedOut]:
        result = await service.import_material_demand(db_session, actor, data)
        body = ImportedOut(out(MaterialDemandOut, result.demand), result.created, result.weeks)
        return Response(body, status_code=201 if result.created else 200)

    @get("/material-demands", **requires(Permission.FORECAST_READ), summary="The caller's material demands and those naming it as supplier")
    async def list_demands(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> DemandListOut:
        return DemandListOut([out(MaterialDemandOut, row) for row in await service.list_demands(db_session, actor)])

    @get("/material-demands/{demand_id:uuid}", **requires(Permission.FORECAST_READ), summary="One material demand as the WeekBasedMaterialDemand document stored")
    async def read_demand(self, demand_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> dict[str, Any]:
        return (await service.get_demand(db_session, actor, demand_id)).document

    @get("/capacity-groups", **requires(Permission.CAPACITY_READ),
         summary="The caller's factory capacity as WeekBasedCapacityGroup 3.0 documents per customer, process and ISO week")
    async def capacity_groups(
        self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor],
        customer: Annotated[uuid.UUID | None, QueryParameter(name="customer", required=False, description="one customer organisation (default: all)")] = None,
        start: Annotated[date | None, StartParam] = None,
        weeks: Annotated[int, WeeksParam] = service.DEFAULT_WEEKS,
    ) -> CapacityExportOut:
        export = await service.export_capacity_groups(db_session, actor, customer, start, weeks)
        return CapacityExportOut(export.groups, [out(SkippedOut, s) for s in export.skipped])

    @get("/comparison", **requires(Permission.ANALYTICS_READ),
         summary="Demand against actual and maximum capacity per buyer, process and ISO week, with the DCM matching status and volatility alerts")
    async def comparison(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], start: Annotated[date | None, StartParam] = None, weeks: Annotated[int, WeeksParam] = service.DEFAULT_WEEKS) -> ComparisonOut:
        return out(ComparisonOut, await service.compare(db_session, actor, start, weeks))


ROUTES: list[Any] = [CatenaXController]
