"""Typed Python client for the capool buyer and supplier APIs (sync and async, httpx).

Creating POSTs get an Idempotency-Key automatically (one per logical call, reused on
retries); problem+json answers raise typed exceptions (api.client.errors)."""

from api.client.client import AsyncCapoolClient, CapoolClient
from api.client.errors import (
    ApiError,
    AuthenticationError,
    ConflictError,
    FieldProblem,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    ValidationError,
)
from api.client.signing import REPLAY_WINDOW_S, verify_signature

__all__ = [
    "REPLAY_WINDOW_S", "ApiError", "AsyncCapoolClient", "AuthenticationError", "CapoolClient", "ConflictError", "FieldProblem",
    "NotFoundError", "PermissionDeniedError", "ServerError", "ValidationError", "verify_signature",
]
