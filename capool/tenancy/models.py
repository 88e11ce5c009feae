"""Alliances, member organisations, users and API keys: who may act, and for whom."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from capool.db import Base, IdMixin


class OrgKind(enum.StrEnum):
    FACTORY = "factory"
    BUYER = "buyer"
    BOTH = "both"


class Role(enum.StrEnum):
    ORG_ADMIN = "org_admin"
    SUPPLIER_OPERATOR = "supplier_operator"
    BUYER = "buyer"
    ALLIANCE_ADMIN = "alliance_admin"
    AUDITOR = "auditor"


def str_enum(enum_cls: type[enum.StrEnum], name: str) -> Enum:
    # Stored as plain strings with a CHECK constraint: portable across SQLite and PostgreSQL
    # and cheap to extend in a migration.
    return Enum(enum_cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=32)


class Alliance(IdMixin, Base):
    __tablename__ = "alliances"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Alliance admins see aggregates; members' private prices only when the alliance agreed.
    admins_see_prices: Mapped[bool] = mapped_column(default=False)
    # Alliance admins may sign (as one of the two approvers) members' large matching runs
    # and manual plans; an alliance that keeps approvals inside each member turns it off.
    admins_approve_runs: Mapped[bool] = mapped_column(default=True, server_default=true())


class Organisation(IdMixin, Base):
    __tablename__ = "organisations"

    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, "org_kind"))
    region: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (UniqueConstraint("alliance_id", "name"),)

    @property
    def supplies(self) -> bool:
        return self.kind in (OrgKind.FACTORY, OrgKind.BOTH)

    @property
    def buys(self) -> bool:
        return self.kind in (OrgKind.BUYER, OrgKind.BOTH)


class User(IdMixin, Base):
    __tablename__ = "users"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)


class ApiKey(IdMixin, Base):
    __tablename__ = "api_keys"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # The public part of the key, shown in listings and used to find the row.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class PortalSession(IdMixin, Base):
    """A signed-in portal session. The signed cookie names it, and it counts only while this
    row is live: signing out or changing the password revokes it here, on the server, so a
    copied cookie stops working although its signature stays valid."""

    __tablename__ = "portal_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
