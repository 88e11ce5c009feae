"""Pages name things instead of showing ids: the service views behind them (order references,
offer labels, organisation names) answer only what the caller may see."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.db import create_session_factory
from marketplace import capacity, orders
from tests.conftest import World, place, publish


async def test_references_labels_and_names_only_of_what_the_caller_sees(client: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    order = await place(client, world.brand)
    shared = await publish(client, world.partner)
    private = await publish(client, world.floating, visibility="private")
    async with create_session_factory(db)() as session:
        assert await orders.order_references(session, world.brand.actor, [order["id"], "o-1", None, str(uuid.uuid4())]) == {order["id"]: order["reference"]}
        assert await orders.order_references(session, world.other_buyer.actor, [order["id"]]) == {}

        labels = await capacity.offer_labels(session, world.brand.actor, [shared["id"], private["id"], "not-an-id"])
        assert list(labels) == [shared["id"]]
        assert labels[shared["id"]].startswith("Partner Factory · line-") and labels[shared["id"]].count(" · ") == 1
        assert private["id"] in await capacity.offer_labels(session, world.floating.actor, [private["id"]])

        names = await capacity.organisation_names(session, world.brand.actor, {world.partner.org_id, world.outsider.org_id})
        assert names == {world.partner.org_id: "Partner Factory"}  # the outsider is in another alliance
