"""REST for inspection: the model registry, image uploads per lot and detection results.

Uploads are multipart/form-data, read here after the caller's permission was checked, so a
caller without the right gets 403/404 before any file is parsed."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import Meta, Struct
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import requires
from api.problems import _PATH, _pointer
from api.rest.schemas import PageOut, out, page_out
from capool.errors import FieldError, InvalidInput
from capool.tenancy.actor import Actor, Permission
from inspection import service
from inspection.config import get_inspection_settings

Cursor = QueryParameter(name="cursor", required=False, description="next_cursor of the previous page")
Limit = QueryParameter(name="limit", ge=1, le=200, description="Items per page; the page's next_cursor, sent as cursor, gives the next one")
_settings = get_inspection_settings()
# Bodies above these sizes are refused (413) before they are read into memory.
IMAGES_BODY_LIMIT = min(_settings.max_images_per_upload * _settings.max_image_bytes, 256 * 1024 * 1024)
MODEL_BODY_LIMIT = _settings.max_model_bytes + 1024 * 1024


class ModelVersionOut(Struct):
    id: uuid.UUID
    organisation_id: uuid.UUID
    name: str
    version: str
    kind: str
    labels: list[str]
    card: dict[str, Any]
    metrics: dict[str, Any]
    file_sha256: str
    file_bytes: int
    created_by: uuid.UUID
    created_at: datetime


class ActivationIn(Struct, forbid_unknown_fields=True):
    product: Annotated[str, Meta(min_length=1, max_length=200)] = "*"
    # Default: the caller's own organisation; the alliance admin may name any factory of the alliance.
    factory_org_id: uuid.UUID | None = None


class ActivationOut(Struct):
    id: uuid.UUID
    organisation_id: uuid.UUID
    product: str
    model_version_id: uuid.UUID
    activated_by: uuid.UUID
    activated_at: datetime


class ActiveModelOut(Struct):
    product: str
    organisation_id: uuid.UUID
    model_version_id: uuid.UUID | None
    model_name: str
    builtin: bool
    validated_on: dict[str, Any]
    activated_by: uuid.UUID | None
    activated_at: datetime | None


class ActivationRecordOut(Struct):
    id: uuid.UUID
    organisation_id: uuid.UUID
    product: str
    action: str
    model_version_id: uuid.UUID | None
    previous_version_id: uuid.UUID | None
    by_user_id: uuid.UUID
    by_org_id: uuid.UUID
    at: datetime


class ActivationChangeIn(Struct, forbid_unknown_fields=True):
    product: Annotated[str, Meta(min_length=1, max_length=200)] = "*"
    factory_org_id: uuid.UUID | None = None


class ActivationChangeOut(Struct):
    product: str
    organisation_id: uuid.UUID
    # The version now active for the product; None: no activation (the built-in model, or the factory's "*" version).
    model_version_id: uuid.UUID | None


class DetectionOut(Struct):
    class_id: int
    label: str
    score: float
    box: list[float] | None
    # counted (a validated model), proposed (waits for an inspector), confirmed, dismissed, flagged (out of distribution)
    review: str = "counted"
    reviewed_by: str | None = None
    reviewed_at: str | None = None


class ImageOut(Struct):
    id: uuid.UUID
    organisation_id: uuid.UUID
    buyer_org_id: uuid.UUID
    lot_id: uuid.UUID
    product: str
    filename: str
    content_type: str
    byte_size: int
    sha256: str
    status: str
    model_version_id: uuid.UUID | None
    model_name: str | None
    defective: bool | None
    score: float | None
    detections: list[DetectionOut]
    defect_counts: dict[str, int]
    error: str | None
    inspected_at: datetime | None
    created_at: datetime
    width: int | None = None
    height: int | None = None
    # Why the out-of-distribution check kept the image from counting (None: it did not).
    ood_reason: str | None = None
    model_validated: bool | None = None
    review: str = "none"
    reviewed_by: uuid.UUID | None = None
    reviewed_at: datetime | None = None


class LotInspectionOut(Struct):
    lot_id: uuid.UUID
    inspected: int
    pending: int
    failed: int
    defective: int
    defect_counts: dict[str, int]
    images: list[ImageOut]
    proposed: int = 0
    flagged: int = 0


class ReviewDecisionIn(Struct, forbid_unknown_fields=True):
    index: Annotated[int, Meta(ge=0)]
    decision: Literal["confirm", "dismiss"]


class ReviewIn(Struct, forbid_unknown_fields=True):
    decisions: Annotated[list[ReviewDecisionIn], Meta(min_length=1, max_length=300)]


def _text(form: Any, name: str, default: str | None = None) -> str:
    value = form.get(name, default)
    if value is None:
        raise InvalidInput.at(f"/{name}", f"the form field '{name}' is required")
    if not isinstance(value, str):
        raise InvalidInput.at(f"/{name}", f"the form field '{name}' must be text, not a file")
    return value


async def _files(form: Any, name: str) -> list[service.UploadedFile]:
    files = []
    for index, value in enumerate(form.getall(name) if name in form else []):
        if not isinstance(value, UploadFile):
            raise InvalidInput.at(f"/{name}/{index}", f"'{name}' must be a file part")
        files.append(service.UploadedFile(value.filename or "", value.content_type or "", await value.read()))
    return files


class ModelJsonIn(Struct, forbid_unknown_fields=True):
    name: str
    version: str
    card: dict[str, Any]
    file_base64: str


@post("/v1/inspection/models", **requires(Permission.MODELS_ADMIN), status_code=201, tags=["inspection"], request_max_body_size=MODEL_BODY_LIMIT,
      summary="Register a model version: multipart (name, version, card as JSON text, file) or JSON (name, version, card, file_base64)")
async def register_model(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ModelVersionOut:
    if request.content_type[0] == "application/json":
        try:
            body = msgspec.json.decode(await request.body())
        except msgspec.DecodeError:
            raise InvalidInput.at("/", "the request body is not valid JSON") from None
        try:
            data = msgspec.convert(body, ModelJsonIn)
        except msgspec.ValidationError as exc:
            message = str(exc)
            raise InvalidInput("the request does not match the schema", [FieldError(_pointer(message, None, None), _PATH.sub("", message).rstrip(" -"))]) from None
        try:
            model = base64.b64decode(data.file_base64, validate=True)
        except ValueError:
            raise InvalidInput.at("/file_base64", "file_base64 is not base64") from None
        row = await service.register_model(db_session, actor, data.name, data.version, json.dumps(data.card), model)
        return out(ModelVersionOut, row)
    form = await request.form()
    files = await _files(form, "file")
    if len(files) != 1:
        raise InvalidInput.at("/file", "send exactly one ONNX file in the 'file' field")
    row = await service.register_model(db_session, actor, _text(form, "name"), _text(form, "version"), _text(form, "card"), files[0].data)
    return out(ModelVersionOut, row)


@get("/v1/inspection/models", **requires(Permission.QUALITY_READ), summary="Model versions registered by the caller's organisation", tags=["inspection"])
async def list_models(db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], cursor: Annotated[str | None, Cursor] = None, limit: Annotated[int, Limit] = 50) -> PageOut[ModelVersionOut]:
    return page_out(ModelVersionOut, await service.list_models(db_session, actor, cursor, limit))


@get("/v1/inspection/models/{model_id:uuid}", **requires(Permission.QUALITY_READ), summary="One model version with its card", tags=["inspection"])
async def read_model(model_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ModelVersionOut:
    return out(ModelVersionOut, await service.get_model(db_session, actor, model_id))


@post("/v1/inspection/models/{model_id:uuid}/activations", **requires(Permission.MODELS_ADMIN), status_code=201, tags=["inspection"],
      summary="Make this version inspect a factory's images of a product ('*': any product)")
async def activate_model(model_id: FromPath[uuid.UUID], data: JSONBody[ActivationIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ActivationOut:
    return out(ActivationOut, await service.activate_model(db_session, actor, model_id, data.product, data.factory_org_id))


FactoryQuery = QueryParameter(name="factory_org_id", required=False, description="a factory of the alliance (alliance admin); default: the caller's organisation")


def _active_out(row: service.ActiveModel) -> ActiveModelOut:
    return ActiveModelOut(row.product, row.organisation_id, row.model_version_id, row.model_name, row.model_version_id is None,
                          row.validated_on, row.activated_by, row.activated_at)


@get("/v1/inspection/activations", **requires(Permission.QUALITY_READ), tags=["inspection"],
     summary="Which model inspects the factory's images of each product (activations by the factory's or the alliance's admin), then the built-in model")
async def list_activations(db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor],
                           factory_org_id: Annotated[uuid.UUID | None, FactoryQuery] = None) -> list[ActiveModelOut]:
    return [_active_out(row) for row in await service.active_models(db_session, actor, factory_org_id)]


@get("/v1/inspection/activations/history", **requires(Permission.QUALITY_READ), tags=["inspection"],
     summary="Activations, rollbacks and deactivations of the factory's models, newest first, with who made them")
async def activation_history(db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor],
                             factory_org_id: Annotated[uuid.UUID | None, FactoryQuery] = None,
                             product: Annotated[str | None, QueryParameter(name="product", required=False, max_length=200)] = None,
                             limit: Annotated[int, Limit] = 100) -> list[ActivationRecordOut]:
    return [out(ActivationRecordOut, row) for row in await service.activation_history(db_session, actor, factory_org_id, product, limit)]


@post("/v1/inspection/activations/rollback", **requires(Permission.MODELS_ADMIN), status_code=200, tags=["inspection"],
      summary="Go back to the version active before the last change of a product (the built-in model when there was none)")
async def rollback_activation(data: JSONBody[ActivationChangeIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ActivationChangeOut:
    activation = await service.rollback_model(db_session, actor, data.product, data.factory_org_id)
    factory = data.factory_org_id or actor.organisation_id
    return ActivationChangeOut(data.product, factory, activation.model_version_id if activation else None)


@post("/v1/inspection/activations/deactivate", **requires(Permission.MODELS_ADMIN), status_code=200, tags=["inspection"],
      summary="Remove a product's activation: the built-in model (or the factory's '*' version) inspects again")
async def deactivate_activation(data: JSONBody[ActivationChangeIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ActivationChangeOut:
    await service.deactivate_model(db_session, actor, data.product, data.factory_org_id)
    return ActivationChangeOut(data.product, data.factory_org_id or actor.organisation_id, None)


@post("/v1/inspection/lots/{lot_id:uuid}/images", **requires(Permission.QUALITY_WRITE), status_code=202, tags=["inspection"], request_max_body_size=IMAGES_BODY_LIMIT,
      summary="Upload line-camera images of a sampled lot (multipart field 'files'); detection runs as a job")
async def upload_images(lot_id: FromPath[uuid.UUID], request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> list[ImageOut]:
    await service.writable_lot(db_session, actor, lot_id)  # 404 / 403 before the body is parsed
    form = await request.form()
    rows = await service.upload_images(db_session, actor, lot_id, await _files(form, "files"))
    return [out(ImageOut, row) for row in rows]


@get("/v1/inspection/lots/{lot_id:uuid}/images", **requires(Permission.QUALITY_READ), summary="The caller's images of a lot, with their detections and totals", tags=["inspection"])
async def lot_images(lot_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> LotInspectionOut:
    lot = await service.lot_inspection(db_session, actor, lot_id)
    return LotInspectionOut(lot.lot_id, lot.inspected, lot.pending, lot.failed, lot.defective, lot.defect_counts,
                            [out(ImageOut, row) for row in lot.images], lot.proposed, lot.flagged)


@get("/v1/inspection/images/{image_id:uuid}", **requires(Permission.QUALITY_READ), summary="One image's detection result", tags=["inspection"])
async def read_image(image_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ImageOut:
    return out(ImageOut, await service.get_image(db_session, actor, image_id))


@post("/v1/inspection/images/{image_id:uuid}/review", **requires(Permission.QUALITY_WRITE), status_code=200, tags=["inspection"],
      summary="Confirm or dismiss proposed detections of an image (by index); once none is left proposed, the confirmed ones count in the lot")
async def review_image(image_id: FromPath[uuid.UUID], data: JSONBody[ReviewIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ImageOut:
    decisions = [service.ReviewDecision(d.index, d.decision) for d in data.decisions]
    return out(ImageOut, await service.review_image(db_session, actor, image_id, decisions))


@get("/v1/inspection/images/{image_id:uuid}/thumbnail", **requires(Permission.QUALITY_READ), tags=["inspection"], media_type="image/png",
     summary="The image as a PNG thumbnail with its detections' boxes and numbers drawn in")
async def image_thumbnail(image_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> Response[bytes]:
    return Response(await service.image_thumbnail(db_session, actor, image_id), media_type="image/png", headers={"Cache-Control": "private, max-age=60"})


ROUTES: list[Any] = [register_model, list_models, read_model, activate_model, list_activations, activation_history, rollback_activation,
                     deactivate_activation, upload_images, lot_images, read_image, review_image, image_thumbnail]
