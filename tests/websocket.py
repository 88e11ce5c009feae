"""Websocket helpers for tests: the real app served by Litestar's TestClient (its own event loop
in a thread, its own engine from the lifespan) and a graphql-transport-ws client on it."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from litestar.testing import TestClient
from litestar.testing.websocket_test_session import WebSocketTestSession

from capool import jobs
from capool.config import Settings

PROTOCOL = "graphql-transport-ws"


@contextmanager
def live_app(database_url: str, redis_url: str | None = None) -> Iterator[TestClient]:
    """The app as `capool serve` starts it (lifespan: engine, broker, live transport), without
    the in-process worker; the embedded broker and transport again afterwards."""
    from api.app import create_app

    app = create_app(Settings(database_url=database_url, redis_url=redis_url), run_worker=False)
    try:
        with TestClient(app, timeout=30) as client:
            yield client
    finally:
        jobs.use_broker(None)


class GraphQLSocket:
    def __init__(self, session: WebSocketTestSession) -> None:
        self.session = session

    @classmethod
    @contextmanager
    def connect(cls, client: TestClient, headers: dict[str, str] | None = None, params: dict[str, Any] | None = None) -> Iterator[GraphQLSocket]:
        """Connected and acknowledged (`connection_init` with `params`)."""
        with client.websocket_connect("/graphql", subprotocols=[PROTOCOL], headers=headers or {}) as session:
            socket = cls(session)
            socket.session.send_json({"type": "connection_init", "payload": params or {}})
            ack = socket.receive()
            assert ack["type"] == "connection_ack", ack
            yield socket

    def subscribe(self, query: str, variables: dict[str, Any] | None = None, id: str = "1") -> None:
        self.session.send_json({"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})

    def complete(self, id: str = "1") -> None:
        self.session.send_json({"id": id, "type": "complete"})

    def receive(self, timeout: float = 15.0) -> dict[str, Any]:
        return self.session.receive_json(timeout=timeout)

    def nothing_within(self, seconds: float) -> bool:
        try:
            message = self.session.receive_json(timeout=seconds)
        except queue.Empty:
            return True
        raise AssertionError(f"unexpected message {message}")
