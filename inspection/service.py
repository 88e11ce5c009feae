"""Inspection service: the model registry, image uploads per lot, and the detection job's work.

Services take `(session, actor, ...)` and never commit. Detection itself runs in the
dramatiq job `inspection.jobs.inspect_image`, which calls `run_inspection` in its own
transaction; the upload only stores files and rows and emits `inspection.images_uploaded`
(the outbox consumer enqueues one job per image after the upload committed).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from capool import events
from capool.clock import utcnow
from capool.errors import Conflict, DomainError, FieldError, InvalidInput, NotFound
from capool.ids import new_id
from capool.pagination import Page
from capool.tenancy.actor import Actor, Permission
from capool.tenancy.policy import get_visible, get_writable
from inspection import ood, repository, store
from inspection.config import BUILTIN_MODEL, get_inspection_settings
from inspection.models import (
    ActivationAction,
    ImageStatus,
    InspectionImage,
    ModelActivation,
    ModelActivationRecord,
    ModelKind,
    ModelVersion,
    ReviewState,
)
from inspection.runtime import ImageError, InspectionResult, decode_image, image_format, load_inspector
from quality import service as quality_service
from quality.models import InspectionLot
from quality.schemas import DefectCountIn

IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "BMP": "bmp", "TIFF": "tiff", "WEBP": "webp"}
ANY_PRODUCT = "*"
SEVERITY_CLASSES = ("critical", "major", "minor")
# Deliveries of the detection job before an image that keeps failing ends `failed`: the first
# and inspection.jobs.inspect_image's retries.
MAX_ATTEMPTS = 4


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


# ---------------------------------------------------------------- model registry


# Rates a card's metrics may hold (fractions); any of them found is checked to lie in [0, 1].
RATE_METRICS = frozenset({"roc_auc", "recall", "precision", "accuracy", "f1", "miss_rate", "false_alarm_rate", "map50", "map50_95", "map"})


def _strings(value: Any, *, limit: int = 200) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(x, str) and 0 < len(x.strip()) <= limit for x in value)


def _metric_errors(metrics: Any) -> tuple[list[FieldError], int]:
    """Errors of a card's metrics and the number of rate metrics found (nested objects by split)."""
    errors, found = [], 0

    def walk(value: Any, path: str) -> None:
        nonlocal found
        for key, item in value.items():
            where = f"{path}/{key}"
            if isinstance(item, dict):
                walk(item, where)
            elif key in RATE_METRICS:
                if isinstance(item, bool) or not isinstance(item, int | float) or not 0 <= item <= 1:
                    errors.append(FieldError(where, f"{key} is a rate and must be a number in [0, 1]"))
                else:
                    found += 1

    walk(metrics, "/card/metrics")
    return errors, found


