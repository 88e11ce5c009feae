"""The one place that decides which rows an actor may read and write.

Tenant models declare how they are owned with `__tenancy__ = TenantScope(...)`; every
repository query over a tenant model goes through `scoped()`, and every lookup by id
through `get_visible()` / `get_writable()`. A row the actor may not read answers 404, so
another organisation's ids reveal nothing. tests/test_tenancy_lint.py rejects repository
code that selects a tenant model without `scoped()`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from capool.errors import NotFound, PermissionDenied
from capool.tenancy.actor import Actor

T = TypeVar("T")


RowRule = Callable[["Actor", type], ColumnElement[bool]]


@dataclass(frozen=True)
class TenantScope:
    """How a tenant model is owned. `owner` names the organisation column that may write the
    row; `readers` the columns whose organisations may read it (the owner by default).
    A domain whose rows are also readable by others under its own rules (an offer's
    visibility, an order's active allocations) passes them as `rule`: the domain owns its
    row rules, the kernel only which organisations an actor may act for."""

    owner: str
    readers: tuple[str, ...] = ()
    rule: RowRule | None = None
    # Matching runs and their approvals: also readable by the admins of the owner's alliance
    # while the alliance lets its admins approve members' runs (they must see what they sign).
    alliance_approvers: bool = False


def _scope(model: type) -> TenantScope:
    scope = getattr(model, "__tenancy__", None)
    if not isinstance(scope, TenantScope):
        raise TypeError(f"{model.__name__} declares no tenancy scope")
    return scope


def alliance_orgs(actor: Actor) -> Select[Any]:
    """The organisations of the actor's alliance."""
    from capool.tenancy.models import Organisation

    return select(Organisation.id).where(Organisation.alliance_id == actor.alliance_id)


def own_clause(actor: Actor, model: type) -> ColumnElement[bool]:
    """Rows the actor's organisation owns."""
    return getattr(model, _scope(model).owner) == actor.organisation_id


def read_clause(actor: Actor, model: type) -> ColumnElement[bool]:
    scope = _scope(model)
    if scope.rule is not None:
        return scope.rule(actor, model)
    org = actor.organisation_id
    if scope.alliance_approvers and actor.is_alliance_admin:
        from capool.tenancy.models import Alliance, Organisation

        approving_members = (
            select(Organisation.id)
            .join(Alliance, Alliance.id == Organisation.alliance_id)
            .where(Organisation.alliance_id == actor.alliance_id, Alliance.admins_approve_runs.is_(True))
        )
        return or_(getattr(model, scope.owner) == org, getattr(model, scope.owner).in_(approving_members))
    columns = scope.readers or (scope.owner,)
    return or_(*(getattr(model, column) == org for column in columns))


def write_clause(actor: Actor, model: type, column: str | None = None) -> ColumnElement[bool]:
    """Rows the actor's organisation acts on through `column` (the owner by default)."""
    scope = _scope(model)
    return getattr(model, column or scope.owner) == actor.organisation_id


def scoped(statement: Select[Any], actor: Actor, model: type) -> Select[Any]:
    return statement.where(read_clause(actor, model))


def org_members_clause(actor: Actor, column: Any) -> ColumnElement[bool]:
    """For alliance-wide aggregates: rows of any organisation in the actor's alliance."""
    if not actor.is_alliance_admin:
        return column == actor.organisation_id
    return column.in_(alliance_orgs(actor)) if actor.alliance_id else true()


async def get_visible(session: AsyncSession, actor: Actor, model: type[T], ident: uuid.UUID, *, for_update: bool = False) -> T:
    statement = scoped(select(model), actor, model).where(model.id == ident)  # type: ignore[attr-defined]
    if for_update:
        statement = statement.with_for_update()
    row = (await session.execute(statement)).scalar_one_or_none()
    if row is None:
        raise NotFound(_label(model), ident)
    return row


async def get_writable(
    session: AsyncSession, actor: Actor, model: type[T], ident: uuid.UUID, *, column: str | None = None, for_update: bool = False
) -> T:
    """A row the actor may change: 404 when it may not even read it, 403 when it may read only."""
    row = await get_visible(session, actor, model, ident, for_update=for_update)
    if getattr(row, column or _scope(model).owner) != actor.organisation_id:
        raise PermissionDenied(f"this organisation may read but not change {_label(model)} {ident}")
    return row


def _label(model: type) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()
