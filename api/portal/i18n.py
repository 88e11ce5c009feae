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
from babel.numbers import format_currency, get_currency_precision
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
