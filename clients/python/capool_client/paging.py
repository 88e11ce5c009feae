"""Walk a cursor-paginated list (`items`, `next_cursor`) page by page.

    from capool_client import pages
    from capool_client.generated.api.capacity import list_offers
    for offer in pages(list_offers.sync, client=capool, process="screen_printing", limit=100):
        ...
    async for order in apages(list_orders.asyncio, client=capool, status="in_production"):
        ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T", covariant=True)


class Page(Protocol[T]):
    @property
    def items(self) -> Sequence[T]: ...

    @property
    def next_cursor(self) -> Any: ...


def _cursor(page: Page[Any]) -> str | None:
    cursor = page.next_cursor
    return cursor if isinstance(cursor, str) and cursor else None


def pages(call: Callable[..., Page[T] | None], **kwargs: Any) -> Iterator[T]:
    """The items of every page `call` (a generated `sync`) answers, following next_cursor."""
    cursor: str | None = None
    while True:
        page = call(**kwargs, **({"cursor": cursor} if cursor else {}))
        if page is None:
            return
        yield from page.items
        cursor = _cursor(page)
        if cursor is None:
            return


async def apages(call: Callable[..., Awaitable[Page[T] | None]], **kwargs: Any) -> AsyncIterator[T]:
    """pages() for a generated `asyncio`."""
    cursor: str | None = None
    while True:
        page = await call(**kwargs, **({"cursor": cursor} if cursor else {}))
        if page is None:
            return
        for item in page.items:
            yield item
        cursor = _cursor(page)
        if cursor is None:
            return
