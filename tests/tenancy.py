"""The cross-tenant walker's vocabulary: a case per REST route and GraphQL field, saying how
an attacker calls it against the victim's data and what must happen.

Each capability lists its cases in `tests/<area>/tenancy_cases.py` (`CASES`, `GRAPHQL_CASES`
and an async `seed(ctx)` that creates the victim's data of that area); the walker in
`tests/api/test_tenancy.py` collects them and fails on any route or field without a case.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.models import metadata
from tests.conftest import Member, World

# 404: the victim's id answers 404 and nothing changes.
# absent: the call succeeds but none of the victim's ids appear in the answer.
# own: the call only ever acts on the caller's own organisation (no foreign reference possible);
#      it must succeed and the victim's ids must not appear.
Expect = Literal["404", "absent", "own"]


@dataclass
class Ctx:
    client: httpx.AsyncClient
    world: World
    engine: AsyncEngine
    ids: dict[str, str] = field(default_factory=dict)  # the victim's ids, by name

    @property
    def victim(self) -> Member:
        return self.world.brand


@dataclass(frozen=True)
class Request:
    path: str
    json: Any = None
    params: dict[str, Any] | None = None


@dataclass(frozen=True)
class Case:
    expect: Expect
    attackers: tuple[str, ...]  # World member names; each holds the route's permission
    request: Callable[[Ctx], Request]


@dataclass(frozen=True)
class GraphQLCase:
    expect: Expect
    attackers: tuple[str, ...]
    query: Callable[[Ctx], tuple[str, dict[str, Any]]]


Seed = Callable[[Ctx], Awaitable[None]]


async def snapshot(engine: AsyncEngine) -> str:
    """A digest of every row of every table: a denied call must leave it unchanged."""
    digest = hashlib.sha256()
    async with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = (await conn.execute(select(table))).all()
            digest.update(table.name.encode())
            for row in sorted(repr(tuple(row)) for row in rows):
                digest.update(row.encode())
    return digest.hexdigest()
