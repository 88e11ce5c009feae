"""Bounds every request meets before anything decodes it.

The body is read here, up to the route's `request_max_body_size`, and a JSON body's nesting
depth is measured by a scan that never recurses, so a body of 40,000 `[` is refused before
msgspec (whose depth guard is the interpreter's recursion limit) sees it. Values that every
layer below would mishandle are refused here too, with the field that carried them: a NUL
character (PostgreSQL text cannot store one) anywhere in a query, form or JSON body, an
integer in the query or path beyond the 64-bit range the database stores, and a datetime
query parameter without a zone.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

import msgspec
import numpy as np
from graphql import GraphQLError, StringValueNode, ValidationRule
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from capool.errors import FieldError

# The deepest JSON the API accepts; its own documents nest a handful of levels.
MAX_JSON_DEPTH = 64
# Litestar's own default when neither the route nor the app sets one.
DEFAULT_MAX_BODY = 10_000_000
INT64_MAX = 2**63 - 1
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

_INTEGER = re.compile(r"[+-]?\d+")
_JSON_START = re.compile(rb"[ \t\r\n]*[\[{]")


def _unescaped(quotes: np.ndarray, backslashes: np.ndarray) -> np.ndarray:
    """Which quotes delimit strings: those not preceded by an odd run of backslashes."""
    breaks = np.flatnonzero(np.diff(backslashes) != 1)
    starts = backslashes[np.r_[0, breaks + 1]]
    ends = backslashes[np.r_[breaks, backslashes.size - 1]]
    run = np.minimum(np.searchsorted(ends, quotes - 1), ends.size - 1)
    escaped = (ends[run] == quotes - 1) & ((ends[run] - starts[run]) % 2 == 0)
    return ~escaped


def json_depth(body: bytes) -> int:
    """How deep a JSON decoder would descend into `body`, in a few linear vectorised passes.

    Brackets inside strings do not count. For malformed JSON the answer can be too high,
    never too low: up to its first error a decoder is exactly this deep."""
    data = np.frombuffer(body, dtype=np.uint8)
    quotes = np.flatnonzero(data == ord('"'))
    backslashes = np.flatnonzero(data == ord("\\"))
    if quotes.size and backslashes.size:
        quotes = quotes[_unescaped(quotes, backslashes)]
    toggles = np.zeros(data.size, dtype=np.int8)
    toggles[quotes] = 1
    outside = (np.cumsum(toggles, dtype=np.int32) & 1) == 0
    steps = (data == ord("[")).astype(np.int8) + (data == ord("{")) - (data == ord("]")) - (data == ord("}"))
    return int(np.cumsum(steps * outside, dtype=np.int32).max(initial=0))


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # most bodies: not even `limit` openers in all
    return json_depth(body) > limit


def _nul_paths(value: Any, path: str = "") -> Iterator[str]:
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "/"
    elif isinstance(value, dict):
        for key, item in value.items():
            pointer = f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if "\x00" in str(key):
                yield pointer
            yield from _nul_paths(item, pointer)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}/{index}")


def _out_of_int64(text: str) -> bool:
    # Compared as digits: int() refuses strings of more than 4,300 digits.
    if not _INTEGER.fullmatch(text):
        return False
    digits = text.lstrip("+-").lstrip("0")
    return len(digits) > 19 or (len(digits) == 19 and int(digits) > INT64_MAX)


@functools.cache
def _datetime_query_names(handler: Any) -> frozenset[str]:
    """The query parameters a handler declares as datetimes (Litestar drops msgspec's
    `Meta(tz=True)` from parameter annotations, so the zone is checked here)."""
    names = set()
    for field in handler.parsed_fn_signature.parameters.values():
        if any(t.annotation is datetime for t in (field, *field.inner_types)):
            kwarg = field.kwarg_definition
            names.add(getattr(kwarg, "query", None) or field.name)
    return frozenset(names)


def _naive(text: str) -> bool:
    try:
        value = msgspec.convert(text, datetime, strict=False)
    except msgspec.ValidationError:
        return False  # not a datetime at all: the handler's validation answers that
    return value.tzinfo is None


def parameter_errors(scope: Scope) -> list[FieldError]:
    """NUL characters and out-of-range integers in the path and the query string, and
    datetimes without a zone where the handler takes a datetime (every capool time is aware)."""
    errors: list[FieldError] = []
    handler = scope.get("route_handler")
    datetimes = _datetime_query_names(handler) if handler is not None and hasattr(handler, "parsed_fn_signature") else frozenset()
    for name, value in scope.get("path_params", {}).items():
        if isinstance(value, int) and not -INT64_MAX - 1 <= value <= INT64_MAX:
            errors.append(FieldError(f"path:{name}", "must be a 64-bit integer"))
        elif isinstance(value, str) and "\x00" in value:
            errors.append(FieldError(f"path:{name}", "must not contain NUL characters"))
    if "\x00" in scope.get("path", "") and not errors:
        errors.append(FieldError("path", "must not contain NUL characters"))
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            errors.append(FieldError(f"query:{name.replace(chr(0), '')}", "must not contain NUL characters"))
        elif _out_of_int64(value.strip()):
            errors.append(FieldError(f"query:{name}", "must be a 64-bit integer"))
        elif name in datetimes and _naive(value):
            errors.append(FieldError(f"query:{name}", "must carry a time zone (e.g. 2026-11-23T10:00:00Z)"))
    return errors


def body_errors(body: bytes, content_type: str) -> list[FieldError]:
    if content_type.startswith("application/x-www-form-urlencoded"):
        if b"%00" not in body and b"\x00" not in body:
            return []
        fields = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
        return [FieldError(f"/{name.replace(chr(0), '')}", "must not contain NUL characters") for name, value in fields if "\x00" in name + value]
    if b"\\u0000" not in body or not _JSON_START.match(body):
        return []  # without the escape a JSON string holds no NUL (a raw one is invalid JSON)
    try:
        document = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return []  # not JSON: the handler answers that
    return [FieldError(path, "must not contain NUL characters") for path in _nul_paths(document)]


class NoNulInGraphQLStrings(ValidationRule):
    """GraphQL string literals decode their own escapes (`"\\u0000"`), after the edge has read
    the body; variables arrive as JSON and are checked there."""

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if "\x00" in node.value:
            self.report_error(GraphQLError("a string must not contain NUL characters", node))


def _header(scope: Scope, name: bytes) -> str:
    return next((value.decode("latin-1") for key, value in scope.get("headers", []) if key.lower() == name), "")


async def send_problem(send: Send, status: int, code: str, title: str, detail: str, errors: list[FieldError] | None = None) -> None:
    problem: dict[str, Any] = {"type": f"https://capool.dev/problems/{code}", "title": title, "status": status, "detail": detail, "code": code}
    if errors:
        problem["errors"] = [{"pointer": e.path, "detail": e.message} for e in errors]
    body = json.dumps(problem).encode()
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class RequestLimitsMiddleware:
    """Outermost middleware: it runs after routing (so the route's body limit is known) and
    before the unit of work, the idempotency store or any decoder reads the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        errors = parameter_errors(scope)
        if errors:
            await send_problem(send, 422, "invalid_input", "Invalid input", "the request does not match the schema", errors)
            return
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        handler = scope.get("route_handler")
        limit = (handler.resolve_request_max_body_size() if handler is not None else None) or DEFAULT_MAX_BODY
        body = await self._read_body(receive, limit, _header(scope, b"content-length"))
        if body is None:
            await send_problem(send, 413, "body_too_large", "Payload too large", f"the request body exceeds {limit} bytes")
            return
        if _JSON_START.match(body) and json_too_deep(body):
            await send_problem(send, 400, "body_too_deep", "Bad request", f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels (or its brackets do not pair)")
            return
        errors = body_errors(body, _header(scope, b"content-type").lower())
        if errors:
            await send_problem(send, 422, "invalid_input", "Invalid input", "the request does not match the schema", errors)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()  # after the body: the client's disconnect
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def _read_body(receive: Receive, limit: int, content_length: str) -> bytes | None:
        """The whole body, or None once it is known to exceed `limit`."""
        if content_length.isdigit() and (len(content_length) > 19 or int(content_length) > limit):
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)
