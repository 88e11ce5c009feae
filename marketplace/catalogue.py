"""Each alliance's process catalogue: the codes that orders, offers, resources and code
mappings may name, with their names in English and Chinese.

Every member reads its alliance's catalogue; the alliance's admins add and retire codes. A
retired code stays on the rows that already name it (an order keeps its process), but no
new order, offer, resource or mapping may name it. The operator's CLI works on a catalogue
by the alliance id, through the functions here that take no actor.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from capool.clock import utcnow
from capool.errors import Conflict, FieldError, InvalidInput, NotFound
from capool.tenancy.actor import Actor, Permission
from marketplace import repository
from marketplace.models import ProcessCode
from marketplace.schemas import ProcessIn


async def list_processes(session: AsyncSession, actor: Actor, *, include_retired: bool = False) -> list[ProcessCode]:
    actor.require(Permission.CAPACITY_READ)
    return await alliance_processes(session, actor.alliance_id, include_retired=include_retired)


async def add_process(session: AsyncSession, actor: Actor, data: ProcessIn) -> ProcessCode:
    actor.require(Permission.ALLIANCE_ADMIN)
    return await add_to_alliance(session, actor.alliance_id, data)


async def retire_process(session: AsyncSession, actor: Actor, process_id: uuid.UUID) -> ProcessCode:
    """Retire a code of the caller's alliance; another alliance's code answers 404."""
    actor.require(Permission.ALLIANCE_ADMIN)
    row = await repository.process_code_of_alliance(session, actor.alliance_id, process_id, for_update=True)
    if row is None:
        raise NotFound("process", process_id)
    return await _retire(session, row)


# --- without an actor: the operator's CLI, the demo, the simulation --------------------------

async def alliance_processes(session: AsyncSession, alliance_id: uuid.UUID, *, include_retired: bool = False) -> list[ProcessCode]:
    return list((await session.execute(repository.process_codes_query(alliance_id, include_retired=include_retired))).scalars())


async def add_to_alliance(session: AsyncSession, alliance_id: uuid.UUID, data: ProcessIn) -> ProcessCode:
    """Add a code, or bring a retired one back (with the names given now)."""
    row = (await repository.process_codes(session, alliance_id, [data.code])).get(data.code)
    if row is not None and row.retired_at is None:
        raise Conflict(f"process {data.code!r} is already in the alliance's catalogue", "duplicate_process")
    if row is None:
        row = ProcessCode(alliance_id=alliance_id, code=data.code, name_en=data.names.en, name_zh_cn=data.names.zh_cn)
        session.add(row)
    else:
        row.name_en, row.name_zh_cn, row.retired_at = data.names.en, data.names.zh_cn, None
    await session.flush()
    return row


async def retire_in_alliance(session: AsyncSession, alliance_id: uuid.UUID, code: str) -> ProcessCode:
    row = (await repository.process_codes(session, alliance_id, [code])).get(code)
    if row is None:
        raise NotFound("process", code)
    return await _retire(session, row)


async def _retire(session: AsyncSession, row: ProcessCode) -> ProcessCode:
    if row.retired_at is not None:
        raise Conflict(f"process {row.code!r} was already retired on {row.retired_at.date().isoformat()}", "process_retired")
    row.retired_at = utcnow()
    await session.flush()
    return row


# --- the check every write that names a process makes -----------------------------------------

async def check_known(session: AsyncSession, alliance_id: uuid.UUID, fields: dict[str, str | None]) -> None:
    """For reads that filter by a process: 422 for a code the alliance's catalogue has never
    held (a typo would otherwise answer an empty, plausible result); retired codes still name
    the rows that have them."""
    named = {path: code for path, code in fields.items() if code is not None}
    rows = await repository.process_codes(session, alliance_id, named.values())
    errors = [FieldError(path, f"process {code!r} is not in the alliance's process catalogue") for path, code in named.items() if code not in rows]
    if errors:
        raise InvalidInput("unknown process: " + "; ".join(e.message for e in errors), errors, code="unknown_process")


async def check_processes(session: AsyncSession, alliance_id: uuid.UUID, fields: dict[str, str], *, kept: Iterable[str] = ()) -> None:
    """422 naming each field (a JSON pointer -> the code it names) whose code is not in the
    alliance's catalogue or is retired; `kept` are codes the row already has, which it may
    keep although retired since."""
    rows = await repository.process_codes(session, alliance_id, fields.values())
    allowed_retired = set(kept)
    errors: list[FieldError] = []
    for path, code in fields.items():
        row = rows.get(code)
        if row is None:
            errors.append(FieldError(path, f"process {code!r} is not in the alliance's process catalogue"))
        elif row.retired_at is not None and code not in allowed_retired:
            errors.append(FieldError(path, f"process {code!r} was retired from the alliance's process catalogue on {row.retired_at.date().isoformat()}"))
    if errors:
        raise InvalidInput("unknown process: " + "; ".join(e.message for e in errors), errors, code="unknown_process")


async def process_names(session: AsyncSession, actor: Actor) -> dict[str, tuple[str, str]]:
    """Code -> (English name, Chinese name) of every process of the caller's alliance, retired
    ones included (rows keep their codes), for pages that name processes instead of codes."""
    return {row.code: (row.name_en, row.name_zh_cn) for row in await alliance_processes(session, actor.alliance_id, include_retired=True)}