def _card_errors(card: Any) -> list[FieldError]:
    """Everything a card must state, with the field path of each problem (RFC 9457 errors).

    Required: kind, labels; the domain the model was validated on (`validated_on`: products,
    processes and image kinds, each a non-empty list of names); `training_data` (dataset and
    number of images); `metrics` with at least one rate (roc_auc, recall, precision, map50,
    ...) in [0, 1]. Thresholds lie in their ranges; severities name the card's labels."""
    if not isinstance(card, dict):
        return [FieldError("/card", "the card must be a JSON object")]
    errors = []
    kind = card.get("kind")
    if kind not in {k.value for k in ModelKind}:
        errors.append(FieldError("/card/kind", f"kind must be one of {', '.join(k.value for k in ModelKind)}"))
    labels = card.get("labels")
    if not (isinstance(labels, list) and labels and all(isinstance(x, str) and 0 < len(x) <= 100 for x in labels)):
        errors.append(FieldError("/card/labels", "labels must be a non-empty list of class names"))
        labels = None
    if kind == ModelKind.CLASSIFIER:
        threshold = card.get("threshold")
        if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
            errors.append(FieldError("/card/threshold", "a classifier needs an operating threshold in [0, 1]"))
        pre = card.get("preprocess")
        if not (isinstance(pre, dict) and all(isinstance(pre.get(k), int) and 1 <= pre[k] <= 4096 for k in ("width", "height"))):
            errors.append(FieldError("/card/preprocess", "a classifier needs preprocess.width and preprocess.height (pixels)"))
    if kind in (ModelKind.YOLOV5, ModelKind.YOLOV8):
        for key, low_open in (("conf_threshold", True), ("iou_threshold", False)):
            if key in card:
                value = card[key]
                ok = not isinstance(value, bool) and isinstance(value, int | float) and (0 < value <= 1 if low_open else 0 <= value <= 1)
                if not ok:
                    errors.append(FieldError(f"/card/{key}", f"{key} must be a number in {'(0, 1]' if low_open else '[0, 1]'}"))
        size = card.get("input_size")
        if size is not None and not (isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 4096 for v in size)):
            errors.append(FieldError("/card/input_size", "input_size must be [width, height] in pixels (1 to 4096)"))
    domain = card.get("validated_on")
    if not isinstance(domain, dict):
        errors.append(FieldError("/card/validated_on", "validated_on must state the products, processes and image_kinds the model was validated on"))
    else:
        for key in ("products", "processes", "image_kinds"):
            if not _strings(domain.get(key)):
                errors.append(FieldError(f"/card/validated_on/{key}", f"{key} must be a non-empty list of names (1 to 200 characters)"))
        if _strings(domain.get("products")) and any(p.strip() == ANY_PRODUCT for p in domain["products"]):
            errors.append(FieldError("/card/validated_on/products", "name the products the model was validated on; '*' validates nothing"))
    training = card.get("training_data")
    if not isinstance(training, dict):
        errors.append(FieldError("/card/training_data", "training_data must state the dataset and the number of training images"))
    else:
        if not (isinstance(training.get("dataset"), str) and training["dataset"].strip()):
            errors.append(FieldError("/card/training_data/dataset", "the dataset the model was trained on (its name or source)"))
        images = training.get("images")
        if isinstance(images, bool) or not isinstance(images, int) or images < 1:
            errors.append(FieldError("/card/training_data/images", "the number of training images (a positive integer)"))
    metrics = card.get("metrics")
    if not isinstance(metrics, dict) or not metrics:
        errors.append(FieldError("/card/metrics", "metrics must be an object with the validation results (roc_auc, recall, precision, map50, ...)"))
    else:
        metric_errors, found = _metric_errors(metrics)
        errors += metric_errors
        if not found and not metric_errors:
            errors.append(FieldError("/card/metrics", f"metrics must hold at least one of {', '.join(sorted(RATE_METRICS))}"))
    errors += _severity_errors(card, labels)
    errors += [FieldError(path, message) for path, message in ood.reference_errors(card.get("ood"))]
    return errors


def _severity_errors(card: dict[str, Any], labels: list[str] | None = None) -> list[FieldError]:
    """The card's `defect_severity`: {label: critical | major | minor} (labels it omits are major)."""
    severity = card.get("defect_severity", {})
    if not isinstance(severity, dict):
        return [FieldError("/card/defect_severity", "defect_severity must be an object of label: critical | major | minor")]
    errors = [
        FieldError(f"/card/defect_severity/{label}", f"severity {value!r} is not one of {', '.join(SEVERITY_CLASSES)}")
        for label, value in severity.items()
        if value not in SEVERITY_CLASSES
    ]
    if labels is not None:
        errors += [FieldError(f"/card/defect_severity/{label}", f"{label!r} is not one of the card's labels") for label in severity if label not in labels]
    return errors


def _name(value: str) -> str:
    return " ".join(re.split(r"[\s_\-]+", value.strip().casefold())).strip()


def validated_for(card: dict[str, Any], product: str) -> bool:
    """Was the model validated on this product (its card's validated_on.products; case,
    spaces, '_' and '-' do not matter)? Anything else makes its detections proposals."""
    domain = card.get("validated_on")
    products = domain.get("products") if isinstance(domain, dict) else None
    return isinstance(products, list) and _name(product) in {_name(p) for p in products if isinstance(p, str)}


def _smoke_test(model: bytes, card: dict[str, Any]) -> None:
    """Load the model as the job will and run it on a blank image: a file that cannot serve fails here."""
    try:
        inspector = load_inspector(model, card)
        inspector.inspect(np.full((64, 64), 128, dtype=np.uint8))
    except Exception as exc:  # onnxruntime raises many types; all mean "this model does not work"
        raise InvalidInput.at("/file", f"the model does not load or run with its card: {str(exc)[:300]}") from exc


