"""Live notifications: small messages published once a transaction has committed, delivered to
the subscribers of a channel in every API process.

With `REDIS_URL` a message goes through Redis pub/sub (any process publishes: an API process,
a worker; each API process keeps one subscription and fans messages out to its subscribers);
without it, in the embedded mode, it is handed over inside the process (the worker threads
publish into the API process they run in). `jobs.use_broker` chooses the transport, so every
process that sends jobs publishes the same way.

Delivery is at most once. A subscriber that must not miss anything treats a message as "look
again" and reads the committed state (marketplace/status_feed.py); it is told with `GAP` when
messages may have been lost (its inbox overflowed, or the Redis subscription was (re)made and
messages published before it are gone), and then reads again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any

import redis
import redis.asyncio as aioredis
from redis.connection import parse_url
from sqlalchemy.ext.asyncio import AsyncSession

from capool.db import after_commit

log = logging.getLogger(__name__)

Message = dict[str, Any]
# Messages an inbox holds before it drops them and reports a gap instead.
INBOX_SIZE = 256
_RECONNECT_DELAYS_S = (0.1, 0.5, 1.0, 2.0, 5.0)


class _Gap:
    def __repr__(self) -> str:
        return "GAP"


GAP = _Gap()
"""What `Inbox.get` answers when messages may have been lost since the last one."""


class Inbox:
    """One subscriber's queue on its own event loop; filled from any thread."""

    def __init__(self, channel: str, loop: asyncio.AbstractEventLoop) -> None:
        self.channel = channel
        self.loop = loop
        self._queue: asyncio.Queue[Message | _Gap] = asyncio.Queue()
        self._lost = False

    def deliver(self, message: Message | _Gap) -> None:
        """Thread-safe; a subscriber whose loop has closed is gone and gets nothing."""
        with suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self._put, message)

    def _put(self, message: Message | _Gap) -> None:
        if self._lost:
            return  # a gap is pending: the subscriber reads the state again anyway
        if isinstance(message, _Gap) or self._queue.qsize() >= INBOX_SIZE:
            self._lost = True
            message = GAP
        self._queue.put_nowait(message)

    async def get(self, timeout: float | None = None) -> Message | _Gap | None:
        """The next message, GAP when some were lost, None when `timeout` seconds passed."""
        try:
            message = await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None
        if isinstance(message, _Gap):
            self.drain()
        return message

    def drain(self) -> None:
        """Drop what is queued: the caller is about to read the state, which covers it."""
        self._lost = False
        while not self._queue.empty():
            self._queue.get_nowait()


class _Transport:
    def publish(self, channel: str, message: Message) -> None:
        raise NotImplementedError

    def started(self, inbox: Inbox) -> None:
        """A subscriber was added (called on its loop)."""

    def stopped(self, loop: asyncio.AbstractEventLoop, last_on_loop: bool) -> None:
        """A subscriber was removed (called on its loop)."""

    def close(self) -> None:
        """Called when another transport replaces this one."""


