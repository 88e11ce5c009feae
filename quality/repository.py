"""All SQL of quality. Reads of tenant rows go through capool.tenancy.policy."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from capool.clock import utcnow
from capool.tenancy.actor import Actor
from capool.tenancy.models import Organisation
from capool.tenancy.policy import org_members_clause, scoped
from quality.models import InspectionLot, SpcPoint, SwitchingStateRow


def lots_query(actor: Actor, *, process: str | None = None, order_id: uuid.UUID | None = None) -> Select[Any]:
    statement = scoped(select(InspectionLot), actor, InspectionLot)
    if process:
        statement = statement.where(InspectionLot.process == process)
    if order_id:
        statement = statement.where(InspectionLot.order_id == order_id)
    return statement


async def decided_lots(session: AsyncSession, actor: Actor, process: str | None = None) -> list[InspectionLot]:
    statement = lots_query(actor, process=process).where(InspectionLot.decision.is_not(None)).order_by(InspectionLot.decided_at)
    return list((await session.execute(statement)).scalars())


async def alliance_decided_lots(session: AsyncSession, alliance_id: uuid.UUID, process: str | None = None) -> list[InspectionLot]:
    """Every decided lot of the alliance's factories: for the matching engine, which ranks
    suppliers for an alliance (not an answer to any one tenant's request)."""
    factories = select(Organisation.id).where(Organisation.alliance_id == alliance_id)
    statement = select(InspectionLot).where(InspectionLot.decision.is_not(None), InspectionLot.factory_org_id.in_(factories))  # tenancy: alliance-wide, system use
    if process:
        statement = statement.where(InspectionLot.process == process)
    return list((await session.execute(statement.order_by(InspectionLot.decided_at))).scalars())


async def switching_state(session: AsyncSession, actor: Actor, factory_org_id: uuid.UUID, product: str, *, for_update: bool = False) -> SwitchingStateRow | None:
    statement = scoped(select(SwitchingStateRow), actor, SwitchingStateRow).where(
        SwitchingStateRow.factory_org_id == factory_org_id, SwitchingStateRow.product == product
    )
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def switching_state_in_alliance(
    session: AsyncSession, actor: Actor, factory_org_id: uuid.UUID, product: str, *, for_update: bool = False
) -> SwitchingStateRow | None:
    """A factory's switching state as its own organisation or its alliance's admin reads it."""
    statement = select(SwitchingStateRow).where(
        org_members_clause(actor, SwitchingStateRow.factory_org_id),
        SwitchingStateRow.factory_org_id == factory_org_id, SwitchingStateRow.product == product,
    )
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def organisation_in_alliance(session: AsyncSession, organisation_id: uuid.UUID, alliance_id: uuid.UUID) -> bool:
    statement = select(Organisation.id).where(Organisation.id == organisation_id, Organisation.alliance_id == alliance_id)
    return (await session.execute(statement)).first() is not None


async def spc_points(session: AsyncSession, actor: Actor, factory_org_id: uuid.UUID | None, process: str, limit: int) -> list[SpcPoint]:
    statement = scoped(select(SpcPoint), actor, SpcPoint).where(SpcPoint.process == process)
    if factory_org_id:
        statement = statement.where(SpcPoint.factory_org_id == factory_org_id)
    rows = list((await session.execute(statement.order_by(SpcPoint.occurred_at.desc(), SpcPoint.id.desc()).limit(limit))).scalars())
    return rows[::-1]


async def factory_spc_points(session: AsyncSession, actor: Actor, process: str, limit: int) -> list[SpcPoint]:
    """The acting factory's own recent points for a process (the chart its alerts use)."""
    return await spc_points(session, actor, actor.organisation_id, process, limit)


async def mark_settled(session: AsyncSession, lot_id: uuid.UUID) -> bool:
    """Mark a decided lot settled unless it already is; True for the one caller that did it.

    A conditional UPDATE, so a redelivered or concurrently processed decision event settles
    (pays or credits) the lot exactly once: the second caller waits for the row lock and
    then finds `settled_at` set."""
    result = await session.execute(
        update(InspectionLot)
        .where(InspectionLot.id == lot_id, InspectionLot.decision.is_not(None), InspectionLot.settled_at.is_(None))
        .values(settled_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
