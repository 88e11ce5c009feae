"""RFC 9457 problem documents (application/problem+json) as typed exceptions.

Every capool error answer is a problem document: `status`, `title`, `detail`, the capool
`code` (e.g. `order.not_found`) and, for bad input, `errors`: one JSON pointer per field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass(frozen=True)
class FieldProblem:
    pointer: str
    detail: str


@dataclass
class ProblemError(Exception):
    """An error answer (4xx / 5xx). `body` is the whole problem document."""

    status: int
    code: str
    title: str
    detail: str
    type: str = "about:blank"
    errors: list[FieldProblem] = field(default_factory=list)
    body: dict[str, Any] = field(default_factory=dict)
    headers: httpx.Headers = field(default_factory=httpx.Headers)

    def __str__(self) -> str:
        extra = "; ".join(f"{e.pointer}: {e.detail}" for e in self.errors[:10])
        return f"{self.status} {self.code}: {self.detail}" + (f" ({extra})" if extra else "")


class BadRequestError(ProblemError):
    """400: a malformed request (e.g. a query parameter of the wrong type)."""


class AuthenticationError(ProblemError):
    """401: a missing, invalid or revoked API key."""


class PermissionDeniedError(ProblemError):
    """403: the key lacks the permission (the operation's security scope in the OpenAPI document)."""


class NotFoundError(ProblemError):
    """404: no such row, or another organisation's."""


class ConflictError(ProblemError):
    """409: e.g. a duplicate reference, or a state that does not allow the change."""


class ValidationError(ProblemError):
    """422: bad input; `errors` names each field (JSON pointer) or file row. Also an
    Idempotency-Key reused with another body."""


class RateLimitedError(ProblemError):
    """429 after the client's retries: the `Retry-After` header says when to try again."""


class ServerError(ProblemError):
    """5xx (503 after the client's retries)."""


_BY_STATUS: dict[int, type[ProblemError]] = {
    400: BadRequestError, 401: AuthenticationError, 403: PermissionDeniedError, 404: NotFoundError,
    409: ConflictError, 422: ValidationError, 429: RateLimitedError,
}


def problem_from_response(response: httpx.Response) -> ProblemError:
    """The typed exception for an error answer whose body has been read."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {"detail": response.text or response.reason_phrase}
    status = response.status_code
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else ProblemError)
    errors = [FieldProblem(str(e.get("pointer", "")), str(e.get("detail", ""))) for e in body.get("errors") or [] if isinstance(e, dict)]
    return cls(status=status, code=str(body.get("code") or "error"), title=str(body.get("title") or response.reason_phrase),
               detail=str(body.get("detail") or response.reason_phrase), type=str(body.get("type") or "about:blank"),
               errors=errors, body=body, headers=response.headers)
