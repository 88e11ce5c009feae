"""The domain error hierarchy. One handler (api/problems.py) maps it to RFC 9457 responses
and the GraphQL layer maps it to typed errors with the same codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FieldError:
    """A problem with one input field; `path` is a JSON pointer such as `/items/2/quantity`."""

    path: str
    message: str


@dataclass
class DomainError(Exception):
    detail: str
    code: str = "error"
    status: int = 400
    errors: list[FieldError] = field(default_factory=list)
    # Further members of the problem body (e.g. the fresh preview of a stale plan).
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.detail


class NotFound(DomainError):
    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"{what} {ident} not found", "not_found", 404)


class Unauthenticated(DomainError):
    def __init__(self, detail: str = "missing or invalid API key") -> None:
        super().__init__(detail, "unauthenticated", 401)


class PermissionDenied(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, "permission_denied", 403)


class Conflict(DomainError):
    def __init__(self, detail: str, code: str = "conflict") -> None:
        super().__init__(detail, code, 409)


class InvalidInput(DomainError):
    def __init__(self, detail: str, errors: list[FieldError] | None = None, code: str = "invalid_input") -> None:
        super().__init__(detail, code, 422, errors or [])

    @classmethod
    def at(cls, path: str, message: str) -> InvalidInput:
        return cls(message, [FieldError(path, message)])


class RateLimited(DomainError):
    """Too many requests; `retry_after` is how many seconds until the next one is allowed."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests; try again in {retry_after} s", "rate_limited", 429)
        self.retry_after = retry_after
