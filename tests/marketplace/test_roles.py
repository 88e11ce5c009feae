"""Alliance admins read aggregates across members, but not members' private offers and
prices unless the alliance allows it."""

from __future__ import annotations

from sqlalchemy import update

from capool.db import create_session_factory
from capool.tenancy.models import Alliance
from tests.conftest import World, allocate, place, publish


async def test_admin_reads_aggregates_but_not_private_prices_unless_allowed(client, db, world: World) -> None:
    offer = await publish(client, world.brand_ops, visibility="private", per_day=100, days=10, price=777)
    order = await place(client, world.brand, quantity=250)
    await allocate(client, world.brand, [(order["id"], offer["id"], 250)])
    window = {"start": offer["window_start"] + "T00:00:00Z", "end": offer["window_end"] + "T23:59:59Z"}

    rows = (await client.get("/v1/analytics/utilisation", headers=world.admin.headers, params={"group_by": "factory", **window})).json()["rows"]
    [brand_row] = [r for r in rows if r["key"] == str(world.brand.org_id)]
    assert (brand_row["published"], brand_row["allocated"]) == (1000, 250)
    tiers = (await client.get("/v1/analytics/utilisation", headers=world.admin.headers, params={"group_by": "tier", **window})).json()["rows"]
    assert [(r["key"], r["allocated"]) for r in tiers] == [("core", 250)]

    hidden = await client.get(f"/v1/offers/{offer['id']}", headers=world.admin.headers)
    assert hidden.status_code == 404
    assert offer["id"] not in (await client.get("/v1/offers", headers=world.admin.headers)).text

    async with create_session_factory(db)() as session:
        await session.execute(update(Alliance).where(Alliance.id == world.alliance_id).values(admins_see_prices=True))
        await session.commit()
    shown = await client.get(f"/v1/offers/{offer['id']}", headers=world.admin.headers)
    assert shown.status_code == 200 and shown.json()["unit_price_minor"] == 777
    # ... and still read-only: an admin is no member of the factory.
    change = await client.patch(f"/v1/offers/{offer['id']}", headers=world.admin.headers, json={"unit_price_minor": 1})
    assert change.status_code in (403, 404)
    assert (await client.get(f"/v1/offers/{offer['id']}", headers=world.brand_ops.headers)).json()["unit_price_minor"] == 777


async def test_other_members_see_aggregates_of_their_own_plant_only(client, world: World) -> None:
    offer = await publish(client, world.brand_ops, visibility="alliance", per_day=100, days=10)
    rows = (await client.get("/v1/analytics/utilisation", headers=world.floating.headers, params={
        "group_by": "factory", "start": offer["window_start"] + "T00:00:00Z", "end": offer["window_end"] + "T23:59:59Z"})).json()["rows"]
    assert str(world.brand.org_id) not in {r["key"] for r in rows}
