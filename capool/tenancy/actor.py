"""Who is calling, and what their role and key scopes let them do."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from capool.errors import PermissionDenied
from capool.tenancy.models import OrgKind, Role


class Permission:
    CAPACITY_READ = "capacity:read"
    CAPACITY_WRITE = "capacity:write"
    ORDERS_READ = "orders:read"
    ORDERS_WRITE = "orders:write"
    ALLOCATIONS_WRITE = "allocations:write"
    ALLOCATIONS_RESPOND = "allocations:respond"
    PROGRESS_WRITE = "progress:write"
    PARTNERSHIPS_WRITE = "partnerships:write"
    ANALYTICS_READ = "analytics:read"
    ANALYTICS_ALLIANCE = "analytics:alliance"
    MEMBERS_ADMIN = "members:admin"
    ALLIANCE_ADMIN = "alliance:admin"
    MATCHING_RUN = "matching:run"  # preview / run / apply matching for the caller's orders (or alliance-wide)
    MATCHING_APPROVE = "matching:approve"  # second signature on large changes
    LEDGER_READ = "ledger:read"  # entries, checkpoints, proofs, statements
    SETTLEMENT_WRITE = "settlement:write"  # fund escrow, open disputes, register org keys, counter-sign
    QUALITY_READ = "quality:read"
    QUALITY_WRITE = "quality:write"  # inspection reports, lot decisions
    MODELS_ADMIN = "models:admin"  # defect model registry
    FORECAST_READ = "forecast:read"
    TELEMETRY_WRITE = "telemetry:write"  # machine telemetry from the shop floor


ALL_PERMISSIONS = frozenset(v for k, v in vars(Permission).items() if k.isupper())

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ORG_ADMIN: ALL_PERMISSIONS - {Permission.ANALYTICS_ALLIANCE, Permission.ALLIANCE_ADMIN},
    Role.SUPPLIER_OPERATOR: frozenset(
        {
            Permission.CAPACITY_READ,
            Permission.CAPACITY_WRITE,
            Permission.ORDERS_READ,
            Permission.ALLOCATIONS_RESPOND,
            Permission.PROGRESS_WRITE,
            Permission.ANALYTICS_READ,
            Permission.LEDGER_READ,
            Permission.QUALITY_READ,
            Permission.QUALITY_WRITE,
            Permission.FORECAST_READ,
            Permission.TELEMETRY_WRITE,
        }
    ),
    Role.BUYER: frozenset(
        {
            Permission.CAPACITY_READ,
            Permission.ORDERS_READ,
            Permission.ORDERS_WRITE,
            Permission.ALLOCATIONS_WRITE,
            Permission.PARTNERSHIPS_WRITE,
            Permission.ANALYTICS_READ,
            Permission.MATCHING_RUN,
            Permission.LEDGER_READ,
            Permission.SETTLEMENT_WRITE,
            Permission.QUALITY_READ,
            Permission.FORECAST_READ,
        }
    ),
    Role.ALLIANCE_ADMIN: frozenset(
        {
            Permission.CAPACITY_READ,
            Permission.ORDERS_READ,
            Permission.ANALYTICS_READ,
            Permission.ANALYTICS_ALLIANCE,
            Permission.ALLIANCE_ADMIN,
            Permission.MEMBERS_ADMIN,
            Permission.MATCHING_RUN,
            Permission.MATCHING_APPROVE,
            Permission.LEDGER_READ,
            Permission.SETTLEMENT_WRITE,
            Permission.QUALITY_READ,
            Permission.MODELS_ADMIN,
            Permission.FORECAST_READ,
        }
    ),
    Role.AUDITOR: frozenset(
        {Permission.CAPACITY_READ, Permission.ORDERS_READ, Permission.ANALYTICS_READ, Permission.LEDGER_READ, Permission.QUALITY_READ}
    ),
}

# Permissions that only make sense for an organisation of a given kind.
SUPPLIER_ONLY = frozenset(
    {Permission.CAPACITY_WRITE, Permission.ALLOCATIONS_RESPOND, Permission.PROGRESS_WRITE, Permission.QUALITY_WRITE, Permission.TELEMETRY_WRITE}
)
BUYER_ONLY = frozenset({Permission.ORDERS_WRITE, Permission.ALLOCATIONS_WRITE, Permission.PARTNERSHIPS_WRITE})


def effective_permissions(role: Role, org_kind: OrgKind, scopes: list[str] | None) -> frozenset[str]:
    granted = ROLE_PERMISSIONS[role]
    if org_kind == OrgKind.BUYER:
        granted -= SUPPLIER_ONLY
    elif org_kind == OrgKind.FACTORY:
        granted -= BUYER_ONLY
    if scopes is None or "*" in scopes:
        return granted
    return granted & frozenset(scopes)


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    organisation_id: uuid.UUID
    alliance_id: uuid.UUID
    role: Role
    org_kind: OrgKind
    permissions: frozenset[str]
    api_key_id: uuid.UUID | None = None
    admins_see_prices: bool = False

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise PermissionDenied(f"this caller lacks the '{permission}' permission")

    @property
    def is_alliance_admin(self) -> bool:
        return Permission.ANALYTICS_ALLIANCE in self.permissions
