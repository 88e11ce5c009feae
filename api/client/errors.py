"""problem+json answers raised as typed exceptions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class FieldProblem:
    pointer: str
    detail: str


@dataclass
class ApiError(Exception):
    status: int
    code: str
    detail: str
    errors: list[FieldProblem] = field(default_factory=list)
    body: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        extra = "; ".join(f"{e.pointer}: {e.detail}" for e in self.errors[:10])
        return f"{self.status} {self.code}: {self.detail}" + (f" ({extra})" if extra else "")


class AuthenticationError(ApiError):
    """401: missing or invalid API key."""


class PermissionDeniedError(ApiError):
    """403: the key lacks a permission."""


class NotFoundError(ApiError):
    """404: no such row, or another organisation's."""


class ConflictError(ApiError):
    """409: e.g. a duplicate reference or an Idempotency-Key reused with another body."""


class ValidationError(ApiError):
    """422: `errors` lists each field (JSON pointer) or file row."""


class ServerError(ApiError):
    """5xx."""


_BY_STATUS: dict[int, type[ApiError]] = {401: AuthenticationError, 403: PermissionDeniedError, 404: NotFoundError, 409: ConflictError, 422: ValidationError}


def raise_for_problem(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        body = response.json()
    except ValueError:
        body = {"detail": response.text}
    if not isinstance(body, dict):
        body = {"detail": str(body)}
    cls = _BY_STATUS.get(response.status_code, ServerError if response.status_code >= 500 else ApiError)
    errors = [FieldProblem(e.get("pointer", ""), e.get("detail", "")) for e in body.get("errors") or [] if isinstance(e, dict)]
    raise cls(response.status_code, str(body.get("code", "error")), str(body.get("detail", response.reason_phrase)), errors, body)
