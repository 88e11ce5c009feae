"""Tables of matching (imported by capool.models, so alembic and tests see them).

A MatchRun is one solve for one buyer organisation: its mode, the engine's result (with
backups and explanations), the allocation plan it proposes, and whether that plan waits
for two-person approval. Approvals are rows of their own, one per approving user.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from capool.db import Base, IdMixin
from capool.tenancy.models import str_enum
from capool.tenancy.policy import TenantScope


class RunMode(enum.StrEnum):
    BATCH = "batch"
    INCREMENTAL = "incremental"
    REPAIR = "repair"
    # A plan a user sent to POST /v1/allocation-plans that is large enough to need approval.
    MANUAL = "manual"


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    PROPOSED = "proposed"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    APPLIED = "applied"
    FAILED = "failed"


class MatchRun(IdMixin, Base):
    __tablename__ = "matching_runs"
    __tenancy__ = TenantScope(owner="organisation_id", alliance_approvers=True)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    requested_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    mode: Mapped[RunMode] = mapped_column(str_enum(RunMode, "match_run_mode"))
    status: Mapped[RunStatus] = mapped_column(str_enum(RunStatus, "match_run_status"), index=True)
    trigger: Mapped[str] = mapped_column(String(100))
    # What was asked: order ids (empty = all open orders), time limit, failed offers.
    request: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any] | None]
    # The plan apply_plan receives: [{"order_id", "offer_id", "quantity", "unit_price_minor",
    # "offer_digest", "explanation", ...}], bound to the prices and offer terms it was computed from.
    plan: Mapped[list[dict[str, Any]]]
    # marketplace.allocations.plan_digest of the plan; apply refuses when the current terms
    # give another digest, and approvals count only for this digest.
    plan_digest: Mapped[str | None] = mapped_column(String(64))
    objective: Mapped[int | None] = mapped_column(BigInteger)
    bound: Mapped[int | None] = mapped_column(BigInteger)
    value_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    moved_share_pct: Mapped[int] = mapped_column(default=0)
    needs_approval: Mapped[bool] = mapped_column(default=False)
    applied_plan_id: Mapped[uuid.UUID | None]
    applied_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(2000))


class MatchApproval(IdMixin, Base):
    __tablename__ = "matching_approvals"
    __tenancy__ = TenantScope(owner="organisation_id", alliance_approvers=True)

    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("matching_runs.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    # The plan this user signed; an approval of another (older) plan does not count.
    plan_digest: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("run_id", "user_id"),)
