"""ISO 4217 currency codes, from Babel's copy of the Unicode CLDR.

A price is integer minor units of a currency; a code that names no currency ("XYZ"), a
historic one (DEM) or a non-currency (XXX, XTS, XAU) cannot be priced in, so money enters
the platform only in codes that some territory uses as legal tender today.
"""

from __future__ import annotations

from functools import cache

from babel.core import get_global
from babel.numbers import get_territory_currencies

from capool.clock import utcnow
from capool.errors import FieldError, InvalidInput


@cache
def tender_currencies() -> frozenset[str]:
    """Codes that are legal tender in at least one territory (read once per process)."""
    today = utcnow().date()
    territories = get_global("territory_currencies")
    return frozenset(code for territory in territories for code in get_territory_currencies(territory, today, tender=True))


def is_currency(code: str) -> bool:
    return code in tender_currencies()


def check_currencies(fields: dict[str, str | None]) -> None:
    """422 naming each field (a JSON pointer) whose value is not a current ISO 4217 code."""
    errors = [FieldError(path, f"{code!r} is not an ISO 4217 currency in use") for path, code in fields.items()
              if code is not None and not is_currency(code)]
    if errors:
        raise InvalidInput("unknown currency: " + "; ".join(e.message for e in errors), errors, code="unknown_currency")
