"""The code mapping: each external system's codes for one master record.

Seed 003: the same customer is `C-0042` in Kingdee, `CUST42` in the MES and `42` in the WMS;
three rows (system, kind="organisation", code) -> one organisation id. Imports and
connectors resolve codes through `lookup`; a code without a mapping is a row error.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from capool.errors import Conflict, InvalidInput
from capool.tenancy.actor import Actor, Permission
from capool.tenancy.models import Organisation
from capool.tenancy.policy import get_visible, get_writable, scoped
from marketplace import catalogue
from marketplace.integrations.models import CodeMapping
from marketplace.integrations.schemas import MappingIn
from marketplace.models import CapacityOffer, Resource

KINDS = ("organisation", "product", "resource", "offer", "process", "material")
ID_KINDS = {"organisation", "resource", "offer"}


async def lookup(session: AsyncSession, actor: Actor, system: str, kind: str, code: str) -> str | None:
    statement = scoped(select(CodeMapping.master_ref), actor, CodeMapping).where(
        CodeMapping.system == system, CodeMapping.kind == kind, CodeMapping.external_code == code)
    return (await session.execute(statement)).scalar_one_or_none()


async def remember(session: AsyncSession, actor: Actor, system: str, kind: str, code: str, master_ref: str) -> CodeMapping:
    row = CodeMapping(organisation_id=actor.organisation_id, system=system, kind=kind, external_code=code, master_ref=master_ref)
    session.add(row)
    await session.flush()
    return row


async def _check_master(session: AsyncSession, actor: Actor, kind: str, ref: str) -> None:
    if kind == "process":  # a material made by a process (Catena-X demand): a code of the catalogue
        await catalogue.check_processes(session, actor.alliance_id, {"/master_ref": ref})
        return
    if kind not in ID_KINDS:
        return
    try:
        ident = uuid.UUID(ref)
    except ValueError as exc:
        raise InvalidInput.at("/master_ref", f"a {kind} mapping points at a {kind} id (uuid)") from exc
    if kind == "organisation":
        org = await session.get(Organisation, ident)
        if org is None or org.alliance_id != actor.alliance_id:
            raise InvalidInput.at("/master_ref", f"organisation {ident} is not a member of this alliance")
    elif kind == "resource":
        await get_writable(session, actor, Resource, ident)
    else:
        await get_visible(session, actor, CapacityOffer, ident)


async def create_mapping(session: AsyncSession, actor: Actor, data: MappingIn) -> CodeMapping:
    actor.require(Permission.MAPPINGS_WRITE)
    if data.kind not in KINDS:
        raise InvalidInput.at("/kind", f"kind must be one of {', '.join(KINDS)}")
    await _check_master(session, actor, data.kind, data.master_ref)
    if await lookup(session, actor, data.system, data.kind, data.external_code) is not None:
        raise Conflict(f"{data.system} {data.kind} code {data.external_code!r} is already mapped", "duplicate_mapping")
    return await remember(session, actor, data.system, data.kind, data.external_code, data.master_ref)


async def list_mappings(session: AsyncSession, actor: Actor, system: str | None = None, kind: str | None = None) -> list[CodeMapping]:
    actor.require(Permission.MAPPINGS_READ)
    statement = scoped(select(CodeMapping), actor, CodeMapping)
    if system:
        statement = statement.where(CodeMapping.system == system)
    if kind:
        statement = statement.where(CodeMapping.kind == kind)
    statement = statement.order_by(CodeMapping.system, CodeMapping.kind, CodeMapping.external_code).limit(5000)
    return list((await session.execute(statement)).scalars())


async def delete_mapping(session: AsyncSession, actor: Actor, mapping_id: uuid.UUID) -> None:
    actor.require(Permission.MAPPINGS_WRITE)
    row = await get_writable(session, actor, CodeMapping, mapping_id)
    await session.delete(row)
    await session.flush()