async def register_model(session: AsyncSession, actor: Actor, name: str, version: str, card_json: str, model: bytes) -> ModelVersion:
    actor.require(Permission.MODELS_ADMIN)
    errors = []
    if not 1 <= len(name) <= 100:
        errors.append(FieldError("/name", "name must be 1 to 100 characters"))
    if not 1 <= len(version) <= 50:
        errors.append(FieldError("/version", "version must be 1 to 50 characters"))
    limit = get_inspection_settings().max_model_bytes
    if not model:
        errors.append(FieldError("/file", "the model file is empty"))
    elif len(model) > limit:
        errors.append(FieldError("/file", f"the model file exceeds {limit} bytes"))
    try:
        card = json.loads(card_json)
    except ValueError:
        card = None
        errors.append(FieldError("/card", "the card is not valid JSON"))
    else:
        errors += _card_errors(card)
    if errors:
        raise InvalidInput("the model cannot be registered", errors)
    await asyncio.to_thread(_smoke_test, model, card)
    if await repository.model_version_exists(session, actor.organisation_id, name, version):
        raise InvalidInput.at("/version", f"model {name} already has a version {version}")
    sha256 = hashlib.sha256(model).hexdigest()
    key = store.model_key(sha256)
    await asyncio.to_thread(store.write, key, model)
    row = ModelVersion(
        organisation_id=actor.organisation_id, name=name, version=version, kind=ModelKind(card["kind"]), labels=list(card["labels"]),
        card=card, metrics=card.get("metrics", {}), file_sha256=sha256, file_bytes=len(model), storage_key=key, created_by=actor.user_id,
    )
    session.add(row)
    await session.flush()
    events.emit(session, actor, "inspection.model_registered", "inspection_model_version", row.id,
                {"name": name, "version": version, "sha256": sha256, "kind": row.kind.value})
    return row


async def list_models(session: AsyncSession, actor: Actor, cursor: str | None = None, limit: int = 50) -> Page[ModelVersion]:
    actor.require(Permission.QUALITY_READ)
    return await repository.list_model_versions(session, actor, cursor, limit)


async def get_model(session: AsyncSession, actor: Actor, model_id: uuid.UUID) -> ModelVersion:
    """A version the caller's organisation registered, or one that was activated for its
    images (by the alliance admin, say): a factory reads the card of the model that judges it."""
    actor.require(Permission.QUALITY_READ)
    try:
        return await get_visible(session, actor, ModelVersion, model_id)
    except NotFound:
        if await repository.version_activated_for(session, actor.organisation_id, model_id):
            version = await session.get(ModelVersion, model_id)
            if version is not None:
                return version
        raise


async def _managed_factory(session: AsyncSession, actor: Actor, factory_org_id: uuid.UUID | None) -> uuid.UUID:
    """The factory whose activations the caller manages: its own, or (alliance admin) one of the alliance's."""
    factory = factory_org_id or actor.organisation_id
    if factory != actor.organisation_id and not (
        actor.is_alliance_admin and await repository.organisation_in_alliance(session, factory, actor.alliance_id)
    ):
        raise NotFound("organisation", factory)
    return factory


def _record(session: AsyncSession, actor: Actor, factory: uuid.UUID, product: str, action: ActivationAction,
            version_id: uuid.UUID | None, previous_id: uuid.UUID | None) -> None:
    session.add(ModelActivationRecord(organisation_id=factory, product=product, action=action, model_version_id=version_id,
                                      previous_version_id=previous_id, by_user_id=actor.user_id, by_org_id=actor.organisation_id, at=utcnow()))


async def activate_model(
    session: AsyncSession, actor: Actor, model_id: uuid.UUID, product: str, factory_org_id: uuid.UUID | None = None
) -> ModelActivation:
    """Make a version the one that inspects a factory's images of `product` ("*": any product).

    An organisation's admin activates for its own factory; the alliance admin, who keeps the
    alliance's registry, for any factory of the alliance. Another alliance's factory is 404."""
    actor.require(Permission.MODELS_ADMIN)
    if not 1 <= len(product) <= 200:
        raise InvalidInput.at("/product", "product must be 1 to 200 characters")
    model = await get_visible(session, actor, ModelVersion, model_id)
    factory = await _managed_factory(session, actor, factory_org_id)
    return await _set_active(session, actor, factory, product, model.id, ActivationAction.ACTIVATED)  # type: ignore[return-value]


