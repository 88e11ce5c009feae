"""An order's status changes as they are committed: what the GraphQL subscription and the
server-sent event stream both send.

The order's history (`order_status_changes`) is the record; the live channel
(`orders.status_channel`, published after commit) only says when to read it again. So a
subscriber sees exactly the committed changes, in the order it learns of them, each once:
nothing of a rolled-back transaction, nothing twice after a redelivery, and nothing lost when a
message is (a gap makes it read again). Each read is a short transaction of its own, with the
caller authenticated again and the order's visibility checked again, so a stream stops when
the key is revoked or the caller may no longer read the order; no transaction (and on SQLite no
lock) is held while waiting.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from capool import live
from capool.db import READ_ONLY
from capool.tenancy.actor import Actor
from marketplace import orders, repository
from marketplace.models import OrderStatusChange

# Re-authenticates the caller in the given session (raises Unauthenticated when the key is revoked).
ActorNow = Callable[[AsyncSession], Awaitable[Actor]]


class StatusFeed:
    """`async with StatusFeed(...) as feed`: subscribed and checked (NotFound for an order the
    caller may not read) on entry; then `async for change in feed.changes(...)`."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], actor_now: ActorNow, order_id: uuid.UUID, *,
                 replay: bool = True, after: str | None = None) -> None:
        """`replay`: send the history first (all of it, or what follows the change `after`, as
        after a reconnect with Last-Event-ID); otherwise only changes from now on."""
        self._sessions = sessions
        self._actor_now = actor_now
        self._order_id = order_id
        self._replay = replay
        self._after = after
        self._seen: set[uuid.UUID] = set()
        self._pending: list[OrderStatusChange] = []
        self._stack = AsyncExitStack()
        self._inbox: live.Inbox | None = None

    async def __aenter__(self) -> StatusFeed:
        # Subscribe before reading, so that a change committed in between is announced.
        self._inbox = await self._stack.enter_async_context(live.subscribe(orders.status_channel(self._order_id)))
        try:
            history = await self._read()
        except BaseException:
            await self._stack.aclose()
            raise
        if self._replay:
            skipping = self._after is not None
            for change in history:
                if skipping:
                    skipping = str(change.id) != self._after
                    continue
                self._pending.append(change)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()

    async def _read(self) -> list[OrderStatusChange]:
        """The changes not seen yet, in history order."""
        async with self._sessions(execution_options=READ_ONLY) as session:
            actor = await self._actor_now(session)
            await orders.get_order(session, actor, self._order_id)  # NotFound once it may not read it
            history = await repository.status_history(session, actor, self._order_id)
        fresh = [change for change in history if change.id not in self._seen]
        self._seen.update(change.id for change in fresh)
        return fresh

    async def changes(self, *, follow: bool = True, max_wait: float | None = None) -> AsyncIterator[OrderStatusChange]:
        """The replayed history, then (`follow`) each change as it is committed, for at most
        `max_wait` seconds (None: until the consumer stops)."""
        assert self._inbox is not None, "use the feed in `async with`"
        pending, self._pending = self._pending, []
        for change in pending:
            yield change
        if not follow:
            return
        loop = asyncio.get_running_loop()
        deadline = None if max_wait is None else loop.time() + max_wait
        while True:
            timeout = None if deadline is None else deadline - loop.time()
            if timeout is not None and timeout <= 0:
                return
            if await self._inbox.get(timeout) is None:
                return  # max_wait passed
            self._inbox.drain()  # one read answers every announcement queued so far
            for change in await self._read():
                yield change
