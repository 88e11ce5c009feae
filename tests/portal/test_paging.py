"""The portal's lists with more rows than one screen: newest first, every row reachable by
the "Older" link exactly once, the rows to act on never pushed off the page, and nothing of
another organisation's."""

from __future__ import annotations

import html
import re

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from api.portal.buyer import ORDERS_PAGE
from api.portal.supplier import INCOMING_PAGE
from tests.conftest import World, allocate, place, publish
from tests.portal.conftest import sign_in

ORDER_ROW = re.compile(r'<tr data-order="([0-9a-f-]+)">')
ALLOCATION_CARD = re.compile(r'<article class="card (\w+)" data-allocation="([0-9a-f-]+)">')
ALLOCATION_ROW = re.compile(r'data-allocation="([0-9a-f-]+)"')


def _older_link(page: str, anchor: str) -> str | None:
    found = re.search(rf'<a id="{anchor}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


async def test_my_orders_lists_newest_first_and_pages_through_all(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    placed = [(await place(portal, world.brand, quantity=1))["id"] for _ in range(ORDERS_PAGE + 5)]
    foreign = (await place(portal, world.other_buyer, quantity=1))["id"]
    await sign_in(portal, db, world.brand)

    first = await portal.get("/portal/buyer/orders")
    assert first.status_code == 200
    first_ids = ORDER_ROW.findall(first.text)
    # The newest screenful, newest first: the order just placed is on top.
    assert first_ids == list(reversed(placed))[:ORDERS_PAGE]
    older = _older_link(first.text, "older-orders")
    assert older is not None

    second = await portal.get(older)
    assert second.status_code == 200
    second_ids = ORDER_ROW.findall(second.text)
    assert second_ids == list(reversed(placed))[ORDERS_PAGE:]
    assert _older_link(second.text, "older-orders") is None
    assert foreign not in first.text + second.text


async def test_incoming_keeps_the_allocation_to_answer_on_top_of_many(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    offer = await publish(portal, world.partner, per_day=100, days=10)
    elsewhere = await publish(portal, world.floating, per_day=100, days=10)
    orders = [(await place(portal, world.brand, quantity=1))["id"] for _ in range(INCOMING_PAGE + 4)]
    # The oldest allocation stays proposed; every later one is accepted by the factory.
    allocations = await allocate(portal, world.brand, [(o, offer["id"], 1) for o in orders])
    ids = [a["id"] for a in allocations]
    for allocation_id in ids[1:]:
        answered = await portal.post(f"/v1/allocations/{allocation_id}/response", json={"accept": True}, headers=world.partner.headers)
        assert answered.status_code == 200, answered.text
    other_order = (await place(portal, world.brand, quantity=1))["id"]
    [foreign] = await allocate(portal, world.brand, [(other_order, elsewhere["id"], 1)])
    await sign_in(portal, db, world.partner)

    first = await portal.get("/portal/supplier/allocations")
    assert first.status_code == 200
    cards = ALLOCATION_CARD.findall(first.text)
    # The proposed one (the oldest row) first, then the newest screenful of the others.
    assert cards[0] == ("proposed", ids[0])
    assert [a for _, a in cards[1:]] == list(reversed(ids[1:]))[:INCOMING_PAGE]
    assert all(status == "accepted" for status, _ in cards[1:])
    assert f'/portal/supplier/allocations/{ids[0]}/respond' in first.text
    older = _older_link(first.text, "older-allocations")
    assert older is not None and _older_link(first.text, "more-proposed") is None

    second = await portal.get(older)
    assert second.status_code == 200
    rest = [a for _, a in ALLOCATION_CARD.findall(second.text)]
    assert rest == [ids[0]] + list(reversed(ids[1:]))[INCOMING_PAGE:]
    assert foreign["id"] not in first.text + second.text


async def test_buyer_allocations_page_through_all_of_its_own(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    offer = await publish(portal, world.partner, per_day=100, days=10)
    mine = await allocate(portal, world.brand, [((await place(portal, world.brand, quantity=1))["id"], offer["id"], 1) for _ in range(ORDERS_PAGE + 3)])
    [theirs] = await allocate(portal, world.other_buyer, [((await place(portal, world.other_buyer, quantity=1))["id"], offer["id"], 1)])
    await sign_in(portal, db, world.brand)

    first = await portal.get("/portal/buyer/allocations")
    assert first.status_code == 200
    newest_first = [a["id"] for a in reversed(mine)]
    assert list(dict.fromkeys(ALLOCATION_ROW.findall(first.text))) == newest_first[:ORDERS_PAGE]
    older = _older_link(first.text, "older-allocations")
    assert older is not None
    second = await portal.get(older)
    assert list(dict.fromkeys(ALLOCATION_ROW.findall(second.text))) == newest_first[ORDERS_PAGE:]
    assert theirs["id"] not in first.text + second.text