async def _set_active(session: AsyncSession, actor: Actor, factory: uuid.UUID, product: str, version_id: uuid.UUID | None,
                      action: ActivationAction) -> ModelActivation | None:
    """Point (factory, product) at a version (None: remove the activation, the built-in model
    or the "*" activation takes over) and record the change with its author."""
    activation = await repository.activation_for(session, factory, product, for_update=True)
    previous = activation.model_version_id if activation else None
    if version_id is None:
        if activation is not None:
            await session.delete(activation)
        activation = None
    elif activation is None:
        activation = ModelActivation(organisation_id=factory, product=product, model_version_id=version_id, activated_by=actor.user_id)
        session.add(activation)
    else:
        activation.model_version_id = version_id
        activation.activated_by = actor.user_id
        activation.activated_at = utcnow()
    _record(session, actor, factory, product, action, version_id, previous)
    await session.flush()
    events.emit(session, actor, f"inspection.model_{action.value}", "inspection_model_version", version_id or previous,
                {"factory_org_id": str(factory), "product": product, "model_version_id": str(version_id) if version_id else None,
                 "previous_version_id": str(previous) if previous else None})
    return activation


async def deactivate_model(session: AsyncSession, actor: Actor, product: str, factory_org_id: uuid.UUID | None = None) -> None:
    """Remove the activation of (factory, product): the built-in model inspects again (or the
    factory's "*" activation, for a named product)."""
    actor.require(Permission.MODELS_ADMIN)
    factory = await _managed_factory(session, actor, factory_org_id)
    if await repository.activation_for(session, factory, product) is None:
        raise NotFound("activation", product)
    await _set_active(session, actor, factory, product, None, ActivationAction.DEACTIVATED)


async def rollback_model(session: AsyncSession, actor: Actor, product: str, factory_org_id: uuid.UUID | None = None) -> ModelActivation | None:
    """Go back to the version that was active before the last change of (factory, product);
    None when that was the built-in model (the activation is removed)."""
    actor.require(Permission.MODELS_ADMIN)
    factory = await _managed_factory(session, actor, factory_org_id)
    [last] = await repository.activation_records(session, factory, product, 1) or [None]
    if last is None:
        raise Conflict(f"no earlier activation of {product!r} is recorded for this factory", "nothing_to_roll_back")
    current = await repository.activation_for(session, factory, product)
    if (current.model_version_id if current else None) != last.model_version_id:
        raise Conflict("the activation changed outside the recorded history; activate a version explicitly", "history_mismatch")
    return await _set_active(session, actor, factory, product, last.previous_version_id, ActivationAction.ROLLED_BACK)


@dataclass(frozen=True)
class ActiveModel:
    product: str
    organisation_id: uuid.UUID
    model_version_id: uuid.UUID | None  # None: the built-in model
    model_name: str
    validated_on: dict[str, Any]
    activated_by: uuid.UUID | None
    activated_at: Any


async def active_models(session: AsyncSession, actor: Actor, factory_org_id: uuid.UUID | None = None) -> list[ActiveModel]:
    """What inspects the factory's images: each product's active version (whoever activated it,
    the factory's admin or the alliance admin), then the built-in model for everything else
    (product "(built-in)"). The factory reads its own; the alliance admin any of the alliance's."""
    actor.require(Permission.QUALITY_READ)
    factory = await _managed_factory(session, actor, factory_org_id)
    rows = []
    for activation in await repository.activations_of_factory(session, factory):
        version = await session.get(ModelVersion, activation.model_version_id)
        assert version is not None
        rows.append(ActiveModel(activation.product, factory, version.id, f"{version.name}:{version.version}",
                                version.card.get("validated_on", {}), activation.activated_by, activation.activated_at))
    card = store.builtin_card()
    rows.append(ActiveModel("(built-in)", factory, None, f"{BUILTIN_MODEL} (built-in)", card.get("validated_on", {}), None, None))
    return rows


async def activation_history(session: AsyncSession, actor: Actor, factory_org_id: uuid.UUID | None = None, product: str | None = None,
                             limit: int = 100) -> list[ModelActivationRecord]:
    actor.require(Permission.QUALITY_READ)
    factory = await _managed_factory(session, actor, factory_org_id)
    return await repository.activation_records(session, factory, product, limit)


