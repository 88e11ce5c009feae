"""GraphQL for inspection: detection results and model versions (queries; uploads are REST)."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graphql.permissions import requires
from api.graphql.support import UserError, call, mutate, page_limit
from capool.tenancy.actor import Permission
from inspection import service
from inspection.models import InspectionImage, ModelActivationRecord, ModelVersion


@strawberry.type
class InspectionDetection:
    class_id: int
    label: str
    score: float
    box: list[float] | None
    review: str = strawberry.field(default="counted", description="counted, proposed (waits for an inspector), confirmed, dismissed or flagged")
    reviewed_by: str | None = None
    reviewed_at: str | None = None


_DETECTION_FIELDS = ("class_id", "label", "score", "box", "review", "reviewed_by", "reviewed_at")


@strawberry.type
class InspectionDefectCount:
    label: str
    count: int


@strawberry.type
class InspectionImageResult:
    id: uuid.UUID
    lot_id: uuid.UUID
    organisation_id: uuid.UUID
    product: str
    filename: str
    status: str
    model_version_id: uuid.UUID | None
    model_name: str | None
    defective: bool | None
    score: float | None
    detections: list[InspectionDetection]
    defect_counts: list[InspectionDefectCount]
    error: str | None
    inspected_at: dt.datetime | None
    created_at: dt.datetime
    width: int | None
    height: int | None
    ood_reason: str | None
    model_validated: bool | None
    review: str

    @classmethod
    def of(cls, row: InspectionImage) -> InspectionImageResult:
        return cls(
            id=row.id, lot_id=row.lot_id, organisation_id=row.organisation_id, product=row.product, filename=row.filename,
            status=row.status.value, model_version_id=row.model_version_id, model_name=row.model_name, defective=row.defective,
            score=row.score, detections=[InspectionDetection(**{k: d.get(k) for k in _DETECTION_FIELDS if k in d}) for d in row.detections or []],
            defect_counts=[InspectionDefectCount(label=k, count=int(v)) for k, v in sorted((row.defect_counts or {}).items())],
            error=row.error, inspected_at=row.inspected_at, created_at=row.created_at, width=row.width, height=row.height,
            ood_reason=row.ood_reason, model_validated=row.model_validated, review=row.review.value if row.review else "none",
        )


@strawberry.type
class InspectionLotResult:
    lot_id: uuid.UUID
    inspected: int
    pending: int
    failed: int
    defective: int
    defect_counts: list[InspectionDefectCount]
    images: list[InspectionImageResult]
    proposed: int
    flagged: int


@strawberry.type
class InspectionModelVersion:
    id: uuid.UUID
    organisation_id: uuid.UUID
    name: str
    version: str
    kind: str
    labels: list[str]
    card: JSON
    metrics: JSON
    file_sha256: str
    file_bytes: int
    created_by: uuid.UUID
    created_at: dt.datetime

    @classmethod
    def of(cls, row: ModelVersion) -> InspectionModelVersion:
        return cls(
            id=row.id, organisation_id=row.organisation_id, name=row.name, version=row.version, kind=row.kind.value, labels=list(row.labels),
            card=row.card, metrics=row.metrics, file_sha256=row.file_sha256, file_bytes=row.file_bytes, created_by=row.created_by,
            created_at=row.created_at,
        )


@strawberry.type
class InspectionModelConnection:
    items: list[InspectionModelVersion]
    next_cursor: str | None


@strawberry.type
class InspectionActiveModel:
    product: str
    organisation_id: uuid.UUID
    model_version_id: uuid.UUID | None
    model_name: str
    builtin: bool
    validated_on: JSON
    activated_by: uuid.UUID | None
    activated_at: dt.datetime | None

    @classmethod
    def of(cls, row: service.ActiveModel) -> InspectionActiveModel:
        return cls(product=row.product, organisation_id=row.organisation_id, model_version_id=row.model_version_id, model_name=row.model_name,
                   builtin=row.model_version_id is None, validated_on=row.validated_on, activated_by=row.activated_by, activated_at=row.activated_at)


@strawberry.type
class InspectionActivationRecord:
    id: uuid.UUID
    organisation_id: uuid.UUID
    product: str
    action: str
    model_version_id: uuid.UUID | None
    previous_version_id: uuid.UUID | None
    by_user_id: uuid.UUID
    by_org_id: uuid.UUID
    at: dt.datetime

    @classmethod
    def of(cls, row: ModelActivationRecord) -> InspectionActivationRecord:
        return cls(id=row.id, organisation_id=row.organisation_id, product=row.product, action=row.action.value, model_version_id=row.model_version_id,
                   previous_version_id=row.previous_version_id, by_user_id=row.by_user_id, by_org_id=row.by_org_id, at=row.at)


@strawberry.type
class ActivationChangePayload:
    product: str
    model_version_id: uuid.UUID | None
    errors: list[UserError]


@strawberry.type
class InspectionQuery:
    @strawberry.field(extensions=requires(Permission.QUALITY_READ),
                      description="Which model inspects a factory's images of each product (the caller's own, or a factory of the alliance for its admin)")
    async def inspection_activations(self, info: Info, factory_org_id: uuid.UUID | None = None) -> list[InspectionActiveModel]:
        return [InspectionActiveModel.of(r) for r in await call(info, lambda s, a: service.active_models(s, a, factory_org_id))]

    @strawberry.field(extensions=requires(Permission.QUALITY_READ), description="Activations, rollbacks and deactivations, newest first")
    async def inspection_activation_history(self, info: Info, factory_org_id: uuid.UUID | None = None, product: str | None = None,
                                            first: int = 100) -> list[InspectionActivationRecord]:
        rows = await call(info, lambda s, a: service.activation_history(s, a, factory_org_id, product, page_limit(first)))
        return [InspectionActivationRecord.of(r) for r in rows]

    @strawberry.field(extensions=requires(Permission.QUALITY_READ), description="One uploaded image and what the detector found")
    async def inspection_image(self, info: Info, id: uuid.UUID) -> InspectionImageResult:
        return InspectionImageResult.of(await call(info, lambda s, a: service.get_image(s, a, id)))

    @strawberry.field(extensions=requires(Permission.QUALITY_READ), description="The images of a lot the caller may read, with totals by defect class")
    async def inspection_lot(self, info: Info, lot_id: uuid.UUID) -> InspectionLotResult:
        lot = await call(info, lambda s, a: service.lot_inspection(s, a, lot_id))
        return InspectionLotResult(
            lot_id=lot.lot_id, inspected=lot.inspected, pending=lot.pending, failed=lot.failed, defective=lot.defective,
            defect_counts=[InspectionDefectCount(label=k, count=v) for k, v in lot.defect_counts.items()],
            images=[InspectionImageResult.of(i) for i in lot.images], proposed=lot.proposed, flagged=lot.flagged,
        )

    @strawberry.field(extensions=requires(Permission.QUALITY_READ), description="Defect model versions registered by the caller's organisation")
    async def inspection_models(self, info: Info, first: int = 50, after: str | None = None) -> InspectionModelConnection:
        page = await call(info, lambda s, a: service.list_models(s, a, after, page_limit(first)))
        return InspectionModelConnection(items=[InspectionModelVersion.of(r) for r in page.items], next_cursor=page.next_cursor)

    @strawberry.field(extensions=requires(Permission.QUALITY_READ), description="One defect model version with its metadata card")
    async def inspection_model(self, info: Info, id: uuid.UUID) -> InspectionModelVersion:
        return InspectionModelVersion.of(await call(info, lambda s, a: service.get_model(s, a, id)))


@strawberry.input
class DetectionDecisionInput:
    index: int
    decision: str = strawberry.field(description="confirm or dismiss")


@strawberry.type
class ReviewDetectionsPayload:
    image: InspectionImageResult | None
    errors: list[UserError]


@strawberry.type
class InspectionMutation:
    @strawberry.mutation(extensions=requires(Permission.QUALITY_WRITE),
                         description="Confirm or dismiss proposed detections of an image; once none is left proposed the confirmed ones count")
    async def review_inspection_detections(self, info: Info, image_id: uuid.UUID, decisions: list[DetectionDecisionInput]) -> ReviewDetectionsPayload:
        items = [service.ReviewDecision(d.index, d.decision) for d in decisions]
        image, errors = await mutate(info, lambda s, a: service.review_image(s, a, image_id, items))
        return ReviewDetectionsPayload(image=InspectionImageResult.of(image) if image else None, errors=errors)


    @strawberry.mutation(extensions=requires(Permission.MODELS_ADMIN),
                         description="Go back to the version active before the last change of a product (the built-in model when there was none)")
    async def rollback_inspection_model(self, info: Info, product: str = "*", factory_org_id: uuid.UUID | None = None) -> ActivationChangePayload:
        activation, errors = await mutate(info, lambda s, a: service.rollback_model(s, a, product, factory_org_id))
        return ActivationChangePayload(product=product, model_version_id=activation.model_version_id if activation else None, errors=errors)

    @strawberry.mutation(extensions=requires(Permission.MODELS_ADMIN), description="Remove a product's activation: the built-in model inspects again")
    async def deactivate_inspection_model(self, info: Info, product: str = "*", factory_org_id: uuid.UUID | None = None) -> ActivationChangePayload:
        _, errors = await mutate(info, lambda s, a: service.deactivate_model(s, a, product, factory_org_id))
        return ActivationChangePayload(product=product, model_version_id=None, errors=errors)


QUERIES: tuple[type, ...] = (InspectionQuery,)
MUTATIONS: tuple[type, ...] = (InspectionMutation,)
