"""The options of the portal's process and currency selects: the signed-in member's alliance
catalogue (active codes, named in the page's language) and the ISO 4217 codes in use."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.numbers import get_currency_name
from sqlalchemy.ext.asyncio import AsyncSession

from capool.currencies import tender_currencies
from capool.tenancy.actor import Actor
from marketplace import catalogue

DEFAULT_CURRENCY = "CNY"  # alliances have no currency of their own yet


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


async def process_choices(db_session: AsyncSession, actor: Actor, lang: str) -> list[Choice]:
    """The alliance's active codes, labelled by their names in the page's language (the code
    only where the catalogue has no name: zh-CN pages show no process codes)."""
    rows = await catalogue.list_processes(db_session, actor)
    zh = lang.lower().startswith("zh")
    return [Choice(row.code, (row.name_zh_cn if zh else row.name_en) or row.code) for row in rows]


@cache
def currency_choices(lang: str, first: str = DEFAULT_CURRENCY) -> tuple[Choice, ...]:
    """Every ISO 4217 code in use, `first` at the top, then by code; named in the page's language."""
    locale = Locale.parse(lang, sep="-")
    codes = sorted(tender_currencies(), key=lambda code: (code != first, code))
    return tuple(Choice(code, f"{code} — {get_currency_name(code, locale=locale)}") for code in codes)