# ---------------------------------------------------------------- images


def _checked_image(index: int, upload: UploadedFile, limit: int) -> str:
    """The container format of a valid upload; 422 with the file's pointer otherwise."""
    path = f"/files/{index}"
    if not upload.data:
        raise InvalidInput.at(path, f"{upload.filename or 'file'} is empty")
    if len(upload.data) > limit:
        raise InvalidInput.at(path, f"{upload.filename or 'file'} exceeds {limit} bytes")
    if upload.content_type and not upload.content_type.startswith(("image/", "application/octet-stream")):
        raise InvalidInput.at(path, f"{upload.filename or 'file'} has content type {upload.content_type}; send an image")
    try:
        decode_image(upload.data, mode="L")  # the whole image decodes within the pixel limit
        return image_format(upload.data)
    except ImageError as exc:
        raise InvalidInput.at(path, f"{upload.filename or 'file'}: {exc}") from exc


async def writable_lot(session: AsyncSession, actor: Actor, lot_id: uuid.UUID) -> InspectionLot:
    """A lot the caller's factory inspects: 404 when it may not see it, 403 when it only reads it."""
    return await get_writable(session, actor, InspectionLot, lot_id)


async def upload_images(session: AsyncSession, actor: Actor, lot_id: uuid.UUID, files: list[UploadedFile]) -> list[InspectionImage]:
    """Store images of a lot the caller's factory inspects; the product comes from the lot."""
    actor.require(Permission.QUALITY_WRITE)
    lot = await writable_lot(session, actor, lot_id)
    if lot.decision is not None:
        raise Conflict(f"lot {lot.id} is already {lot.decision.value}; its images can no longer count", "lot_decided")
    settings = get_inspection_settings()
    if not files:
        raise InvalidInput.at("/files", "send at least one image in the 'files' field")
    if len(files) > settings.max_images_per_upload:
        raise InvalidInput.at("/files", f"at most {settings.max_images_per_upload} images per upload")
    # One image is one sampled unit: a lot takes no more images than its sample.
    already = await repository.image_count_of_lot(session, lot.id)
    if already + len(files) > lot.sample_size:
        raise InvalidInput.at("/files", f"the lot samples {lot.sample_size} units and has {already} images; {len(files)} more would exceed its sample")
    formats = [await asyncio.to_thread(_checked_image, i, f, settings.max_image_bytes) for i, f in enumerate(files)]
    rows = []
    for upload, fmt in zip(files, formats, strict=True):
        image_id = new_id()
        row = InspectionImage(
            id=image_id, organisation_id=actor.organisation_id, buyer_org_id=lot.buyer_org_id, lot_id=lot.id, product=lot.product,
            filename=(upload.filename or "image")[:255], content_type=f"image/{'jpeg' if fmt == 'JPEG' else IMAGE_EXTENSIONS[fmt]}",
            byte_size=len(upload.data), sha256=hashlib.sha256(upload.data).hexdigest(),
            storage_key=store.image_key(actor.organisation_id, image_id, IMAGE_EXTENSIONS[fmt]), uploaded_by=actor.user_id,
        )
        # A file written by a request that then rolls back is an orphan, never a row without its file.
        await asyncio.to_thread(store.write, row.storage_key, upload.data)
        session.add(row)
        rows.append(row)
    await session.flush()
    events.emit(session, actor, "inspection.images_uploaded", "lot", lot_id, {"image_ids": [str(r.id) for r in rows], "product": lot.product})
    return rows


async def get_image(session: AsyncSession, actor: Actor, image_id: uuid.UUID) -> InspectionImage:
    actor.require(Permission.QUALITY_READ)
    return await get_visible(session, actor, InspectionImage, image_id)


@dataclass(frozen=True)
class LotInspection:
    lot_id: uuid.UUID
    images: list[InspectionImage]
    inspected: int
    pending: int
    failed: int
    defective: int
    defect_counts: dict[str, int]
    # Images whose detections wait for an inspector; images the OOD check kept from counting.
    proposed: int = 0
    flagged: int = 0


