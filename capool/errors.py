"""The domain error hierarchy. One handler (api/problems.py) maps it to RFC 9457 responses
and the GraphQL layer maps it to typed errors with the same codes."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class ErrorCode(enum.StrEnum):
    """Every code a domain error carries: the `code` of a problem+json body and, upper-cased,
    of a GraphQL error (the schema's ErrorCode enum). tests/test_error_codes.py fails when
    the source raises a code that is not listed here."""

    ACTIVE_ALLOCATIONS = "active_allocations"
    ALLOCATION_NOT_ACTIVE = "allocation_not_active"
    ALREADY_ANSWERED = "already_answered"
    ALREADY_APPROVED = "already_approved"
    APPROVAL_REQUIRED = "approval_required"
    BPNL_CLAIMED = "bpnl_claimed"
    CAPACITY_BELOW_RESERVED = "capacity_below_reserved"
    CAPACITY_EXHAUSTED = "capacity_exhausted"
    CAPACITY_UNIT_MISMATCH = "capacity_unit_mismatch"
    CONFLICT = "conflict"
    CONNECTOR_CHANGED = "connector_changed"
    CONNECTOR_UNREACHABLE = "connector_unreachable"
    DUPLICATE_MAPPING = "duplicate_mapping"
    DUPLICATE_MATERIAL_DEMAND = "duplicate_material_demand"
    DUPLICATE_PROCESS = "duplicate_process"
    DUPLICATE_REFERENCE = "duplicate_reference"
    EMPTY_PLAN = "empty_plan"
    ERROR = "error"
    ILLEGAL_TRANSITION = "illegal_transition"
    IMPORT_REJECTED = "import_rejected"
    INSPECTION_DISCONTINUED = "inspection_discontinued"
    INVALID_DOCUMENT = "invalid_document"
    INVALID_INPUT = "invalid_input"
    LOT_DECIDED = "lot_decided"
    LOT_NOT_READY = "lot_not_ready"
    LOTS_EXCEED_QUANTITY = "lots_exceed_quantity"
    NOT_A_DEAD_LETTER = "not_a_dead_letter"
    NOT_ACCEPTED = "not_accepted"
    NOT_APPLICABLE = "not_applicable"
    NOT_AWAITING_APPROVAL = "not_awaiting_approval"
    NOT_DISCONTINUED = "not_discontinued"
    NOT_FOUND = "not_found"
    OFFER_WITHDRAWN = "offer_withdrawn"
    OPERATION_FINISHED = "operation_finished"
    OUT_OF_SEQUENCE = "out_of_sequence"
    PERMISSION_DENIED = "permission_denied"
    PLAN_CHANGED = "plan_changed"
    PLAN_STALE = "plan_stale"
    PLAN_UNBOUND = "plan_unbound"
    PROCESS_RETIRED = "process_retired"
    RATE_LIMITED = "rate_limited"
    REPAIR_STALE = "repair_stale"
    SOLVE_AFTER_WRITE = "solve_after_write"
    STALE_MATERIAL_DEMAND = "stale_material_demand"
    HISTORY_MISMATCH = "history_mismatch"
    IMAGE_UNREADABLE = "image_unreadable"
    NOT_COUNTED = "not_counted"
    NOTHING_TO_REVIEW = "nothing_to_review"
    NOTHING_TO_ROLL_BACK = "nothing_to_roll_back"
    UNAUTHENTICATED = "unauthenticated"
    UNKNOWN_CURRENCY = "unknown_currency"
    UNKNOWN_PROCESS = "unknown_process"


@dataclass
class FieldError:
    """A problem with one input field; `path` is a JSON pointer such as `/items/2/quantity`."""

    path: str
    message: str
    # What kind of problem, with its values ("min", {"limit": 1}), for a page that says it in
    # its reader's language; None where only the message says it.
    code: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


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
