"""The shape the code keeps: what `make lint`'s import contracts cover, and how actors are made.

The import contracts ([tool.importlinter] in pyproject.toml) list the kernel's modules; a new
kernel module must join the list or be named part of the composition root here. Actors come
from one factory (capool/tenancy/actor.py): people through `user_actor`, the platform's own
work through `system_actor` with a named purpose; no other code builds an Actor or widens its
permissions."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PRODUCTION = ("capool", "api", "marketplace", "matching", "settlement", "quality", "forecasting", "inspection")
# capool/ modules that assemble the whole platform and so may import every domain.
COMPOSITION_ROOT = {"capool", "capool.cli", "capool.clitools", "capool.wiring", "capool.demo", "capool.models", "capool.simulation"}


def _modules(package: str) -> list[str]:
    names = []
    for path in sorted((REPO / package).rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def _contracts() -> list[dict]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_every_kernel_module_is_under_the_kernel_contract() -> None:
    kernel = next(c for c in _contracts() if c["type"] == "forbidden" and "marketplace" in c["forbidden_modules"])
    covered = kernel["source_modules"]

    def in_root(name: str) -> bool:
        return any(name == root or (root != "capool" and name.startswith(root + ".")) for root in COMPOSITION_ROOT)

    def in_contract(name: str) -> bool:
        return any(name == source or name.startswith(source + ".") for source in covered)

    assert [name for name in _modules("capool") if not in_root(name) and not in_contract(name)] == []
    assert not [source for source in covered if in_root(source)]


def test_every_domain_is_a_layer() -> None:
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    named = {part.strip() for layer in layers for part in layer.split("|")}
    assert named == set(PRODUCTION) - {"capool"}


def _offences(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if name == "Actor":
            found.append((node.lineno, "builds an Actor by hand"))
        if name == "replace" and any(keyword.arg == "permissions" for keyword in node.keywords):
            found.append((node.lineno, "widens an actor's permissions"))
    return found


def test_actors_come_from_the_one_factory() -> None:
    factory = REPO / "capool" / "tenancy" / "actor.py"
    offences = []
    for package in PRODUCTION:
        for path in sorted((REPO / package).rglob("*.py")):
            if path == factory:
                continue
            for line, what in _offences(ast.parse(path.read_text(encoding="utf-8"))):
                offences.append(f"{path.relative_to(REPO)}:{line} {what}")
    assert offences == []


def test_the_scan_sees_both_offences() -> None:
    source = "a = Actor(u, o, al, r, k, p)\nb = dataclasses.replace(actor, permissions=actor.permissions | {'x'})\nc = replace(x, y=1)\n"
    assert [what for _, what in _offences(ast.parse(source))] == ["builds an Actor by hand", "widens an actor's permissions"]


def test_the_factory_refuses_inactive_people_and_bounds_system_work() -> None:
    import uuid

    import pytest

    from capool.errors import Unauthenticated
    from capool.tenancy.actor import (
        ROLE_PERMISSIONS,
        SYSTEM_GRANTS,
        Permission,
        SystemPurpose,
        system_actor,
        user_actor,
    )
    from capool.tenancy.models import Alliance, ApiKey, Organisation, OrgKind, Role, User

    alliance = Alliance(id=uuid.uuid4(), name="a", admins_see_prices=False)
    org = Organisation(id=uuid.uuid4(), alliance_id=alliance.id, name="f", kind=OrgKind.FACTORY)
    user = User(id=uuid.uuid4(), organisation_id=org.id, email="o@f", name="o", role=Role.SUPPLIER_OPERATOR, active=True)
    key = ApiKey(id=uuid.uuid4(), scopes=[Permission.CAPACITY_READ, Permission.ORDERS_WRITE])
    assert user_actor(user, org, alliance).permissions == ROLE_PERMISSIONS[Role.SUPPLIER_OPERATOR]
    # A key narrows to its scopes within the role (orders:write is no operator's).
    assert user_actor(user, org, alliance, api_key=key).permissions == {Permission.CAPACITY_READ}
    user.active = False
    with pytest.raises(Unauthenticated):
        user_actor(user, org, alliance)
    # The maintenance rule may change capacity and nothing else; on a buyer-only organisation
    # it may not even do that (capacity:write is a supplier's permission).
    rule = system_actor(SystemPurpose.MAINTENANCE_RULE, org.id, alliance.id, OrgKind.FACTORY)
    assert rule.permissions == {Permission.CAPACITY_READ, Permission.CAPACITY_WRITE}
    assert Permission.CAPACITY_WRITE not in system_actor(SystemPurpose.MAINTENANCE_RULE, org.id, alliance.id, OrgKind.BUYER).permissions
    assert set(SYSTEM_GRANTS) == set(SystemPurpose)
