"""JSON-Schema validation of DCM documents against the official Catena-X schemas (shipped,
unmodified, in schemas/ with their CC BY 4.0 notice).

The schemas are draft-04. jsonschema's draft-04 format checker knows neither `date` nor
(without an optional package) `date-time`, so both are checked here with the standard
library: a `date` is YYYY-MM-DD, a `date-time` is RFC 3339 with its offset.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError, relevance

from capool.errors import FieldError, InvalidInput

SCHEMAS = Path(__file__).parent / "schemas"
MATERIAL_DEMAND = "WeekBasedMaterialDemand"
CAPACITY_GROUP = "WeekBasedCapacityGroup"
ASPECTS = (MATERIAL_DEMAND, CAPACITY_GROUP)
MAX_ERRORS = 20

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE)

_formats = FormatChecker(formats=())


@_formats.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    date.fromisoformat(value)
    return True


@_formats.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


@cache
def schema(aspect: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{aspect}-schema.json").read_text(encoding="utf-8"))


@cache
def example(aspect: str) -> dict[str, Any]:
    """The official example payload of the aspect."""
    return json.loads((SCHEMAS / f"{aspect}-example.json").read_text(encoding="utf-8"))


@cache
def _validator(aspect: str) -> Draft4Validator:
    return Draft4Validator(schema(aspect), format_checker=_formats)


def pointer(error: ValidationError) -> str:
    """The JSON pointer (RFC 6901) of the value an error is about; "" is the document."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in error.absolute_path)


def _document_order(error: ValidationError) -> list[tuple[int, int | str]]:
    return [(0, part) if isinstance(part, int) else (1, str(part)) for part in error.absolute_path]


def schema_errors(aspect: str, document: Any) -> list[FieldError]:
    """Every schema error of `document`, the most relevant first (jsonschema's own ranking,
    then document order), each at its JSON pointer."""
    in_document_order = sorted(_validator(aspect).iter_errors(document), key=_document_order)
    # relevance ranks the best match highest (jsonschema's best_match); sorting is stable,
    # so errors that rank alike stay in document order.
    ranked = sorted(in_document_order, key=relevance, reverse=True)
    return [FieldError(pointer(e), e.message) for e in ranked[:MAX_ERRORS]]


def check(aspect: str, document: Any) -> None:
    """Raise 422 (invalid_document) naming the first schema error's JSON path."""
    errors = schema_errors(aspect, document)
    if errors:
        first = errors[0]
        where = first.path or "/"
        raise InvalidInput(f"not a valid {aspect} 3.0 document: {where}: {first.message}", errors, code="invalid_document")
