"""The request's unit of work: one session per request, committed or rolled back here only.

The handler's response is held until the transaction has committed, so a client never sees
success for work that was then lost. GraphQL marks `rollback_only` when a mutation returns
errors, so a 200 carrying errors commits nothing. POSTs with an `Idempotency-Key` store
their response in the same transaction as the work they did; the caller is authenticated
before any stored response is looked at, and a response is replayed only to the API key
that made the original request.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy.exc import IntegrityError

from capool import idempotency, observability
from capool.config import get_settings
from capool.db import READ_ONLY
from capool.errors import RateLimited, Unauthenticated
from capool.tenancy.actor import Actor
from capool.tenancy.service import authenticate

SESSION_KEY = "db_session"
ROLLBACK_KEY = "rollback_only"
# The actor authenticated for this request, so that the permission guard does not do it twice.
ACTOR_KEY = "actor"
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def credential_of(scope: Scope) -> str | None:
    """The API key sent as `X-API-Key` or `Authorization: Bearer`."""
    token = _header(scope, b"x-api-key")
    authorization = _header(scope, b"authorization")
    if token is None and authorization and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    return token or None


_TITLES = {401: "Unauthenticated", 409: "Conflict", 422: "Invalid input", 429: "Too many requests"}


def client_address(scope: Scope) -> str:
    # The real client behind a trusted proxy: api/app.py rewrites the scope's client.
    client = scope.get("client")
    return client[0] if client else "unknown"


async def authenticate_counted(scope: Scope, session: Any, token: str | None) -> Actor:
    """The caller of an API request, counted against its rate limit: per API key once it is
    known (a key's limit follows it to every machine using it), per client address for
    requests without a valid key. Raises Unauthenticated or RateLimited."""
    app = scope["litestar_app"] if "litestar_app" in scope else scope["app"]
    rate_limits = app.state.rate_limits
    if not token:
        await rate_limits.anonymous_request(client_address(scope))
        raise Unauthenticated("send an API key as 'Authorization: Bearer cpk_...' or 'X-API-Key'")
    try:
        actor = await authenticate(session, token)
    except Unauthenticated:
        await rate_limits.anonymous_request(client_address(scope))
        raise
    await rate_limits.api_key_request(str(actor.api_key_id))
    observability.bind(tenant=str(actor.organisation_id), alliance=str(actor.alliance_id))
    return actor


async def _send_problem(send: Send, status: int, code: str, detail: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"type": f"https://capool.dev/problems/{code}", "title": _TITLES[status], "status": status, "detail": detail, "code": code}).encode()
    start_headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()), *(headers or [])]
    await send({"type": "http.response.start", "status": status, "headers": start_headers})
    await send({"type": "http.response.body", "body": body})


async def _replay(send: Send, record: idempotency.StoredResponse) -> None:
    await send({
        "type": "http.response.start",
        "status": record.status_code,
        "headers": [(b"content-type", record.content_type.encode()), (b"content-length", str(len(record.body)).encode()), (b"idempotent-replayed", b"true")],
    })
    await send({"type": "http.response.body", "body": record.body})


class UnitOfWorkMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        factory = scope["litestar_app"].state.session_factory if "litestar_app" in scope else scope["app"].state.session_factory
        reads_only = scope["method"] in READ_METHODS  # never committed, so it needs no write lock
        async with factory(execution_options=READ_ONLY) if reads_only else factory() as session:
            scope["state"][SESSION_KEY] = session
            try:
                if reads_only:
                    await self.app(scope, receive, send)
                    return
                await self._write_request(scope, receive, send, session)
            finally:
                if session.in_transaction():
                    await session.rollback()

    async def _write_request(self, scope: Scope, receive: Receive, send: Send, session: Any) -> None:
        key = _header(scope, b"idempotency-key") if scope["method"] == "POST" else None
        token = credential_of(scope) if key else None
        caller: str | None = None
        body = b""
        if key and token:
            # Authenticate before looking at stored responses: a forged or revoked key must not
            # replay someone's response, nor learn which keys were used (same 401 either way).
            try:
                actor = await authenticate_counted(scope, session, token)
            except (Unauthenticated, RateLimited) as exc:
                await session.rollback()
                retry = [(b"retry-after", str(exc.retry_after).encode())] if isinstance(exc, RateLimited) else []
                await _send_problem(send, exc.status, exc.code, exc.detail, retry)
                return
            scope["state"][ACTOR_KEY] = actor
            caller = idempotency.caller_scope(actor)
            if len(key) > 255:
                await _send_problem(send, 422, "invalid_idempotency_key", "Idempotency-Key may be at most 255 characters")
                return
            more = True
            while more:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
            fingerprint = idempotency.request_fingerprint(scope["method"], scope["path"], body)
            stored = await idempotency.find(session, caller, key)
            await session.rollback()
            if stored is not None:
                await self._answer_stored(send, stored, fingerprint)
                return
            delivered = False

            async def replay_body() -> Message:
                nonlocal delivered
                if delivered:
                    return {"type": "http.disconnect"}
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}

            receive = replay_body

        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def hold(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, hold)
        status = start.get("status", 500)
        response_body = b"".join(chunks)
        if status < 400 and not scope["state"].get(ROLLBACK_KEY):
            if key and caller:
                content_type = next((v.decode() for k, v in start.get("headers", []) if k.lower() == b"content-type"), "application/json")
                ttl = timedelta(hours=get_settings().idempotency_ttl_hours)
                await idempotency.store(session, caller, key, scope["method"], scope["path"], fingerprint, status, content_type, response_body, ttl)
            try:
                await session.commit()
            except IntegrityError:
                await session.rollback()
                if key and caller:
                    # A concurrent request with the same key won the race: answer as it did.
                    stored = await idempotency.find(session, caller, key)
                    await session.rollback()
                    if stored is not None:
                        await self._answer_stored(send, stored, fingerprint)
                        return
                await _send_problem(send, 409, "conflict", "the change conflicts with data stored meanwhile; nothing was changed")
                return
        else:
            await session.rollback()
            if key and caller:
                # A failure caused by a concurrent request with the same key (a unique
                # constraint it committed first) is answered with that request's response.
                stored = await idempotency.find(session, caller, key)
                await session.rollback()
                if stored is not None:
                    await self._answer_stored(send, stored, fingerprint)
                    return
        await send({"type": "http.response.start", "status": status, "headers": start.get("headers", [])})
        await send({"type": "http.response.body", "body": response_body})

    @staticmethod
    async def _answer_stored(send: Send, stored: idempotency.StoredResponse, fingerprint: str) -> None:
        if stored.request_hash != fingerprint:
            await _send_problem(send, 422, "idempotency_key_reused", "this Idempotency-Key was already used with a different request")
        else:
            await _replay(send, stored)