async def lot_inspection(session: AsyncSession, actor: Actor, lot_id: uuid.UUID, limit: int = 500) -> LotInspection:
    """The images of a lot the caller may read (its factory or buyer) and what they add up to."""
    actor.require(Permission.QUALITY_READ)
    await get_visible(session, actor, InspectionLot, lot_id)
    images = await repository.images_of_lot(session, actor, lot_id, limit)
    counts: dict[str, int] = {}
    for image in images:
        for label, n in (image.defect_counts or {}).items():
            counts[label] = counts.get(label, 0) + int(n)
    return LotInspection(
        lot_id, images,
        inspected=sum(i.status == ImageStatus.INSPECTED for i in images), pending=sum(i.status == ImageStatus.PENDING for i in images),
        failed=sum(i.status == ImageStatus.FAILED for i in images), defective=sum(bool(i.defective) for i in images),
        defect_counts=dict(sorted(counts.items())),
        proposed=sum(i.review == ReviewState.PROPOSED for i in images), flagged=sum(i.ood_reason is not None for i in images),
    )


# ---------------------------------------------------------------- the detection job's work


async def _model_for(session: AsyncSession, image: InspectionImage) -> tuple[ModelVersion | None, dict[str, Any], str, Any]:
    """The active version for the image's factory and product, else its "*" version, else the built-in model."""
    for product in (image.product, ANY_PRODUCT):
        activation = await repository.activation_for(session, image.organisation_id, product)
        if activation is not None:
            version = await session.get(ModelVersion, activation.model_version_id)
            assert version is not None
            return version, version.card, version.file_sha256, functools.partial(store.read, version.storage_key)
    card = store.builtin_card()
    return None, card, card["onnx"]["sha256"], store.builtin_model_bytes


def _infer(inspector: Any, data: bytes, reference: dict[str, Any] | None) -> tuple[InspectionResult, ood.OodResult, tuple[int, int]]:
    image = decode_image(data)
    return inspector.inspect(image), ood.check(image, reference), (int(image.shape[1]), int(image.shape[0]))


async def begin_attempt(session: AsyncSession, image_id: uuid.UUID) -> int | None:
    """Count one more delivery of the job for a pending image, in its own transaction (so the
    count survives the attempt's rollback); the attempt's number, or None when there is
    nothing to do. A pending image whose last attempt never finished ends failed here."""
    image = await repository.image_for_update(session, image_id)
    if image is None or image.status != ImageStatus.PENDING:
        return None
    if image.attempts >= MAX_ATTEMPTS:
        _fail(image, f"gave up after {image.attempts} attempts; the last one did not finish")
        return None
    image.attempts += 1
    return image.attempts


async def give_up(session: AsyncSession, image_id: uuid.UUID, attempts: int, exc: BaseException) -> None:
    """The last attempt raised: the image ends failed with the reason."""
    image = await repository.image_for_update(session, image_id)
    if image is not None and image.status == ImageStatus.PENDING:
        _fail(image, f"gave up after {attempts} attempts: {type(exc).__name__}: {exc}")


def _fail(image: InspectionImage, reason: str) -> None:
    image.status = ImageStatus.FAILED
    image.error = reason[:500]
    image.inspected_at = utcnow()


