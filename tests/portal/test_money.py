"""Money on the portal: integer minor units shown per language and currency (Babel, CLDR),
with each currency's own number of minor digits, never through a float."""

from __future__ import annotations

import re
from pathlib import Path

from api.portal import i18n, web

TEMPLATES = Path(i18n.__file__).parent / "templates"


def test_minor_units_read_per_language_and_currency() -> None:
    assert i18n.format_money(7380, "CNY", "zh-CN") == "¥73.80"
    assert i18n.format_money(7380, "CNY", "en") == "CN¥73.80"
    # JPY has no minor digits: 7380 minor units are 7,380 yen, not 73.80.
    assert i18n.format_money(7380, "JPY", "en") == "¥7,380"
    assert i18n.format_money(7380, "JPY", "zh-CN") == "JP¥7,380"
    # BHD has three: 7380 fils are 7.380 dinars.
    assert i18n.format_money(7380, "BHD", "en") == "BHD7.380"
    assert i18n.format_money(123456789, "EUR", "en") == "€1,234,567.89"
    assert i18n.format_money(-5, "CNY", "en") == "-CN¥0.05"
    assert i18n.format_money(7380, "cny", "en") == "CN¥73.80"
    assert i18n.format_money(None, "CNY", "en") == "–"
    # Exact beyond a float's 53 bits.
    assert i18n.format_money(2**60 + 1, "CNY", "en") == "CN¥11,529,215,046,068,469.77"
    assert [i18n.currency_digits(c) for c in ("CNY", "JPY", "KRW", "USD", "BHD")] == [2, 0, 0, 2, 3]


def test_the_money_filter_follows_the_page_language() -> None:
    template = web.templates.from_string("{{ amount | money(currency) }}")
    assert template.render(amount=8625, currency="CNY", lang="zh-CN") == "¥86.25"
    assert template.render(amount=8625, currency="CNY", lang="en") == "CN¥86.25"


def test_no_template_shows_a_raw_minor_amount() -> None:
    """Every amount a template prints goes through the `money` filter: a `_minor`, price, cost
    or value expression printed bare is a bug (form inputs keep minor units as typed)."""
    bare = []
    for path in TEMPLATES.rglob("*.html"):
        for expression in re.findall(r"{{(.*?)}}", path.read_text()):
            code = re.sub(r"\bform\.[\w.]+(\(.*?\))?", "", re.sub(r"'[^']*'|\"[^\"]*\"", "''", expression))  # no literals, no form echoes
            if re.search(r"(price|cost|amount|value)_minor|_minor\b|unit_price|unit_cost|extra_cost", code) and "money" not in code:
                bare.append(f"{path.name}: {expression.strip()}")
    assert bare == []