class _Hub:
    """The process's subscribers by channel."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inboxes: dict[str, set[Inbox]] = {}

    def add(self, inbox: Inbox) -> None:
        with self._lock:
            self._inboxes.setdefault(inbox.channel, set()).add(inbox)

    def remove(self, inbox: Inbox) -> bool:
        """True when it was the last subscriber on its loop."""
        with self._lock:
            subscribers = self._inboxes.get(inbox.channel, set())
            subscribers.discard(inbox)
            if not subscribers:
                self._inboxes.pop(inbox.channel, None)
            return not any(i.loop is inbox.loop for group in self._inboxes.values() for i in group)

    def deliver(self, channel: str, message: Message | _Gap, loop: asyncio.AbstractEventLoop | None = None) -> None:
        with self._lock:
            targets = [i for i in self._inboxes.get(channel, ()) if loop is None or i.loop is loop]
        for inbox in targets:
            inbox.deliver(message)

    def count(self, channel: str) -> int:
        with self._lock:
            return len(self._inboxes.get(channel, ()))

    def deliver_gap(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            targets = [i for group in self._inboxes.values() for i in group if i.loop is loop]
        for inbox in targets:
            inbox.deliver(GAP)


_hub = _Hub()


class _InProcess(_Transport):
    def publish(self, channel: str, message: Message) -> None:
        _hub.deliver(channel, message)


class _Redis(_Transport):
    """Publishes with a blocking client (after-commit callbacks are synchronous, and may run on
    worker threads); each event loop with subscribers has one task reading one pub/sub
    connection, started with its first subscriber and stopped with its last."""

    def __init__(self, url: str) -> None:
        self.url = url
        # Pub/sub channels are not per database: the database number keeps apart deployments
        # (and test runs) that share a Redis server.
        self.key = f"capool:live:{parse_url(url).get('db', 0)}"
        # Short timeouts: a publish runs in the committing thread, and Redis being down must not
        # hold every commit for long (the subscribers read again when their subscription is back).
        self._client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._listeners: dict[asyncio.AbstractEventLoop, asyncio.Task[None]] = {}

    def publish(self, channel: str, message: Message) -> None:
        self._client.publish(self.key, json.dumps({"channel": channel, "message": message}))

    def started(self, inbox: Inbox) -> None:
        listener = self._listeners.get(inbox.loop)
        if listener is None or listener.done():
            self._listeners[inbox.loop] = inbox.loop.create_task(self._listen(inbox.loop), name="capool-live-redis")

    def stopped(self, loop: asyncio.AbstractEventLoop, last_on_loop: bool) -> None:
        if last_on_loop and (listener := self._listeners.pop(loop, None)) is not None:
            listener.cancel()

    def close(self) -> None:
        for listener in self._listeners.values():
            with suppress(RuntimeError):
                listener.get_loop().call_soon_threadsafe(listener.cancel)
        self._listeners.clear()
        self._client.close()

    async def _listen(self, loop: asyncio.AbstractEventLoop) -> None:
        failures = 0
        while True:
            client = aioredis.Redis.from_url(self.url, socket_connect_timeout=2)
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(self.key)
                async for item in pubsub.listen():
                    if item["type"] == "subscribe":
                        # Whatever was published before this point is gone for the subscribers
                        # already waiting (the first ones included): they read the state again.
                        failures = 0
                        _hub.deliver_gap(loop)
                    elif item["type"] == "message":
                        try:
                            data = json.loads(item["data"])
                            _hub.deliver(data["channel"], data["message"], loop)
                        except (ValueError, KeyError, TypeError):
                            log.warning("ignored a malformed live message on %s", self.key)
            except asyncio.CancelledError:  # the last subscriber left
                await _close(pubsub, client)
                raise
            except (redis.RedisError, OSError) as exc:
                await _close(pubsub, client)
                delay = _RECONNECT_DELAYS_S[min(failures, len(_RECONNECT_DELAYS_S) - 1)]
                failures += 1
                log.warning("live notifications: Redis subscription lost (%s); retrying in %.1f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
            # GeneratorExit (the loop closed under the task) passes untouched: nothing can be awaited then.


async def _close(pubsub: Any, client: aioredis.Redis) -> None:
    with suppress(Exception):
        await pubsub.aclose()
        await client.aclose()


_transport: _Transport = _InProcess()


def use(redis_url: str | None) -> None:
    """Choose the transport: Redis pub/sub with a URL, in-process without."""
    global _transport
    previous, _transport = _transport, _Redis(redis_url) if redis_url else _InProcess()
    previous.close()


def publish(channel: str, message: Message) -> None:
    """Send now; best effort (a failure is logged: subscribers read again after the next message
    or gap). Use `publish_after_commit` for anything a transaction decides."""
    try:
        _transport.publish(channel, message)
    except Exception:
        log.exception("could not publish a live message on %s", channel)


def publish_after_commit(session: AsyncSession, channel: str, message: Message | Callable[[], Message]) -> None:
    """Publish once the session's transaction has committed; nothing if it rolls back."""
    after_commit(session, lambda: publish(channel, message() if callable(message) else message))


def subscribers(channel: str) -> int:
    """How many subscribers of this process wait on the channel (for metrics and tests)."""
    return _hub.count(channel)


@asynccontextmanager
async def subscribe(channel: str) -> AsyncIterator[Inbox]:
    """Receive the channel's messages published from now on, in an Inbox, until the block ends."""
    transport = _transport
    inbox = Inbox(channel, asyncio.get_running_loop())
    _hub.add(inbox)
    transport.started(inbox)
    try:
        yield inbox
    finally:
        transport.stopped(inbox.loop, _hub.remove(inbox))
