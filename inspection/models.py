"""Tables of inspection (imported by capool.models, so alembic and tests see them).

`inspection_images.lot_id` is the join point with quality's lots (`quality_lots.id`). It is
stored without a foreign key so that this area's migration does not depend on quality's;
the service only accepts lots the uploading factory may write (quality's tenancy).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Double, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from capool.clock import utcnow
from capool.db import Base, IdMixin
from capool.tenancy.models import str_enum
from capool.tenancy.policy import TenantScope


class ModelKind(enum.StrEnum):
    CLASSIFIER = "classifier"
    YOLOV5 = "yolov5"
    YOLOV8 = "yolov8"


class ImageStatus(enum.StrEnum):
    PENDING = "pending"
    INSPECTED = "inspected"
    FAILED = "failed"


class ReviewState(enum.StrEnum):
    NONE = "none"
    PROPOSED = "proposed"
    REVIEWED = "reviewed"


class ModelVersion(IdMixin, Base):
    """A registered ONNX model: its file (by hash, on disk) and its metadata card."""

    __tablename__ = "inspection_model_versions"
    __tenancy__ = TenantScope(owner="organisation_id")

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(50))
    kind: Mapped[ModelKind] = mapped_column(str_enum(ModelKind, "inspection_model_kind"))
    labels: Mapped[list[str]]
    # Training data, split, hyper-parameters, threshold, preprocessing: the whole card.
    card: Mapped[dict[str, Any]]
    metrics: Mapped[dict[str, Any]]
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_bytes: Mapped[int]
    storage_key: Mapped[str] = mapped_column(String(300))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (UniqueConstraint("organisation_id", "name", "version"),)


class ModelActivation(IdMixin, Base):
    """Which model version inspects a factory's images of one product ("*": any product)."""

    __tablename__ = "inspection_model_activations"
    __tenancy__ = TenantScope(owner="organisation_id")

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    product: Mapped[str] = mapped_column(String(200))
    model_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection_model_versions.id"), index=True)
    activated_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    activated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("organisation_id", "product"),)


class ActivationAction(enum.StrEnum):
    ACTIVATED = "activated"
    ROLLED_BACK = "rolled_back"
    DEACTIVATED = "deactivated"


class ModelActivationRecord(IdMixin, Base):
    """One change of the version that inspects a factory's images of a product: who made it
    (the factory's own admin or the alliance admin), from which version to which. A null
    version is the built-in model (no activation)."""

    __tablename__ = "inspection_model_activation_history"
    # The factory reads its history; so does the organisation whose admin made the change.
    __tenancy__ = TenantScope(owner="organisation_id", readers=("organisation_id", "by_org_id"))

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    product: Mapped[str] = mapped_column(String(200))
    action: Mapped[ActivationAction] = mapped_column(str_enum(ActivationAction, "inspection_activation_action"))
    model_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspection_model_versions.id"))
    previous_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspection_model_versions.id"))
    by_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    by_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class InspectionImage(IdMixin, Base):
    """A line-camera image of a sampled lot and, once the job ran, what the model found."""

    __tablename__ = "inspection_images"
    # The factory that uploaded it owns it; the lot's buyer reads the results too.
    __tenancy__ = TenantScope(owner="organisation_id", readers=("organisation_id", "buyer_org_id"))

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    lot_id: Mapped[uuid.UUID] = mapped_column(index=True)
    product: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    byte_size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
    uploaded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    status: Mapped[ImageStatus] = mapped_column(str_enum(ImageStatus, "inspection_image_status"), default=ImageStatus.PENDING)
    # The model that inspected it: a registered version, or the built-in model (no version row).
    model_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspection_model_versions.id"))
    model_name: Mapped[str | None] = mapped_column(String(100))
    model_sha256: Mapped[str | None] = mapped_column(String(64))
    defective: Mapped[bool | None]
    score: Mapped[float | None] = mapped_column(Double())
    detections: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    defect_counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(String(500))
    inspected_at: Mapped[datetime | None]
    # Set when the defect counts were added to the lot (quality), so a retry never adds twice.
    counted_at: Mapped[datetime | None]
    # Deliveries of the detection job so far; after the last one the image ends failed.
    attempts: Mapped[int] = mapped_column(default=0)
    # Pixel size (for thumbnails and boxes); None for images stored before it was recorded.
    width: Mapped[int | None]
    height: Mapped[int | None]
    # Why the out-of-distribution check kept the image from counting (inspection.ood), if it did.
    ood_reason: Mapped[str | None] = mapped_column(String(300))
    # Was the model validated (its card's validated_on.products) for the image's product?
    model_validated: Mapped[bool | None]
    # none: nothing to review (counted at once, no detections, or flagged); proposed: detections
    # wait for an inspector's confirm / dismiss; reviewed: the inspector decided each one.
    review: Mapped[ReviewState] = mapped_column(str_enum(ReviewState, "inspection_review_state"), default=ReviewState.NONE)
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
