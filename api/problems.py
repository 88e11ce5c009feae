"""RFC 9457 problem details for every error, in one place."""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from sqlalchemy.exc import DataError, IntegrityError

from capool.errors import DomainError, FieldError, RateLimited

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"


def problem(status: int, title: str, detail: str, code: str, errors: list[FieldError] | None = None, **extra: Any) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {"type": f"https://capool.dev/problems/{code}", "title": title, "status": status, "detail": detail, "code": code}
    if errors:
        body["errors"] = [{"pointer": e.path, "detail": e.message} for e in errors]
    body.update(extra)
    return Response(body, status_code=status, media_type=PROBLEM_JSON)


TITLES = {400: "Bad request", 401: "Unauthenticated", 403: "Forbidden", 404: "Not found", 405: "Method not allowed", 409: "Conflict", 422: "Invalid input", 429: "Too many requests", 500: "Internal error"}


def domain_error(_: Request, exc: DomainError) -> Response[dict[str, Any]]:
    return problem(exc.status, TITLES.get(exc.status, "Error"), exc.detail, exc.code, exc.errors, **exc.extra)


def rate_limited(request: Request, exc: RateLimited) -> Response[dict[str, Any]]:
    response = domain_error(request, exc)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


_PATH = re.compile(r"at `\$(?P<path>[^`]*)`")


def _json_pointer(path: str) -> str:
    """msgspec reports `$.items[2].quantity` or `items[2].quantity`; RFC 6901 wants `/items/2/quantity`."""
    parts = re.findall(r"([^.\[\]$]+)|\[(\d+)\]", path)
    return "/" + "/".join(a or b for a, b in parts)


def _pointer(message: str, key: str | None, source: str | None) -> str:
    match = _PATH.search(message)
    if match:
        return _json_pointer(match.group("path"))
    if key:
        return _json_pointer(key) if source in (None, "body") else f"{source}:{key}"
    return "/"


def validation_error(_: Request, exc: ValidationException) -> Response[dict[str, Any]]:
    errors: list[FieldError] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            message = str(item.get("message", ""))
            errors.append(FieldError(_pointer(message, item.get("key"), item.get("source")), _PATH.sub("", message).rstrip(" -")))
    if "json" in str(exc.detail).lower() and not errors:
        return problem(400, "Bad request", "the request body is not valid JSON", "malformed_json")
    return problem(422, "Invalid input", "the request does not match the schema", "invalid_input", errors or [FieldError("/", str(exc.detail))])


def http_error(_: Request, exc: HTTPException) -> Response[dict[str, Any]]:
    if exc.status_code == 400 and "json" in str(exc.detail).lower():
        return problem(400, "Bad request", "the request body is not valid JSON", "malformed_json")
    code = {404: "not_found", 405: "method_not_allowed", 401: "unauthenticated", 403: "permission_denied"}.get(exc.status_code, "http_error")
    return problem(exc.status_code, TITLES.get(exc.status_code, "Error"), str(exc.detail), code)


def integrity_error(_: Request, exc: IntegrityError) -> Response[dict[str, Any]]:
    log.warning("integrity error: %s", exc.orig)
    return problem(409, "Conflict", "the change conflicts with data already stored", "conflict")


def data_error(_: Request, exc: DataError) -> Response[dict[str, Any]]:
    # The database refused a value validation let through (out of a column's range, text it
    # cannot store): the input's fault, and nothing was written.
    log.warning("data error: %s", exc.orig)
    return problem(422, "Invalid input", "a value is outside what the database can store; nothing was changed", "unstorable_value")


def unexpected_error(_: Request, exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error", exc_info=exc)
    return problem(500, "Internal error", "an unexpected error occurred; nothing was changed", "internal_error")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error,
    RateLimited: rate_limited,
    ValidationException: validation_error,
    HTTPException: http_error,
    IntegrityError: integrity_error,
    DataError: data_error,
    Exception: unexpected_error,
}
