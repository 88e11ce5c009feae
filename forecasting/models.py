"""Tables of forecasting (imported by capool.models, so alembic and tests see them).

Forecast runs record which engine, version and parameters produced their points, so a
stored forecast can always be explained. Telemetry is stored as raw current samples per
machine cycle; alerts are the open and resolved health findings.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from capool.db import Base, IdMixin
from capool.tenancy.models import str_enum
from capool.tenancy.policy import TenantScope


class Granularity(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


class AlertKind(enum.StrEnum):
    FORECAST_WARNING = "forecast_warning"
    EQUIPMENT = "equipment"
    TRAFFIC_LIGHT = "traffic_light"
    # Accepted work (possibly in production) sits on a capacity offer its factory withdrew.
    WITHDRAWN_WORK = "withdrawn_work"


class ForecastRun(IdMixin, Base):
    __tablename__ = "forecast_runs"
    __tenancy__ = TenantScope(owner="organisation_id")

    # The buyer whose order history was forecast.
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    granularity: Mapped[Granularity] = mapped_column(str_enum(Granularity, "forecast_granularity"))
    horizon: Mapped[int]
    # Periods: the first forecast period starts here (a day, or the Monday of a week).
    origin: Mapped[date]
    engine: Mapped[str] = mapped_column(String(100))
    engine_version: Mapped[str] = mapped_column(String(50))
    params: Mapped[dict[str, Any]]
    series_count: Mapped[int]
    is_latest: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        CheckConstraint("horizon > 0", name="horizon_positive"),
        Index("ix_forecast_runs_latest", "organisation_id", "granularity", "is_latest"),
    )


class ForecastPoint(IdMixin, Base):
    __tablename__ = "forecast_points"
    __tenancy__ = TenantScope(owner="organisation_id")

    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forecast_runs.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    process: Mapped[str] = mapped_column(String(100), index=True)
    step: Mapped[int]
    period_start: Mapped[date]
    period_end: Mapped[date]
    model: Mapped[str] = mapped_column(String(50))
    yhat: Mapped[float]
    lo_80: Mapped[float]
    hi_80: Mapped[float]
    lo_95: Mapped[float]
    hi_95: Mapped[float]

    __table_args__ = (CheckConstraint("step > 0", name="step_positive"),)


class TelemetryReading(IdMixin, Base):
    __tablename__ = "telemetry_readings"
    __tenancy__ = TenantScope(owner="organisation_id")

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    resource_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resources.id"), index=True)
    cycle: Mapped[int]
    current_a: Mapped[float]
    measured_at: Mapped[datetime]

    __table_args__ = (Index("ix_telemetry_readings_resource_cycle", "resource_id", "cycle"),)


class HealthAlert(IdMixin, Base):
    __tablename__ = "health_alerts"
    __tenancy__ = TenantScope(owner="organisation_id")

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[AlertKind] = mapped_column(str_enum(AlertKind, "alert_kind"))
    # The process (forecast warnings), resource id (equipment), "scope:key" (red lights) or
    # the withdrawn offer's id (withdrawn work; the alert belongs to the buyer).
    subject: Mapped[str] = mapped_column(String(200))
    resource_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("resources.id"), index=True)
    message: Mapped[str] = mapped_column(String(1000))
    details: Mapped[dict[str, Any]]
    resolved_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_health_alerts_open", "organisation_id", "kind", "resolved_at"),)
