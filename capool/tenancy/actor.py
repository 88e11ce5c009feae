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
    WEBHOOKS_READ = "webhooks:read"  # endpoints and the event types one may subscribe to
    WEBHOOKS_WRITE = "webhooks:write"  # create, re-point, disable and delete endpoints
    DELIVERIES_READ = "deliveries:read"  # the delivery log, bodies included
    DELIVERIES_REPLAY = "deliveries:replay"  # send a stored delivery again
    CONNECTORS_READ = "connectors:read"
    CONNECTORS_WRITE = "connectors:write"  # register connectors and run a capacity pull
    MAPPINGS_READ = "mappings:read"  # external systems' codes for master records
    MAPPINGS_WRITE = "mappings:write"
    DEMAND_WRITE = "demand:write"  # import Catena-X WeekBasedMaterialDemand documents (the buyer's own demand)


ALL_PERMISSIONS = frozenset(v for k, v in vars(Permission).items() if k.isupper())

# Partner integrations (003): every member organisation may receive webhooks and map its
# systems' codes; connectors pull capacity or push allocations, which only suppliers do.
INTEGRATIONS = frozenset(
    {Permission.WEBHOOKS_READ, Permission.WEBHOOKS_WRITE, Permission.DELIVERIES_READ, Permission.DELIVERIES_REPLAY,
     Permission.MAPPINGS_READ, Permission.MAPPINGS_WRITE}
)
CONNECTORS = frozenset({Permission.CONNECTORS_READ, Permission.CONNECTORS_WRITE})

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
    )
    | INTEGRATIONS
    | CONNECTORS,
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
            Permission.DEMAND_WRITE,
        }
    )
    | INTEGRATIONS,
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
            # alliance-wide health alerts and forecast warnings go to the office's own systems
            Permission.WEBHOOKS_READ,
            Permission.WEBHOOKS_WRITE,
            Permission.DELIVERIES_READ,
            Permission.DELIVERIES_REPLAY,
        }
    ),
    Role.AUDITOR: frozenset(
        {Permission.CAPACITY_READ, Permission.ORDERS_READ, Permission.ANALYTICS_READ, Permission.LEDGER_READ, Permission.QUALITY_READ,
         Permission.WEBHOOKS_READ, Permission.DELIVERIES_READ, Permission.MAPPINGS_READ}
    ),
}

# Permissions that only make sense for an organisation of a given kind.
SUPPLIER_ONLY = frozenset(
    {Permission.CAPACITY_WRITE, Permission.ALLOCATIONS_RESPOND, Permission.PROGRESS_WRITE, Permission.QUALITY_WRITE, Permission.TELEMETRY_WRITE}
) | CONNECTORS
BUYER_ONLY = frozenset({Permission.ORDERS_WRITE, Permission.ALLOCATIONS_WRITE, Permission.PARTNERSHIPS_WRITE, Permission.DEMAND_WRITE})


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
