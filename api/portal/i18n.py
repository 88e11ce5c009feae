"""The portal's languages and messages: gettext catalogues read with Babel.

api/portal/locale/<locale>/LC_MESSAGES/messages.po holds every visible string, one catalogue
per language (zh_CN, en). A msgid is a stable key ("nav.home"); its msgstr is the text, a
str.format string with `{name}` placeholders. `pybabel extract -F babel.cfg -k t -k N_`
finds the keys the templates and this package use literally; the keys built at run time
("tier." ~ a tier) are the DYNAMIC families below, each tied to the enum or code list it
names. tests/portal/test_i18n.py fails on a key missing from a catalogue, an untranslated
or fuzzy zh_CN entry, placeholders that differ between the languages, and on English left on
zh-CN pages. The .po files are read at start into babel.support.Translations (compiled in
memory), so an install needs no compile step.

Services hand the portal codes with parameters (a traffic light's risks, a matching
explanation's reasons, a field error's kind); `message` translates them here, at the edge.
"""

from __future__ import annotations

import io
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent, get_currency_precision
from babel.support import Translations

LANGUAGES = ("zh-CN", "en")
DEFAULT = "zh-CN"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


# Keys built at run time: the family's prefix plus a value of the enum or code list that
# tests/portal/test_i18n.py ties it to. Every other key is used literally (and extracted).
DYNAMIC = (
    "kind.", "unit.", "visibility.", "urgency.", "cost.", "tier.", "order_status.", "allocation_status.", "step.",
    "offer_status.", "move.", "run_status.", "alert.", "kpi.", "light.", "scope.", "check.", "verdict.", "decision.",
    "severity.", "severity_mode.", "review.", "dcm.status.", "dcm.volatility.",
    # Codes the services hand over with their values (see `message`).
    "risk.", "why.", "binding.", "match_risk.", "next_best.", "alert_message.", "field.", "error_code.",
)


def N_(key: str) -> str:  # noqa: N802 - the gettext convention for "mark for extraction"
    return key


def gettext_locale(lang: str) -> str:
    """zh-CN -> zh_CN: the catalogue directory of a portal language."""
    return lang.replace("-", "_")


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / gettext_locale(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(lang: str) -> Catalog:
    with catalogue_path(lang).open("rb") as handle:
        return read_po(handle, locale=gettext_locale(lang), domain=DOMAIN)


@cache
def translations(lang: str) -> Translations:
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(lang), use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def translate(lang: str, key: str, **values: Any) -> str:
    text = translations(lang if lang in LANGUAGES else DEFAULT).gettext(key)
    return text.format(**values) if values else text


def locale_of(lang: str) -> Locale:
    """The Babel locale of a portal language (zh-CN -> zh_CN)."""
    return Locale.parse(lang, sep="-")


def currency_digits(currency: str) -> int:
    """How many minor digits the currency has (ISO 4217 via CLDR: JPY 0, CNY 2, BHD 3)."""
    return get_currency_precision(currency.upper())


def format_money(minor: int | None, currency: str | None, lang: str) -> str:
    """An amount held in integer minor units, shown in the language's format for the currency:
    7380 CNY reads ¥73.80 in zh-CN and CN¥73.80 in en; 7380 JPY reads JP¥7,380 / ¥7,380.
    Exact: the minor units are shifted as a Decimal, never through a float."""
    if minor is None or minor == "":
        return "–"
    if not currency:
        return str(minor)
    amount = Decimal(int(minor)).scaleb(-currency_digits(currency))
    return format_currency(amount, currency.upper(), locale=locale_of(lang))


def from_accept_language(header: str) -> str:
    """The first supported language in an Accept-Language header, by quality."""
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag:
            choices.append((-quality, index, tag))
    for _, _, tag in sorted(choices):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT


# ----------------------------------------------------------------- codes from the services
def has(lang: str, key: str) -> bool:
    return key in catalogue(lang if lang in LANGUAGES else DEFAULT)


def _join(lang: str, items: list[str]) -> str:
    return ("、" if lang == "zh-CN" else ", ").join(items)


def display(lang: str, value: object) -> str:
    """A parameter of a coded message as the language writes it: a float is a ratio (0.93 ->
    93%), an int a count (1,200), a list a list."""
    locale = locale_of(lang)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return format_percent(value, locale=locale)
    if isinstance(value, int):
        return format_decimal(value, locale=locale)
    if isinstance(value, (list, tuple)):
        return _join(lang, [display(lang, v) for v in value])
    return str(value)


def message(lang: str, family: str, code: str | None, params: dict[str, object] | None = None) -> str | None:
    """A service's coded statement ("risk" / "few_suppliers" / {"process": ..., "count": 2})
    in the language; None when the catalogue has no such code (the caller shows the
    service's own text)."""
    key = f"{family}.{code}"
    if not code or not has(lang, key):
        return None
    return translate(lang, key, **{name: display(lang, value) for name, value in (params or {}).items()})


def target_text(lang: str, target: Any, *, percent: bool = True) -> str:
    """A KPI target (forecasting.health.Target) in the language: "≥ 75% 且 ≤ 85%" (a plain
    number where the KPI is no share, like the cycle-time volatility's std / mean)."""

    def number(value: float) -> str:
        return format_percent(value, locale=locale_of(lang), format="#,##0.#%") if percent else format_decimal(value, locale=locale_of(lang))

    parts = []
    if target.low is not None:
        parts.append(translate(lang, N_("target.above") if target.low_exclusive else N_("target.at_least"), value=number(target.low)))
    if target.high is not None:
        parts.append(translate(lang, N_("target.below") if target.high_exclusive else N_("target.at_most"), value=number(target.high)))
    return translate(lang, N_("target.and")).join(parts)


def field_text(lang: str, error: Any) -> str:
    """A field error (capool.errors.FieldError) in the language: by its code (the portal's
    form conversion gives every one a code). English readers get the service's own words;
    others, for a service's check that carries no code yet, the generic "not valid" next to
    the field it names (never the English)."""
    if lang == "en":
        return str(error.message)
    return message(lang, "field", error.code, error.params) or translate(lang, N_("field.invalid"))


def error_text(lang: str, exc: Any) -> str:
    """A domain error (capool.errors.DomainError) for a page: English readers get the service's
    own detail; others its code's text, or its field errors' texts where its code is the
    generic one."""
    if lang == "en":
        return str(exc.detail)
    if exc.errors and exc.code in ("invalid_input", "error"):
        return "；".join(field_text(lang, e) for e in exc.errors)
    return message(lang, "error_code", exc.code) or translate(lang, N_("error_code.error"))
