"""Helpers every GraphQL area module uses: service calls with coded errors, typed user
errors for mutations (which also mark the request rollback-only), input conversion."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
import strawberry
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from api.middleware import ROLLBACK_KEY
from api.problems import _PATH, _pointer
from capool.errors import DomainError, FieldError, InvalidInput
from capool.tenancy.actor import Actor

T = TypeVar("T")
MAX_PAGE = 100


def context_of(info: Info) -> dict[str, Any]:
    return info.context


async def call(info: Info, work: Callable[[AsyncSession, Actor], Awaitable[T]]) -> T:
    """Run a service call for a query; domain errors become GraphQL errors with codes."""
    ctx = context_of(info)
    try:
        return await work(ctx["session"], ctx["actor"])
    except DomainError as exc:
        raise GraphQLError(exc.detail, extensions={"code": exc.code.upper(), "status": exc.status, "fields": [e.path for e in exc.errors]}) from exc


def page_limit(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise GraphQLError(f"first must be between 1 and {MAX_PAGE}", extensions={"code": "INVALID_INPUT"})
    return first


@strawberry.type
class UserError:
    code: str
    message: str
    field: str | None = None


def user_errors(exc: DomainError) -> list[UserError]:
    if exc.errors:
        return [UserError(code=exc.code.upper(), message=e.message, field=e.path) for e in exc.errors]
    return [UserError(code=exc.code.upper(), message=exc.detail)]


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
        return await work(ctx["session"], ctx["actor"]), []
    except DomainError as exc:
        ctx["request"].scope["state"][ROLLBACK_KEY] = True
        return None, user_errors(exc)