async def run_inspection(session: AsyncSession, image_id: uuid.UUID) -> InspectionImage | None:
    """Inspect one uploaded image (idempotent: an image already inspected is left alone).

    The image records the model that scored it (or failed on it); whatever the model, its
    card or the image does wrong ends the image failed with the reason, never pending."""
    image = await repository.image_for_update(session, image_id)
    if image is None or image.status != ImageStatus.PENDING:
        return image
    version, card, sha256, load_bytes = await _model_for(session, image)
    image.model_version_id = version.id if version else None
    image.model_name = f"{version.name}:{version.version}" if version else f"{BUILTIN_MODEL} (built-in)"
    image.model_sha256 = sha256
    card_errors = _severity_errors(card)
    if card_errors:
        _fail(image, f"the model card of {image.model_name} is invalid: " + "; ".join(f"{e.path}: {e.message}" for e in card_errors))
        return image
    try:
        inspector = await asyncio.to_thread(store.inspector_for, sha256, load_bytes, card)
        data = await asyncio.to_thread(store.read, image.storage_key)
        result, check, (width, height) = await asyncio.to_thread(_infer, inspector, data, card.get("ood"))
    except Exception as exc:  # onnxruntime raises its own types (Fail, InvalidArgument, ...), not RuntimeError
        _fail(image, f"{type(exc).__name__}: {exc}")
        return image
    image.status = ImageStatus.INSPECTED
    image.width, image.height = width, height
    image.defective = result.defective
    image.score = round(float(result.score), 6)
    image.model_validated = validated_for(card, image.product)
    image.inspected_at = utcnow()
    # What happens to the detections: an image unlike the model's training data is flagged and
    # never counted; a model validated for the product counts at once; any other model's
    # detections are proposals an inspector confirms or dismisses (review_image).
    if check.flagged:
        image.ood_reason = (check.reason or "out of distribution")[:300]
        state = "flagged"
    elif image.model_validated:
        state = "counted"
    else:
        state = "proposed"
    image.detections = [
        {"class_id": d.class_id, "label": d.label, "score": round(d.score, 6), "box": [round(v, 2) for v in d.box] if d.box else None, "review": state}
        for d in result.detections
    ]
    if state == "counted":
        image.defect_counts = result.defect_counts()
        await _add_to_lot(session, image, card)
    else:
        image.defect_counts = {}
        if state == "proposed" and image.detections:
            image.review = ReviewState.PROPOSED
        else:
            image.counted_at = utcnow()  # nothing of this image will count
    return image


def _defect_class(label: str) -> str:
    return re.sub(r"[^a-z0-9_\-]+", "_", label.lower()).strip("_")[:100] or "defect"


async def _add_to_lot(session: AsyncSession, image: InspectionImage, card: dict[str, Any], actor: Actor | None = None) -> None:
    """Aggregate the image's defects into its lot through the quality service, acting as the
    uploader, by the card of the model that scored the image: its `defect_severity` per class
    (default major). The image is one sampled unit, nonconforming in its most severe class. A
    class the lot already holds with another severity (another model's card named it the
    same) is counted under the model's own name, so no class is dropped."""
    if image.counted_at is not None:
        return
    image.counted_at = utcnow()
    if not image.defect_counts:
        return
    severity = card.get("defect_severity", {})
    lot = await session.get(InspectionLot, image.lot_id, with_for_update=True)  # the job's read, as image_for_update
    held = lot.defects if lot is not None else {}
    counts = []
    for label, n in sorted(image.defect_counts.items()):
        name, level = _defect_class(label), severity.get(label, "major")
        if name in held and held[name]["severity"] != level:
            name = _defect_class(f"{label}-{image.model_name}")
        counts.append(DefectCountIn(defect_class=name, severity=level, count=int(n)))
    worst = min((c.severity for c in counts), key=SEVERITY_CLASSES.index)
    actor = actor or await repository.actor_of_user(session, image.uploaded_by)
    try:
        async with session.begin_nested():
            await quality_service.add_defect_counts(session, actor, image.lot_id, counts, {worst: 1})
    except DomainError as exc:
        # E.g. the lot was decided before the job ran: keep the result, say why it was not counted.
        image.error = f"not added to the lot: {exc.detail}"[:500]


@quality_service.hold_decisions
async def _images_pending(session: AsyncSession, lot: InspectionLot) -> str | None:
    pending, proposed = await repository.unfinished_images_of_lot(session, lot.id)
    reasons = []
    if pending:
        reasons.append(f"{pending} of its images are still being inspected")
    if proposed:
        reasons.append(f"{proposed} of its images have detections an inspector has not confirmed or dismissed")
    return "; ".join(reasons) or None


# ---------------------------------------------------------------- the inspector's review

THUMBNAIL_SIDE = 360
_BOX_COLOURS = {"proposed": (255, 170, 0), "confirmed": (220, 30, 30), "counted": (220, 30, 30), "dismissed": (120, 120, 120), "flagged": (120, 120, 120)}


def _thumbnail(data: bytes, detections: list[dict[str, Any]], side: int) -> bytes:
    """A PNG thumbnail (at most `side` pixels) with each detection's box and number drawn in."""
    import io

    from PIL import Image, ImageDraw

    pixels = decode_image(data)
    height, width = pixels.shape[:2]
    scale = min(1.0, side / max(width, height))
    picture = Image.fromarray(pixels).resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(picture)
    for number, detection in enumerate(detections):
        box = detection.get("box")
        if not box:
            continue
        colour = _BOX_COLOURS.get(detection.get("review", "proposed"), (255, 170, 0))
        x1, y1, x2, y2 = (v * scale for v in box)
        draw.rectangle((x1, y1, x2, y2), outline=colour, width=2)
        draw.text((x1 + 3, y1 + 2), str(number), fill=colour)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


