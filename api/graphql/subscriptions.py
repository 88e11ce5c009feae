"""GraphQL subscriptions over websockets (graphql-transport-ws, and the older graphql-ws) at
/graphql: an order's status changes as they are committed (marketplace/status_feed.py, the same
source as the server-sent event stream).

The connection is authenticated once, at `connection_init`, with the API key sent as for HTTP
(`Authorization: Bearer` or `X-API-Key` on the handshake) or, for clients that cannot set
handshake headers, in the init payload (`{"apiKey": "cpk_..."}` or `{"Authorization": "Bearer cpk_..."}`);
a missing or revoked key, or one over its rate limit, closes it with 4403. Each subscription
field then declares its permission like a query (api/graphql/permissions.py) and checks the
row rules like one: another tenant's order answers an `error` message with code NOT_FOUND.

The websocket holds no unit of work: each read is a short transaction of its own. Queries and
mutations go over HTTP POST, where the unit of work commits them; over the websocket they are
refused (code SUBSCRIPTIONS_ONLY).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from litestar import WebSocket
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.exceptions import ConnectionRejectionError
from strawberry.litestar.controller import GraphQLController
from strawberry.types import Info

from api.authz import reauthenticating
from api.graphql.permissions import requires
from api.graphql.support import domain_error
from api.middleware import authenticate_counted, credential_of
from capool.db import READ_ONLY
from capool.errors import DomainError, RateLimited, Unauthenticated
from capool.tenancy.actor import Permission
from marketplace.models import OrderStatus, OrderStatusChange
from marketplace.status_feed import StatusFeed

T = TypeVar("T")


@strawberry.type
class OrderStatusEvent:
    """One committed change of an order's status (an entry of its history)."""

    id: uuid.UUID
    order_id: uuid.UUID
    from_status: OrderStatus | None
    to_status: OrderStatus
    reason: str | None
    occurred_at: dt.datetime

    @classmethod
    def of(cls, row: OrderStatusChange) -> OrderStatusEvent:
        return cls(id=row.id, order_id=row.order_id, from_status=row.from_status, to_status=row.to_status, reason=row.reason,
                   occurred_at=row.occurred_at)


class _Events:
    """The stream a subscription answers. It owns the feed's subscription: graphql-core closes
    it (`aclose`) when the client completes the subscription or goes away, even before the
    first event."""

    def __init__(self, feed: StatusFeed) -> None:
        self._feed = feed
        self._changes = feed.changes()

    def __aiter__(self) -> _Events:
        return self

    async def __anext__(self) -> OrderStatusEvent:
        try:
            return OrderStatusEvent.of(await anext(self._changes))
        except StopAsyncIteration:
            await self.aclose()
            raise
        except DomainError as exc:  # the key was revoked, or the order is no longer the caller's to read
            await self.aclose()
            raise domain_error(exc) from exc

    async def aclose(self) -> None:
        await self._changes.aclose()
        await self._feed.__aexit__(None, None, None)


@strawberry.type
class MarketplaceSubscription:
    @strawberry.subscription(extensions=requires(Permission.ORDERS_READ),
                             description="The order's status changes as they are committed; `replay` sends its history first")
    async def order_status(self, info: Info, order_id: uuid.UUID, replay: bool = False) -> AsyncIterator[OrderStatusEvent]:
        ctx = info.context
        feed = StatusFeed(ctx["sessions"], reauthenticating(ctx["token"]), order_id, replay=replay)
        try:
            await feed.__aenter__()  # subscribed and checked before the subscription is acknowledged
        except DomainError as exc:
            raise domain_error(exc) from exc
        return _Events(feed)


class _NoUnitOfWork:
    """The websocket's stand-in for the request's SessionGate (api/graphql/support.py)."""

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        raise GraphQLError("queries and mutations go over HTTP POST /graphql; the websocket serves subscriptions",
                          extensions={"code": "SUBSCRIPTIONS_ONLY"})

    async def close(self) -> None:
        return None


async def websocket_context(socket: WebSocket) -> dict[str, Any]:
    """The context of every operation on one websocket; `on_ws_connect` adds the caller."""
    return {"socket": socket, "sessions": socket.app.state.session_factory, "gate": _NoUnitOfWork(), "loaders": {},
            "actor": None, "token": None}


def _token(scope: Any, params: dict[str, object]) -> str | None:
    token = credential_of(scope)
    if token:
        return token
    value = params.get("apiKey") or params.get("Authorization") or params.get("authorization")
    if not isinstance(value, str):
        return None
    return value[7:].strip() if value.lower().startswith("bearer ") else value.strip()


def with_websocket_auth(controller: type[GraphQLController]) -> type[GraphQLController]:
    """The strawberry controller with our websocket context and connection authentication."""

    class AuthenticatedGraphQLController(controller):  # type: ignore[valid-type,misc]
        dependencies = {**controller.dependencies, "context_ws": Provide(websocket_context)}

        async def on_ws_connect(self, context: dict[str, Any]) -> None:
            socket: WebSocket = context["socket"]
            token = _token(socket.scope, context.get("connection_params") or {})
            try:
                async with context["sessions"](execution_options=READ_ONLY) as session:
                    actor = await authenticate_counted(socket.scope, session, token)
            except (Unauthenticated, RateLimited) as exc:
                raise ConnectionRejectionError({"code": exc.code.upper(), "message": exc.detail}) from exc
            context["actor"], context["token"] = actor, token

    return AuthenticatedGraphQLController
