"""Cursor pagination over time-ordered ids: the cursor is the last id of the previous page."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from capool.config import get_settings
from capool.errors import InvalidInput

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(ident: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(ident.bytes).decode().rstrip("=")


def decode_cursor(cursor: str) -> uuid.UUID:
    try:
        return uuid.UUID(bytes=base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        raise InvalidInput.at("/cursor", "cursor is not one this API returned") from None


async def paginate(
    session: AsyncSession, statement: Select[Any], id_column: Any, cursor: str | None, limit: int, *, newest_first: bool = False
) -> Page[Any]:
    """One page of `statement` by id (ids are time-ordered): oldest first, as the API lists,
    or newest first, as a person reads their own list; the cursor continues in that direction."""
    max_size = get_settings().max_page_size
    if not 1 <= limit <= max_size:
        raise InvalidInput.at("/limit", f"limit must be between 1 and {max_size}")
    if cursor:
        after = decode_cursor(cursor)
        statement = statement.where(id_column < after if newest_first else id_column > after)
    ordering = id_column.desc() if newest_first else id_column
    rows = list((await session.execute(statement.order_by(ordering).limit(limit + 1))).scalars())
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return Page(items=rows[:limit], next_cursor=next_cursor)
