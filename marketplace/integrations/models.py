"""Tables of the integrations (imported by capool.models).

Webhook endpoints and their stored deliveries (one row per event per matching endpoint,
with an attempt log), the code mapping of external systems to master ids, and connectors
to factories' own HTTP APIs. Every row belongs to one organisation (policy.TenantScope).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from capool.db import Base, IdMixin
from capool.tenancy.policy import TenantScope


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # retries exhausted; a manual replay sends it again


class CircuitState(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class ConnectorKind(enum.StrEnum):
    CAPACITY_PULL = "capacity_pull"
    MES_PUSH = "mes_push"


class WebhookEndpoint(IdMixin, Base):
    __tablename__ = "webhook_endpoints"
    __tenancy__ = TenantScope(owner="organisation_id")

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(500))
    event_types: Mapped[list[str]]
    secret: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(default=True)
    # Set only by a platform operator (`capool webhooks allow-private`): lets this endpoint
    # reach private / loopback / link-local addresses.
    allow_private: Mapped[bool] = mapped_column(default=False)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    circuit_state: Mapped[CircuitState] = mapped_column(_enum(CircuitState, "webhook_circuit_state"), default=CircuitState.CLOSED)
    circuit_opened_at: Mapped[datetime | None]


class WebhookDelivery(IdMixin, Base):
    __tablename__ = "webhook_deliveries"
    __tenancy__ = TenantScope(owner="organisation_id")

    endpoint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outbox_events.id"))
    event_type: Mapped[str] = mapped_column(String(100))
    body: Mapped[dict[str, Any]]
    status: Mapped[DeliveryStatus] = mapped_column(_enum(DeliveryStatus, "webhook_delivery_status"), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(2000))
    delivered_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_ended", "status", "created_at"),  # the retention purge
    )


class WebhookAttempt(IdMixin, Base):
    """The delivery log: one row per HTTP attempt (or refusal) of a delivery."""

    __tablename__ = "webhook_attempts"
    __tenancy__ = TenantScope(owner="organisation_id")

    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    attempted_at: Mapped[datetime]
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(2000))
    duration_ms: Mapped[int] = mapped_column(default=0)


class CodeMapping(IdMixin, Base):
    """One external system's code for a master record: ("kingdee", "customer", "C-0042") -> organisation id."""

    __tablename__ = "integration_code_mappings"
    __tenancy__ = TenantScope(owner="organisation_id")

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    system: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(30))  # organisation | product | resource | offer | order | process
    external_code: Mapped[str] = mapped_column(String(200))
    master_ref: Mapped[str] = mapped_column(String(200))  # a master id (uuid) or a master code (product, process)

    __table_args__ = (UniqueConstraint("organisation_id", "system", "kind", "external_code", name="uq_integration_code_mappings_code"),)


class Connector(IdMixin, Base):
    """A partner factory's own HTTP API: capacity pulled on a schedule, or allocations pushed to its MES."""

    __tablename__ = "integration_connectors"
    __tenancy__ = TenantScope(owner="organisation_id")

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ConnectorKind] = mapped_column(_enum(ConnectorKind, "connector_kind"))
    url: Mapped[str] = mapped_column(String(2000))
    # capacity_pull: {"items": "$.data.slots", "fields": {"process": "$.proc", ...}, "defaults": {...}}
    mapping: Mapped[dict[str, Any]]
    auth_header: Mapped[str | None] = mapped_column(String(500))
    enabled: Mapped[bool] = mapped_column(default=True)
    allow_private: Mapped[bool] = mapped_column(default=False)
    interval_minutes: Mapped[int] = mapped_column(default=60)
    last_run_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(2000))