async def image_thumbnail(session: AsyncSession, actor: Actor, image_id: uuid.UUID, side: int = THUMBNAIL_SIDE) -> bytes:
    """The image as a PNG thumbnail with its detections' boxes (any bit depth or format in)."""
    image = await get_image(session, actor, image_id)
    data = await asyncio.to_thread(store.read, image.storage_key)
    try:
        return await asyncio.to_thread(_thumbnail, data, list(image.detections or []), side)
    except ImageError as exc:
        raise Conflict(f"image {image.id} cannot be shown: {exc}", "image_unreadable") from exc


@dataclass(frozen=True)
class ReviewDecision:
    index: int
    decision: str  # confirm | dismiss


async def card_of_image(session: AsyncSession, image: InspectionImage) -> dict[str, Any]:
    """The card of the model that scored the image (registered version or built-in)."""
    if image.model_version_id is None:
        return store.builtin_card()
    version = await session.get(ModelVersion, image.model_version_id)
    assert version is not None
    return version.card


async def review_image(session: AsyncSession, actor: Actor, image_id: uuid.UUID, decisions: list[ReviewDecision]) -> InspectionImage:
    """An inspector of the factory confirms or dismisses proposed detections of an image.

    Once no detection of the image is left proposed, the confirmed ones are added to the lot
    (the image is one sampled unit, by the card of the model that scored it); dismissed ones
    never count. A detection is decided once; a decided lot takes no more reviews."""
    actor.require(Permission.QUALITY_WRITE)
    image = await get_writable(session, actor, InspectionImage, image_id, for_update=True)
    lot = await get_writable(session, actor, InspectionLot, image.lot_id)
    if lot.decision is not None:
        raise Conflict(f"lot {lot.id} is already {lot.decision.value}; its detections can no longer be reviewed", "lot_decided")
    if image.review != ReviewState.PROPOSED:
        raise Conflict(f"image {image.id} has no detections waiting for review", "nothing_to_review")
    if not decisions:
        raise InvalidInput.at("/decisions", "decide at least one detection")
    detections = [dict(d) for d in image.detections]
    seen: set[int] = set()
    for position, item in enumerate(decisions):
        if item.decision not in ("confirm", "dismiss"):
            raise InvalidInput.at(f"/decisions/{position}/decision", "decision must be confirm or dismiss")
        if not 0 <= item.index < len(detections):
            raise InvalidInput.at(f"/decisions/{position}/index", f"the image has detections 0 to {len(detections) - 1}")
        if item.index in seen:
            raise InvalidInput.at(f"/decisions/{position}/index", f"detection {item.index} is decided twice in this request")
        if detections[item.index].get("review") != "proposed":
            raise InvalidInput.at(f"/decisions/{position}/index", f"detection {item.index} is already {detections[item.index].get('review')}")
        seen.add(item.index)
    now = utcnow()
    for item in decisions:
        detections[item.index].update(review="confirmed" if item.decision == "confirm" else "dismissed",
                                      reviewed_by=str(actor.user_id), reviewed_at=now.isoformat())
    image.detections = detections
    if not any(d.get("review") == "proposed" for d in detections):
        image.review = ReviewState.REVIEWED
        image.reviewed_by, image.reviewed_at = actor.user_id, now
        counts: dict[str, int] = {}
        for d in detections:
            if d["review"] == "confirmed":
                counts[d["label"]] = counts.get(d["label"], 0) + 1
        image.defect_counts = counts
        await _add_to_lot(session, image, await card_of_image(session, image), actor)
        if image.error and image.error.startswith("not added to the lot"):
            raise Conflict(image.error, "not_counted")
    await session.flush()
    events.emit(session, actor, "inspection.detections_reviewed", "inspection_image", image.id, {
        "lot_id": str(image.lot_id), "decisions": [{"index": d.index, "decision": d.decision} for d in decisions],
        "review": image.review.value, "defect_counts": image.defect_counts,
    })
    return image
