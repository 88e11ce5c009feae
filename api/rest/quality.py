"""REST for quality: sampling plans, inspection lots and their results, SPC charts and
supplier scores. app.py mounts every handler in ROUTES."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import Struct
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import requires
from capool.tenancy.actor import Actor, Permission
from quality import service, spc
from quality.models import InspectionLot
from quality.schemas import LotIn, ResultsIn

LotSizeParam = QueryParameter(name="lot_size")
AqlParam = QueryParameter(name="aql")
LevelParam = QueryParameter(name="level")
SeverityParam = QueryParameter(name="severity")
ProcessFilter = QueryParameter(name="process", required=False)
ProcessParam = QueryParameter(name="process", min_length=1, max_length=100)
FactoryParam = QueryParameter(name="factory", required=False)
ProductParam = QueryParameter(name="product", min_length=1, max_length=200)


class PlanOut(Struct):
    code_letter: str
    plan_letter: str
    aql: float
    severity: str
    sample_size: int
    ac: int
    re: int
    hundred_percent: bool


class LotOut(Struct):
    id: uuid.UUID
    allocation_id: uuid.UUID
    order_id: uuid.UUID
    buyer_org_id: uuid.UUID
    factory_org_id: uuid.UUID
    product: str
    process: str
    quantity: int
    lot_size: int
    level: str
    aqls: dict[str, float]
    severity: str
    plan: dict[str, Any]
    sample_size: int
    defects: dict[str, int]
    # Nonconforming units per class, each unit once in its most severe class.
    units: dict[str, int]
    defect_classes: dict[str, Any]
    decision: str | None
    decided_at: datetime | None
    reinstate_normal: bool
    created_at: datetime


class SwitchingOut(Struct):
    factory_org_id: uuid.UUID
    product: str
    severity: str
    discontinued: bool
    switching_score: int
    recent_normal: list[bool]  # the last five lots on normal inspection, True = accepted
    tightened_accepted_run: int
    tightened_rejections: int
    updated_at: datetime | None


class ResumeIn(Struct, forbid_unknown_fields=True):
    factory_org_id: uuid.UUID
    product: str
    note: str


def switching_out(view: service.SwitchingView) -> SwitchingOut:
    state = view.state
    return SwitchingOut(
        factory_org_id=view.factory_org_id, product=view.product, severity=state.severity.value, discontinued=state.discontinued,
        switching_score=state.switching_score, recent_normal=list(state.recent_normal), tightened_accepted_run=state.tightened_accepted_run,
        tightened_rejections=state.tightened_rejections, updated_at=view.updated_at,
    )


class ScoreOut(Struct):
    org_id: uuid.UUID
    process: str
    lots: int
    effective_units: float
    rate_mean: float
    rate_low: float
    rate_high: float
    score: float


class ChartPointOut(Struct):
    index: int
    value: float
    lcl: float
    ucl: float
    z: float


class SignalOut(Struct):
    rule: int
    index: int
    description: str


class ChartOut(Struct):
    kind: str
    centre: float
    in_control: bool
    points: list[ChartPointOut]
    signals: list[SignalOut]


class SpcOut(Struct):
    factory_org_id: uuid.UUID | None
    process: str
    lot_ids: list[uuid.UUID]
    p_chart: ChartOut | None
    c_chart: ChartOut | None


def lot_out(lot: InspectionLot) -> LotOut:
    return LotOut(
        id=lot.id, allocation_id=lot.allocation_id, order_id=lot.order_id, buyer_org_id=lot.buyer_org_id, factory_org_id=lot.factory_org_id,
        product=lot.product, process=lot.process, quantity=lot.quantity, lot_size=lot.lot_size, level=lot.level,
        aqls={"critical": lot.aql_critical, "major": lot.aql_major, "minor": lot.aql_minor}, severity=lot.severity.value, plan=lot.plan,
        sample_size=lot.sample_size, defects={"critical": lot.critical, "major": lot.major, "minor": lot.minor},
        units={"critical": lot.critical_units, "major": lot.major_units, "minor": lot.minor_units}, defect_classes=lot.defects,
        decision=lot.decision.value if lot.decision else None, decided_at=lot.decided_at, reinstate_normal=lot.reinstate_normal, created_at=lot.created_at,
    )


def chart_out(chart: spc.Chart | None) -> ChartOut | None:
    if chart is None:
        return None
    return ChartOut(
        kind=chart.kind, centre=chart.centre, in_control=chart.in_control,
        points=[ChartPointOut(p.index, p.value, p.lcl, p.ucl, p.z) for p in chart.points],
        signals=[SignalOut(s.rule, s.index, s.description) for s in chart.signals],
    )


class QualityController(Controller):
    path = "/v1/quality"
    tags = ["quality"]

    @get("/plan", **requires(Permission.QUALITY_READ), summary="ISO 2859-1 single-sampling plan for a lot size, inspection level and AQL")
    async def plan(
        self, lot_size: Annotated[int, LotSizeParam], aql: Annotated[float, AqlParam], level: Annotated[str, LevelParam] = "II", severity: Annotated[str, SeverityParam] = "normal"
    ) -> PlanOut:
        return PlanOut(**service.compute_plan(lot_size, aql, level, severity).as_dict())  # type: ignore[arg-type]

    @post("/lots", **requires(Permission.QUALITY_WRITE), status_code=201, summary="Open an inspection lot for an allocation (the allocation's factory)")
    async def create_lot(self, data: JSONBody[LotIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> LotOut:
        return lot_out(await service.create_lot(db_session, actor, data))

    @get("/lots/{lot_id:uuid}", **requires(Permission.QUALITY_READ), summary="Read one inspection lot")
    async def read_lot(self, lot_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> LotOut:
        return lot_out(await service.get_lot(db_session, actor, lot_id))

    @post("/lots/{lot_id:uuid}/results", **requires(Permission.QUALITY_WRITE), status_code=200, summary="Report defect counts; a final report decides the lot")
    async def results(self, lot_id: FromPath[uuid.UUID], data: JSONBody[ResultsIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> LotOut:
        return lot_out(await service.record_results(db_session, actor, lot_id, data))

    @get("/switching", **requires(Permission.QUALITY_READ), summary="Switching state (normal / tightened / reduced, discontinued) of a factory and product")
    async def switching(
        self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], product: Annotated[str, ProductParam], factory: Annotated[uuid.UUID | None, FactoryParam] = None
    ) -> SwitchingOut:
        return switching_out(await service.switching_view(db_session, actor, product, factory))

    @post("/switching/resume", **requires(Permission.ALLIANCE_ADMIN), status_code=200,
          summary="Resume a discontinued supplier and product on tightened inspection (the alliance's quality office)")
    async def resume(self, data: JSONBody[ResumeIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> SwitchingOut:
        return switching_out(await service.resume_inspection(db_session, actor, data.factory_org_id, data.product, data.note))

    @get("/scores", **requires(Permission.QUALITY_READ), summary="Supplier quality scores over the lots the caller may read")
    async def scores(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], process: Annotated[str | None, ProcessFilter] = None) -> list[ScoreOut]:
        found = await service.visible_scores(db_session, actor, process)
        return [ScoreOut(s.org_id, s.process, s.lots, s.effective_units, s.rate_mean, s.rate_low, s.rate_high, s.score) for s in found]  # type: ignore[arg-type]

    @get("/spc", **requires(Permission.QUALITY_READ), summary="p-chart and c-chart with run rules for a process (optionally one factory)")
    async def spc(
        self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], process: Annotated[str, ProcessParam], factory: Annotated[uuid.UUID | None, FactoryParam] = None
    ) -> SpcOut:
        view = await service.spc_view(db_session, actor, process, factory)
        return SpcOut(view.factory_org_id, view.process, view.lot_ids, chart_out(view.p_chart), chart_out(view.c_chart))


ROUTES: list[Any] = [QualityController]
