"""The supplier's calendar and the admin's heat map read the allocations' per-day slots
(issue 13 item 1): the load is what is booked in each week, not the allocation spread
evenly over the offer's window."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.db import create_session_factory
from marketplace import analytics
from tests.conftest import World, allocate, place, publish
from tests.portal.conftest import sign_in


def _week_cells(html: str, offer_id: str) -> list[tuple[int, int]]:
    row = html[html.index(f'data-offer="{offer_id}"'):]
    row = row[: row.index("</tr>")]
    return [(int(r), int(t)) for r, t in re.findall(r"<small>(\d+)/(\d+)</small>", row)]


async def test_the_calendar_shows_what_each_week_books(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    # 100/day for 21 days from today; 900 pieces take days 0-8. This week has
    # `first` days left (today to Sunday): the first week books min(9, first) x 100 of
    # first x 100, the next week the rest, every later week nothing.
    offer = await publish(portal, world.partner, per_day=100, days=21)
    order = await place(portal, world.brand, quantity=900)
    await allocate(portal, world.brand, [(order["id"], offer["id"], 900)])
    await sign_in(portal, db, world.partner)
    page = await portal.get("/portal/supplier/offers")
    assert page.status_code == 200
    first = 7 - date.today().weekday()
    cells = _week_cells(page.text, offer["id"])
    booked = [min(9, first) * 100, (9 - min(9, first)) * 100] + [0] * 2
    totals = [first * 100, 700, 700, (21 - first - 14) * 100]
    expected = [(b, t) for b, t in zip(booked, totals, strict=True) if t > 0]
    assert cells == expected


async def test_utilisation_counts_the_booked_days_of_the_window(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    # 900 pieces on days 0-8 of a 100/day offer: a window of days 0-4 holds 500 of them, a
    # window of days 5-13 the other 400 (of 900 published), days 14-20 none.
    offer = await publish(portal, world.partner, per_day=100, days=21)
    order = await place(portal, world.brand, quantity=900)
    await allocate(portal, world.brand, [(order["id"], offer["id"], 900)])
    def at(n: int) -> datetime:
        return datetime.combine(date.today() + timedelta(days=n), time.min, UTC)

    async with create_session_factory(db)() as session:
        rows = {n: await analytics.utilisation(session, world.admin.actor, at(a), at(b), "factory") for n, (a, b) in enumerate([(0, 5), (5, 14), (14, 21)])}
    figures = {n: [(r.allocated, r.published) for r in rs if r.key == str(world.partner.org_id)] for n, rs in rows.items()}
    assert figures == {0: [(500, 500)], 1: [(400, 900)], 2: [(0, 700)]}
