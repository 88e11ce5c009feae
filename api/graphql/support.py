"""Helpers every GraphQL area module uses: the request's session behind a gate, service
calls with coded errors, typed user errors for mutations (which also mark the request
rollback-only), input conversion."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
import strawberry
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from api.middleware import ROLLBACK_KEY
from api.problems import _PATH, _pointer
from capool.errors import DomainError, ErrorCode, FieldError, InvalidInput
from capool.tenancy.actor import Actor

T = TypeVar("T")
MAX_PAGE = 100


class SessionGate:
    """The only way resolvers and dataloaders reach the request's session.

    graphql-core resolves sibling fields concurrently; when one fails it cancels the others,
    or leaves them to settle in the background after the response. An AsyncSession runs one
    operation at a time, and a database call cancelled half-way closes its connection with a
    transaction open (SQLite then stayed locked for every tenant). So each use of the session
    runs alone (a lock), in its own task that cancelling the field cannot interrupt, and
    `close()` waits for the running one and refuses the rest before the unit of work ends.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._lock = asyncio.Lock()
        self._running: set[asyncio.Task[Any]] = set()
        self._closed = False

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        if self._closed:
            raise _ended()
        task = asyncio.ensure_future(self._alone(work))
        self._running.add(task)
        task.add_done_callback(self._finished)
        # A cancelled field stops waiting here; the task still finishes its database call.
        return await asyncio.shield(task)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved: the field that asked may have been cancelled meanwhile

    async def _alone(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self._lock:
            if self._closed:
                raise _ended()
            return await work(self._session)

    async def close(self) -> None:
        """End the operation's use of the session: wait for what runs, refuse what waits."""
        self._closed = True
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)


def _ended() -> GraphQLError:
    return GraphQLError("the operation has already finished", extensions={"code": "OPERATION_FINISHED"})


def context_of(info: Info) -> dict[str, Any]:
    return info.context


async def call(info: Info, work: Callable[[AsyncSession, Actor], Awaitable[T]]) -> T:
    """Run a service call for a query; domain errors become GraphQL errors with codes."""
    ctx = context_of(info)
    try:
        return await ctx["gate"].run(lambda session: work(session, ctx["actor"]))
    except DomainError as exc:
        raise domain_error(exc) from exc


def domain_error(exc: DomainError) -> GraphQLError:
    """A domain error as a GraphQL error: its code upper-cased, its status and field paths."""
    return GraphQLError(exc.detail, extensions={"code": exc.code.upper(), "status": exc.status, "fields": [e.path for e in exc.errors]})


def page_limit(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise GraphQLError(f"first must be between 1 and {MAX_PAGE}", extensions={"code": "INVALID_INPUT"})
    return first


# The domain's error codes are the schema's ErrorCode enum (values are the names, e.g. NOT_FOUND).
strawberry.enum(ErrorCode, description="What went wrong; the same codes as the REST problem bodies, upper-cased")


@strawberry.type
class UserError:
    code: ErrorCode
    message: str
    field: str | None = None


def _code(exc: DomainError) -> ErrorCode:
    # tests/test_error_codes.py keeps every code the source raises in ErrorCode.
    return ErrorCode(exc.code) if exc.code in ErrorCode._value2member_map_ else ErrorCode.ERROR


def user_errors(exc: DomainError) -> list[UserError]:
    if exc.errors:
        return [UserError(code=_code(exc), message=e.message, field=e.path) for e in exc.errors]
    return [UserError(code=_code(exc), message=exc.detail)]


def convert(shape: type[T], data: dict[str, Any]) -> T:
    try:
        return msgspec.convert(data, shape)
    except msgspec.ValidationError as exc:
        message = str(exc)
        raise InvalidInput("the input does not match the schema", [FieldError("/input" + _pointer(message, None, None).rstrip("/"), _PATH.sub("", message).rstrip(" -"))]) from exc


async def mutate(info: Info, work: Callable[[AsyncSession, Actor], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    """Mutations return the object or typed errors; errors mark the request rollback-only,
    so nothing a failed mutation did is committed."""
    ctx = context_of(info)
    try:
        return await ctx["gate"].run(lambda session: work(session, ctx["actor"])), []
    except DomainError as exc:
        ctx["request"].scope["state"][ROLLBACK_KEY] = True
        return None, user_errors(exc)
