"""From HTML form fields (all strings) to the services' typed inputs, with errors that name
the form field."""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec

from capool.errors import FieldError, InvalidInput

T = TypeVar("T")
_PATH = re.compile(r"at `\$\.([A-Za-z_]+)")


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
        match = _PATH.search(message)
        field = match.group(1) if match else "_"
        raise InvalidInput("the form has errors", [FieldError(f"/{field}", message.split(" - at ")[0])]) from exc
