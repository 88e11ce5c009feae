"""Access ends with the work: a factory reads an order while it holds an active allocation on
it, never moves the order's state itself, and a decline reason reaches the buyer only."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from capool.db import create_session_factory
from capool.events import OutboxEvent
from marketplace.integrations import webhooks
from tests.conftest import Member, World, allocate, place, publish
from tests.portal.conftest import csrf_of, portal, sign_in  # noqa: F401  (portal: the fixture)
from tests.tenancy import snapshot

REASON = "press 3 is booked for Rival Brand's launch"


async def _respond(client: httpx.AsyncClient, member: Member, allocation: dict, accept: bool) -> None:
    body = {"accept": True} if accept else {"accept": False, "reason": REASON}
    response = await client.post(f"/v1/allocations/{allocation['id']}/response", json=body, headers=member.headers)
    assert response.status_code == 200, response.text


async def _declined_then_reallocated(client: httpx.AsyncClient, world: World) -> tuple[dict, dict, dict]:
    """The floating factory declines with a confidential reason; the partner gets the order next."""
    first_offer = await publish(client, world.floating)
    second_offer = await publish(client, world.partner)
    order = await place(client, world.brand, quantity=100)
    [declined] = await allocate(client, world.brand, [(order["id"], first_offer["id"], 100)])
    await _respond(client, world.floating, declined, accept=False)
    [current] = await allocate(client, world.brand, [(order["id"], second_offer["id"], 100)])
    return order, declined, current


async def _gql(client: httpx.AsyncClient, member: Member, query: str, variables: dict) -> dict:
    response = await client.post("/graphql", headers=member.headers, json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_declined_factory_no_longer_reads_or_moves_the_order(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    order, declined, _ = await _declined_then_reallocated(client, world)
    before = await snapshot(db)
    for path in (f"/v1/orders/{order['id']}", f"/v1/orders/{order['id']}/tracking"):
        hidden = await client.get(path, headers=world.floating.headers)
        assert hidden.status_code == 404, (path, hidden.text)
    listed = (await client.get("/v1/orders", headers=world.floating.headers)).json()["items"]
    assert order["id"] not in [o["id"] for o in listed]
    for target in ("disputed", "inspected", "cancelled", "submitted"):
        denied = await client.post(f"/v1/orders/{order['id']}/transitions", json={"to": target, "reason": "x"}, headers=world.floating.headers)
        assert denied.status_code == 404, (target, denied.text)
    gql = await _gql(client, world.floating, "query($id: UUID!) { order(id: $id) { status } }", {"id": order["id"]})
    assert gql["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    via_allocation = await _gql(client, world.floating, "query($id: UUID!) { allocations(orderId: $id) { items { id status order { id } } } }", {"id": order["id"]})
    assert via_allocation["data"]["allocations"]["items"] == [{"id": declined["id"], "status": "DECLINED", "order": None}]
    assert await snapshot(db) == before
    assert (await client.get(f"/v1/orders/{order['id']}", headers=world.brand.headers)).json()["status"] == "allocated"


async def test_a_factory_holding_the_order_reads_it_but_cannot_move_it(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    order, _, current = await _declined_then_reallocated(client, world)
    assert (await client.get(f"/v1/orders/{order['id']}", headers=world.partner.headers)).status_code == 200
    before = await snapshot(db)
    for target in ("disputed", "cancelled", "submitted", "delivered", "inspected"):  # inspected: its allocation is not accepted yet
        denied = await client.post(f"/v1/orders/{order['id']}/transitions", json={"to": target, "reason": "x"}, headers=world.partner.headers)
        assert denied.status_code == 403, (target, denied.text)
    assert await snapshot(db) == before
    await _respond(client, world.partner, current, accept=True)
    before = await snapshot(db)
    dispute = await client.post(f"/v1/orders/{order['id']}/transitions", json={"to": "disputed", "reason": "x"}, headers=world.partner.headers)
    assert dispute.status_code == 403 and dispute.json()["code"] == "permission_denied"
    assert await snapshot(db) == before
    assert (await client.get(f"/v1/orders/{order['id']}", headers=world.brand.headers)).json()["status"] == "confirmed"


async def test_the_decline_reason_reaches_the_buyer_only(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    order, declined, current = await _declined_then_reallocated(client, world)
    mine = await client.get(f"/v1/allocations/{declined['id']}", headers=world.brand.headers)
    assert mine.json()["decline_reason"] == REASON
    tracking = (await client.get(f"/v1/orders/{order['id']}/tracking", headers=world.brand.headers)).json()
    assert [a["allocation"]["decline_reason"] for a in tracking["allocations"]] == [REASON, None]

    # The next factory: not through the order, its history, the allocations or GraphQL.
    seen = [
        await client.get(f"/v1/orders/{order['id']}", headers=world.partner.headers),
        await client.get(f"/v1/orders/{order['id']}/tracking", headers=world.partner.headers),
        await client.get("/v1/allocations", params={"order_id": order["id"]}, headers=world.partner.headers),
        await client.get(f"/v1/allocations/{declined['id']}", headers=world.partner.headers),
        await client.get("/v1/ledger/entries", headers=world.partner.headers),
    ]
    assert [r.status_code for r in seen] == [200, 200, 200, 404, 200]
    assert [a["allocation"]["id"] for a in seen[1].json()["allocations"]] == [current["id"]]
    gql = await _gql(client, world.partner, "query($id: UUID!) { order(id: $id) { allocations { id status } } }", {"id": order["id"]})
    assert gql["data"]["order"]["allocations"] == [{"id": current["id"], "status": "PROPOSED"}]
    for response in [*seen, httpx.Response(200, json=gql)]:
        assert REASON not in response.text

    # Webhooks: no event carrying the reason is delivered to the next factory.
    async with create_session_factory(db)() as session:
        outbox = list((await session.execute(select(OutboxEvent))).scalars())
        carrying = [event for event in outbox if REASON in str(event.payload)]
        assert [event.type for event in carrying] == ["allocation.declined"]
        for event in outbox:
            orgs = await webhooks.recipients(session, event)
            if REASON in str(event.payload):
                assert orgs == {world.brand.org_id, world.floating.org_id}
            assert world.other_buyer.org_id not in orgs


async def test_the_portal_shows_a_declined_factory_its_allocation_but_not_the_order(
    portal: httpx.AsyncClient, client: httpx.AsyncClient, world: World, db  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    order, declined, _ = await _declined_then_reallocated(client, world)
    await sign_in(portal, db, world.floating)
    page = await portal.get("/portal/supplier/allocations")
    assert page.status_code == 200, page.text
    assert f'data-allocation="{declined["id"]}"' in page.text
    assert order["reference"] not in page.text
    before = await snapshot(db)
    moved = await portal.post(f"/portal/supplier/orders/{order['id']}/inspected", data={"_csrf": csrf_of(page.text)})
    assert moved.status_code == 404
    assert await snapshot(db) == before

    await sign_in(portal, db, world.partner)
    page = await portal.get("/portal/supplier/allocations")
    assert page.status_code == 200 and order["reference"] in page.text and REASON not in page.text
