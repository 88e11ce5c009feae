"""From HTML form fields (all strings) to the services' typed inputs, with errors that name
the form field."""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec

from capool.errors import FieldError, InvalidInput

T = TypeVar("T")
_PATH = re.compile(r"at `\$\.([A-Za-z_]+)")
_MISSING = re.compile(r"Object missing required field `([A-Za-z_]+)`")
# msgspec's messages -> a code (and its values) the portal's catalogues translate.
_KINDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Object missing required field"), "required"),
    (re.compile(r"^Expected `(?:int|float|decimal)[^`]*` >= (?P<limit>-?[\d.]+)"), "min"),
    (re.compile(r"^Expected `(?:int|float|decimal)[^`]*` > (?P<limit>-?[\d.]+)"), "min"),
    (re.compile(r"^Expected `(?:int|float|decimal)[^`]*` <= (?P<limit>-?[\d.]+)"), "max"),
    (re.compile(r"^Expected `(?:int|float|decimal)[^`]*` < (?P<limit>-?[\d.]+)"), "max"),
    (re.compile(r"^Expected `\w+` of length >= (?P<limit>\d+)"), "min_length"),
    (re.compile(r"^Expected `\w+` of length <= (?P<limit>\d+)"), "max_length"),
    (re.compile(r"^Expected `str` matching regex"), "pattern"),
    (re.compile(r"^Expected `int`"), "number"),
    (re.compile(r"^Expected `(?:float|decimal|int \| float)`"), "decimal"),
    (re.compile(r"^Expected `str`"), "text"),
    (re.compile(r"^Invalid enum value"), "choice"),
    (re.compile(r"^Invalid RFC3339 encoded (?:date|datetime)|^Invalid ISO 8601|date"), "date"),
    (re.compile(r"^Invalid UUID"), "entry"),
]


def _kind(message: str) -> tuple[str, dict[str, Any]]:
    for pattern, code in _KINDS:
        match = pattern.search(message)
        if match:
            params: dict[str, Any] = {}
            if "limit" in match.groupdict():
                params["limit"] = match.group("limit")  # as msgspec wrote it: 1, 0.5
            return code, params
    return "invalid", {}


def split_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace("，", ",").split(",") if part.strip()]


def optional(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def convert(shape: type[T], data: dict[str, Any]) -> T:
    """msgspec's validation of the same structs the REST API uses; form strings are coerced
    (strict=False) into numbers, dates and enums."""
    try:
        return msgspec.convert(data, shape, strict=False)
    except msgspec.ValidationError as exc:
        message = str(exc)
        match = _PATH.search(message) or _MISSING.search(message)
        field = match.group(1) if match else "_"
        text = message.split(" - at ")[0]
        code, params = _kind(text)
        raise InvalidInput("the form has errors", [FieldError(f"/{field}", text, code, params)]) from exc
