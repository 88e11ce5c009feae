"""Who is calling, and what their role and key scopes let them do."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from capool.errors import PermissionDenied, Unauthenticated
from capool.tenancy.models import Alliance, ApiKey, Organisation, OrgKind, Role, User


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


# ---------------------------------------------------------------- the one factory for actors

SYSTEM_USER = uuid.UUID(int=0)
"""The user id of work the platform does by itself (no person asked for it)."""


class SystemPurpose(enum.StrEnum):
    """Work the platform does for an organisation without a person, each with the role it acts
    in and the permissions it needs, named here and nowhere else."""

    FORECAST_REFRESH = "forecast_refresh"  # the periodic demand forecast, read as the buyer would
    CAPACITY_PULL = "capacity_pull"  # a connector publishing the supplier's capacity from its own system
    MAINTENANCE_RULE = "maintenance_rule"  # telemetry's maintenance alert lowering the resource owner's offers


SYSTEM_GRANTS: dict[SystemPurpose, tuple[Role, frozenset[str]]] = {
    SystemPurpose.FORECAST_REFRESH: (
        Role.BUYER, frozenset({Permission.FORECAST_READ, Permission.CAPACITY_READ, Permission.ORDERS_READ})
    ),
    SystemPurpose.CAPACITY_PULL: (Role.SUPPLIER_OPERATOR, ROLE_PERMISSIONS[Role.SUPPLIER_OPERATOR]),
    SystemPurpose.MAINTENANCE_RULE: (Role.SUPPLIER_OPERATOR, frozenset({Permission.CAPACITY_READ, Permission.CAPACITY_WRITE})),
}


def user_actor(user: User, org: Organisation, alliance: Alliance, *, api_key: ApiKey | None = None) -> Actor:
    """A person as an actor: signed in (no key: every permission of their role), by an API key
    (the key's scopes within the role), or a job working on their behalf. A deactivated
    person acts for nobody."""
    if not user.active:
        raise Unauthenticated("this account has been deactivated")
    return Actor(
        user_id=user.id,
        organisation_id=org.id,
        alliance_id=alliance.id,
        role=user.role,
        org_kind=org.kind,
        permissions=effective_permissions(user.role, org.kind, api_key.scopes if api_key is not None else None),
        api_key_id=api_key.id if api_key is not None else None,
        admins_see_prices=alliance.admins_see_prices,
    )


def system_actor(purpose: SystemPurpose, organisation_id: uuid.UUID, alliance_id: uuid.UUID, org_kind: OrgKind) -> Actor:
    """The platform acting for an organisation for one named purpose, with that purpose's
    permissions (never more than its role's for the organisation's kind)."""
    role, permissions = SYSTEM_GRANTS[purpose]
    return Actor(SYSTEM_USER, organisation_id, alliance_id, role, org_kind, permissions & effective_permissions(role, org_kind, None))
