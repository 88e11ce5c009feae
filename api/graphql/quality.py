"""GraphQL for quality: Query / Mutation types merged into the schema by api.graphql.schema."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graphql.permissions import requires
from api.graphql.support import UserError, call, convert, mutate
from capool.tenancy.actor import Permission
from quality import service
from quality.models import InspectionLot
from quality.schemas import LotIn, ResultsIn


@strawberry.type
class QualityPlan:
    code_letter: str
    plan_letter: str
    aql: float
    severity: str
    sample_size: int
    ac: int
    re: int
    hundred_percent: bool


@strawberry.type
class DefectCounts:
    critical: int
    major: int
    minor: int


@strawberry.type
class QualityLot:
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
    severity: str
    sample_size: int
    plan: JSON
    defects: DefectCounts
    units: DefectCounts = strawberry.field(description="Nonconforming units per class, each unit once in its most severe class")
    decision: str | None
    decided_at: dt.datetime | None

    @classmethod
    def of(cls, lot: InspectionLot) -> QualityLot:
        return cls(
            id=lot.id, allocation_id=lot.allocation_id, order_id=lot.order_id, buyer_org_id=lot.buyer_org_id, factory_org_id=lot.factory_org_id,
            product=lot.product, process=lot.process, quantity=lot.quantity, lot_size=lot.lot_size, level=lot.level, severity=lot.severity.value,
            sample_size=lot.sample_size, plan=lot.plan, defects=DefectCounts(critical=lot.critical, major=lot.major, minor=lot.minor),
            units=DefectCounts(critical=lot.critical_units, major=lot.major_units, minor=lot.minor_units),
            decision=lot.decision.value if lot.decision else None, decided_at=lot.decided_at,
        )


@strawberry.type
class SwitchingState:
    factory_org_id: uuid.UUID
    product: str
    severity: str
    discontinued: bool
    switching_score: int
    recent_normal: list[bool]
    tightened_accepted_run: int
    tightened_rejections: int
    updated_at: dt.datetime | None

    @classmethod
    def of(cls, view: service.SwitchingView) -> SwitchingState:
        state = view.state
        return cls(
            factory_org_id=view.factory_org_id, product=view.product, severity=state.severity.value, discontinued=state.discontinued,
            switching_score=state.switching_score, recent_normal=list(state.recent_normal),
            tightened_accepted_run=state.tightened_accepted_run, tightened_rejections=state.tightened_rejections, updated_at=view.updated_at,
        )


@strawberry.input
class ResumeInspectionInput:
    factory_org_id: uuid.UUID
    product: str
    note: str


@strawberry.type
class ResumeInspectionPayload:
    switching: SwitchingState | None
    errors: list[UserError]


@strawberry.type
class SupplierScore:
    org_id: uuid.UUID
    process: str
    lots: int
    rate_mean: float
    rate_low: float
    rate_high: float
    score: float


@strawberry.input
class DefectCountInput:
    defect_class: str
    severity: str
    count: int


@strawberry.input
class UnitsInput:
    critical: int = 0
    major: int = 0
    minor: int = 0


@strawberry.input
class InspectionInput:
    defects: list[DefectCountInput]
    final: bool = True
    units: UnitsInput | None = strawberry.field(default=None, description="Nonconforming units per most severe class; none: one unit per defect")


@strawberry.type
class InspectionPayload:
    lot: QualityLot | None
    errors: list[UserError]


@strawberry.type
class QualityQuery:
    @strawberry.field(extensions=requires(Permission.QUALITY_READ), description="ISO 2859-1 single-sampling plan")
    async def quality_plan(self, info: Info, lot_size: int, aql: float, level: str = "II", severity: str = "normal") -> QualityPlan:
        async def work(session, actor):
            actor.require(Permission.QUALITY_READ)
            return service.compute_plan(lot_size, aql, level, severity)

        return QualityPlan(**(await call(info, work)).as_dict())

    @strawberry.field(extensions=requires(Permission.QUALITY_READ), description="One inspection lot the caller may read")
    async def quality_lot(self, info: Info, id: uuid.UUID) -> QualityLot:
        return QualityLot.of(await call(info, lambda s, a: service.get_lot(s, a, id)))

    @strawberry.field(extensions=requires(Permission.QUALITY_READ), description="Switching state of a factory (default: the caller's) and product")
    async def quality_switching(self, info: Info, product: str, factory_org_id: uuid.UUID | None = None) -> SwitchingState:
        return SwitchingState.of(await call(info, lambda s, a: service.switching_view(s, a, product, factory_org_id)))

    @strawberry.field(extensions=requires(Permission.QUALITY_READ), description="Supplier quality scores over the lots the caller may read")
    async def supplier_scores(self, info: Info, process: str | None = None) -> list[SupplierScore]:
        found = await call(info, lambda s, a: service.visible_scores(s, a, process))
        return [SupplierScore(org_id=x.org_id, process=x.process, lots=x.lots, rate_mean=x.rate_mean, rate_low=x.rate_low,  # type: ignore[arg-type]
                              rate_high=x.rate_high, score=x.score) for x in found]


@strawberry.input
class LotAqlsInput:
    critical: float = 0.0
    major: float | None = None  # None: the order's AQL
    minor: float = 4.0


@strawberry.input
class OpenLotInput:
    allocation_id: uuid.UUID
    # Units of the allocation the lot presents (and an acceptance pays for).
    quantity: int
    lot_size: int | None = None
    level: str = "II"
    aqls: LotAqlsInput | None = None


@strawberry.type
class QualityMutation:
    @strawberry.mutation(extensions=requires(Permission.QUALITY_WRITE), description="Open an inspection lot for an allocation (the allocation's factory)")
    async def open_inspection_lot(self, info: Info, input: OpenLotInput) -> InspectionPayload:
        data: dict[str, object] = {"allocation_id": str(input.allocation_id), "quantity": input.quantity, "level": input.level}
        if input.lot_size is not None:
            data["lot_size"] = input.lot_size
        if input.aqls is not None:
            data["aqls"] = {"critical": input.aqls.critical, "major": input.aqls.major, "minor": input.aqls.minor}
        lot, errors = await mutate(info, lambda s, a: service.create_lot(s, a, convert(LotIn, data)))
        return InspectionPayload(lot=QualityLot.of(lot) if lot else None, errors=errors)

    @strawberry.mutation(extensions=requires(Permission.QUALITY_WRITE), description="Report defect counts for a lot; a final report decides it")
    async def record_inspection(self, info: Info, lot_id: uuid.UUID, input: InspectionInput) -> InspectionPayload:
        data: dict[str, object] = {
            "defects": [{"defect_class": d.defect_class, "severity": d.severity, "count": d.count} for d in input.defects], "final": input.final,
        }
        if input.units is not None:
            data["units"] = {"critical": input.units.critical, "major": input.units.major, "minor": input.units.minor}
        lot, errors = await mutate(info, lambda s, a: service.record_results(s, a, lot_id, convert(ResultsIn, data)))
        return InspectionPayload(lot=QualityLot.of(lot) if lot else None, errors=errors)


    @strawberry.mutation(extensions=requires(Permission.ALLIANCE_ADMIN),
                         description="Resume a discontinued supplier and product on tightened inspection (the alliance's quality office)")
    async def resume_inspection(self, info: Info, input: ResumeInspectionInput) -> ResumeInspectionPayload:
        view, errors = await mutate(info, lambda s, a: service.resume_inspection(s, a, input.factory_org_id, input.product, input.note))
        return ResumeInspectionPayload(switching=SwitchingState.of(view) if view else None, errors=errors)


QUERIES: tuple[type, ...] = (QualityQuery,)
MUTATIONS: tuple[type, ...] = (QualityMutation,)
