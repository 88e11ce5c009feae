"""The alliance's process catalogue: every member lists it, the alliance's admins add and retire codes."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import requires
from api.rest.schemas import ProcessOut, process_out
from capool.tenancy.actor import Actor, Permission
from marketplace import catalogue
from marketplace.schemas import ProcessIn


class ProcessController(Controller):
    path = "/v1/processes"
    tags = ["catalogue"]

    @get("/", **requires(Permission.CAPACITY_READ), summary="The alliance's process catalogue (the codes orders, offers and resources may name)")
    async def list(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], include_retired: FromQuery[bool] = False) -> list[ProcessOut]:
        return [process_out(row) for row in await catalogue.list_processes(db_session, actor, include_retired=include_retired)]

    @post("/", **requires(Permission.ALLIANCE_ADMIN), status_code=201, summary="Add a process to the alliance's catalogue (or bring a retired one back)")
    async def add(self, data: JSONBody[ProcessIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ProcessOut:
        return process_out(await catalogue.add_process(db_session, actor, data))

    @post("/{process_id:uuid}/retire", **requires(Permission.ALLIANCE_ADMIN), status_code=200,
          summary="Retire a process: rows that name it keep it, new orders, offers and resources cannot name it")
    async def retire(self, process_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ProcessOut:
        return process_out(await catalogue.retire_process(db_session, actor, process_id))
