"""The matching service feeds the engine what the policy needs: partner reservations on
published capacity (kept free for their holder also in other buyers' runs), the buyer's
share penalty and cheaper-but-late choice, and a status per order."""

from __future__ import annotations

from sqlalchemy import update

from capool.db import create_session_factory
from marketplace.models import Partnership
from tests.conftest import place, publish
from tests.matching.test_api import small_approval  # noqa: F401


async def _reserve(db, pct: int) -> None:
    async with create_session_factory(db)() as session, session.begin():
        await session.execute(update(Partnership).values(reserved_share_pct=pct))


async def test_partner_reservation_is_kept_for_its_holder_in_other_buyers_runs(client, world, db, small_approval):  # noqa: F811
    # The partner publishes 10 days x 100 = 1,000 and reserves 50% of it for the brand.
    offer = await publish(client, world.partner, price=300)
    await _reserve(db, 50)
    big = await place(client, world.other_buyer, quantity=600)
    body = (await client.post("/v1/matching/preview", json={"time_limit_s": 2}, headers=world.other_buyer.headers)).json()
    assert body["plan"] == []
    status = body["result"]["orders"][big["id"]]
    assert status["status"] == "unplaced"
    # (The engine may name the offer's part in time, "<offer>@<day>".)
    assert offer["id"] in status["reason"] and "500 of its capacity is reserved for a partner buyer, 500 free for others, needs 600" in status["reason"]
    assert body["result"]["status"] == "OPTIMAL" and body["result"]["complete"] is False
    # The brand may use all of it: its 500 and the free 500.
    mine = await place(client, world.brand, quantity=1000)
    body = (await client.post("/v1/matching/preview", json={"time_limit_s": 2}, headers=world.brand.headers)).json()
    assert [(p["order_id"], p["offer_id"], p["quantity"]) for p in body["plan"]] == [(mine["id"], offer["id"], 1000)]
    assert body["result"]["orders"][mine["id"]] == {"status": "placed", "quantity": 1000, "placed": 1000}


async def test_the_buyers_share_penalty_reaches_the_engine(client, world, db, small_approval):  # noqa: F811
    # The brand owns a workshop (core, 600 a piece); floating capacity costs 300. One order
    # of 100: on floating capacity its core share is 0% (violation 8,000 x penalty), on its
    # own workshop 100% (external below 20%: 2,000 x penalty). Penalty 0 or 1: floating is
    # cheaper; penalty 100: the workshop.
    own = await publish(client, world.brand_ops, price=600)
    spot = await publish(client, world.floating, price=300)
    await place(client, world.brand, quantity=100)

    async def offer_for(policy: dict) -> str:
        response = await client.post("/v1/matching/preview", json={"time_limit_s": 2, "policy": policy}, headers=world.brand.headers)
        assert response.status_code == 200, response.text
        [item] = response.json()["plan"]
        return item["offer_id"]

    assert await offer_for({"share_penalty": 0}) == spot["id"]
    assert await offer_for({"share_penalty": 100}) == own["id"]
    response = await client.post("/v1/matching/preview", json={"time_limit_s": 2, "policy": {"share_penalty": -1}}, headers=world.brand.headers)
    assert response.status_code in (400, 422) and "share_penalty" in response.text
