"""The whole foundation flow over REST and GraphQL: publish, order, allocate, accept,
report progress, track, read utilisation."""

from __future__ import annotations

from tests.conftest import World, allocate, place, publish


async def test_publish_order_allocate_accept_progress_track(client, world: World) -> None:
    offer = await publish(client, world.partner, per_day=100, days=10, price=520, visibility="partners")
    order = await place(client, world.brand, quantity=300, operations=["screen_printing", "packing"])
    assert order["status"] == "submitted"

    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 300)])
    assert allocation["tier"] == "partner"
    assert allocation["unit_price_minor"] == 450  # the partnership's agreed price, not the list price
    assert (await client.get(f"/v1/offers/{offer['id']}", headers=world.partner.headers)).json()["reserved"] == 300
    assert (await client.get(f"/v1/orders/{order['id']}", headers=world.brand.headers)).json()["status"] == "allocated"

    accepted = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": True}, headers=world.partner.headers)
    assert accepted.status_code == 200, accepted.text
    assert (await client.get(f"/v1/orders/{order['id']}", headers=world.brand.headers)).json()["status"] == "confirmed"

    for operation in ("screen_printing", "packing"):
        for step in ("scan", "done", "confirm"):
            reported = await client.post(f"/v1/allocations/{allocation['id']}/progress", headers=world.partner.headers,
                                         json={"operation": operation, "step": step, "quantity": 300, "operator": "li.wei"})
            assert reported.status_code == 201, reported.text

    tracking = (await client.get(f"/v1/orders/{order['id']}/tracking", headers=world.brand.headers)).json()
    assert tracking["stage"] == "in_production"
    assert tracking["produced_fraction"] == 1.0
    assert [h["to_status"] for h in tracking["history"]] == ["draft", "submitted", "allocated", "confirmed", "in_production"]
    assert tracking["allocations"][0]["factory_name"] == "Partner Factory"
    assert [o["confirmed"] for o in tracking["allocations"][0]["operations"]] == [300, 300]

    utilisation = (await client.get("/v1/analytics/utilisation", headers=world.partner.headers,
                                    params={"group_by": "factory", "start": offer["window_start"] + "T00:00:00Z",
                                            "end": offer["window_end"] + "T23:59:59Z"})).json()
    [row] = utilisation["rows"]
    assert row["published"] == 1000 and row["allocated"] == 300
    assert abs(row["utilisation"] - 0.3) < 1e-9

    query = """query($id: UUID!) { order(id: $id) { reference status allocations { tier quantity offer { process } } } }"""
    result = (await client.post("/graphql", json={"query": query, "variables": {"id": order["id"]}}, headers=world.brand.headers)).json()
    assert result == {"data": {"order": {"reference": order["reference"], "status": "IN_PRODUCTION",
                                         "allocations": [{"tier": "PARTNER", "quantity": 300, "offer": {"process": "screen_printing"}}]}}}


async def test_graphql_publish_and_place(client, world: World) -> None:
    offer = await publish(client, world.floating)
    mutation = """mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { status quantity } errors { code field message } } }"""
    variables = {"input": {"reference": "G-1", "product": "tee", "process": "screen_printing", "quantity": 40,
                           "dueAt": "2099-01-01T00:00:00+00:00", "currency": "CNY"}}
    result = (await client.post("/graphql", json={"query": mutation, "variables": variables}, headers=world.brand.headers)).json()
    assert result["data"]["placeOrder"] == {"order": {"status": "SUBMITTED", "quantity": 40}, "errors": []}

    publish_mutation = """mutation($input: PublishOfferInput!) { publishOffer(input: $input) { offer { process remaining } errors { code field } } }"""
    bad = {"input": {"resourceId": offer["resource_id"], "process": "screen_printing", "windowStart": "2099-01-01", "windowEnd": "2099-01-05",
                     "capacityPerDay": -5, "unitPriceMinor": 100, "currency": "CNY"}}
    result = (await client.post("/graphql", json={"query": publish_mutation, "variables": bad}, headers=world.floating.headers)).json()
    assert result["data"]["publishOffer"] == {"offer": None, "errors": [{"code": "INVALID_INPUT", "field": "/input/capacity_per_day"}]}
    offers = (await client.get("/v1/offers", headers=world.floating.headers)).json()["items"]
    assert len(offers) == 1
