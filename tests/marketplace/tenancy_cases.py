"""Cross-tenant cases for the marketplace routes and GraphQL fields (see tests/tenancy.py).

The victim is the brand (a buyer that also runs workshops); its offer is private, so no
other organisation may see it."""

from __future__ import annotations

from tests.conftest import allocate, future, place, publish, today_plus
from tests.tenancy import Case, Ctx, GraphQLCase, Request

BUYERS = ("other_buyer", "outsider")
FACTORIES = ("floating", "outsider")
EVERYONE = ("other_buyer", "floating", "outsider")
# The process catalogue is the alliance's: its members all read it, so the attackers are the
# other alliance's member and admin (who may change only its own alliance's catalogue).
OTHER_ALLIANCE = ("outsider", "outsider_admin")


async def seed(ctx: Ctx) -> None:
    client, world = ctx.client, ctx.world
    offer = await publish(client, world.brand_ops, visibility="private", per_day=100, days=10)
    order = await place(client, world.brand, quantity=50)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], 50)])
    accepted = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": True}, headers=world.brand_ops.headers)
    assert accepted.status_code == 200, accepted.text
    progress = await client.post(f"/v1/allocations/{allocation['id']}/progress", headers=world.brand_ops.headers,
                                 json={"operation": "screen_printing", "step": "scan", "quantity": 50, "operator": "wang.fang"})
    assert progress.status_code == 201, progress.text
    [partnership] = (await client.get("/v1/partnerships", headers=world.brand.headers)).json()["items"]
    ctx.ids.update({
        "org": str(world.brand.org_id), "user": str(world.brand.user_id), "ops_user": str(world.brand_ops.user_id),
        "key": str(world.brand.actor.api_key_id), "resource": offer["resource_id"],
        "offer": offer["id"], "order": order["id"], "order_ref": order["reference"], "allocation": allocation["id"],
        "progress": progress.json()["id"], "partnership": partnership["id"],
    })
    resources = (await client.get("/v1/resources", headers=world.brand_ops.headers)).json()["items"]
    ctx.ids["site"] = next(r["site_id"] for r in resources if r["id"] == offer["resource_id"])
    processes = (await client.get("/v1/processes", headers=world.brand.headers)).json()
    ctx.ids["process"] = next(p["id"] for p in processes if p["code"] == "screen_printing")


def _offer_body(ctx: Ctx) -> dict:
    return {"resource_id": ctx.ids["resource"], "process": "screen_printing", "window_start": today_plus(1), "window_end": today_plus(5),
            "capacity_per_day": 10, "unit_price_minor": 100, "currency": "CNY"}


def _order_body() -> dict:
    return {"reference": "PO-ATTACK", "product": "tee", "process": "screen_printing", "quantity": 5, "due_at": future(30), "currency": "CNY"}


CASES: dict[tuple[str, str], Case] = {
    ("GET", "/v1/processes"): Case("absent", OTHER_ALLIANCE, lambda c: Request("/v1/processes", params={"include_retired": "true"})),
    ("POST", "/v1/processes"): Case("own", ("outsider_admin",), lambda c: Request("/v1/processes", {
        "code": "welding", "names": {"en": "Welding", "zh-CN": "焊接"}})),
    ("POST", "/v1/processes/{process_id:uuid}/retire"): Case("404", ("outsider_admin",), lambda c: Request(f"/v1/processes/{c.ids['process']}/retire")),
    ("GET", "/v1/sites"): Case("absent", FACTORIES, lambda c: Request("/v1/sites")),
    ("POST", "/v1/sites"): Case("own", FACTORIES, lambda c: Request("/v1/sites", {"name": "attacker site", "region": "foshan"})),
    ("GET", "/v1/resources"): Case("absent", FACTORIES, lambda c: Request("/v1/resources")),
    ("POST", "/v1/resources"): Case("404", FACTORIES, lambda c: Request("/v1/resources", {
        "site_id": c.ids["site"], "name": "stolen line", "kind": "crew", "processes": ["screen_printing"]})),
    ("GET", "/v1/offers"): Case("absent", EVERYONE, lambda c: Request("/v1/offers")),
    ("POST", "/v1/offers"): Case("404", FACTORIES, lambda c: Request("/v1/offers", _offer_body(c))),
    ("GET", "/v1/offers/{offer_id:uuid}"): Case("404", EVERYONE, lambda c: Request(f"/v1/offers/{c.ids['offer']}")),
    ("PATCH", "/v1/offers/{offer_id:uuid}"): Case("404", FACTORIES, lambda c: Request(f"/v1/offers/{c.ids['offer']}", {"unit_price_minor": 1})),
    ("POST", "/v1/offers/{offer_id:uuid}/withdraw"): Case("404", FACTORIES, lambda c: Request(f"/v1/offers/{c.ids['offer']}/withdraw", {"reason": "x"})),
    ("GET", "/v1/partnerships"): Case("absent", EVERYONE, lambda c: Request("/v1/partnerships")),
    # A buyer of another alliance cannot contract this alliance's factories.
    ("POST", "/v1/partnerships"): Case("404", ("outsider",), lambda c: Request("/v1/partnerships", {
        "factory_org_id": str(c.world.partner.org_id), "agreed_unit_price_minor": 1, "currency": "CNY"})),
    ("POST", "/v1/partnerships/{partnership_id:uuid}/end"): Case("404", BUYERS, lambda c: Request(f"/v1/partnerships/{c.ids['partnership']}/end")),
    ("GET", "/v1/orders"): Case("absent", EVERYONE, lambda c: Request("/v1/orders")),
    ("POST", "/v1/orders"): Case("own", BUYERS, lambda c: Request("/v1/orders", _order_body())),
    ("GET", "/v1/orders/{order_id:uuid}"): Case("404", EVERYONE, lambda c: Request(f"/v1/orders/{c.ids['order']}")),
    ("PUT", "/v1/orders/{order_id:uuid}"): Case("404", BUYERS, lambda c: Request(f"/v1/orders/{c.ids['order']}", _order_body())),
    ("GET", "/v1/orders/{order_id:uuid}/tracking"): Case("404", EVERYONE, lambda c: Request(f"/v1/orders/{c.ids['order']}/tracking")),
    ("POST", "/v1/orders/{order_id:uuid}/transitions"): Case("404", BUYERS, lambda c: Request(
        f"/v1/orders/{c.ids['order']}/transitions", {"to": "cancelled", "reason": "attack"})),
    ("POST", "/v1/allocation-plans"): Case("404", BUYERS, lambda c: Request("/v1/allocation-plans", {
        "items": [{"order_id": c.ids["order"], "offer_id": c.ids["offer"], "quantity": 1}]})),
    ("GET", "/v1/allocations"): Case("absent", EVERYONE, lambda c: Request("/v1/allocations")),
    ("GET", "/v1/allocations/{allocation_id:uuid}"): Case("404", EVERYONE, lambda c: Request(f"/v1/allocations/{c.ids['allocation']}")),
    ("POST", "/v1/allocations/{allocation_id:uuid}/response"): Case("404", FACTORIES, lambda c: Request(
        f"/v1/allocations/{c.ids['allocation']}/response", {"accept": False, "reason": "attack"})),
    ("POST", "/v1/allocations/{allocation_id:uuid}/progress"): Case("404", FACTORIES, lambda c: Request(
        f"/v1/allocations/{c.ids['allocation']}/progress", {"operation": "screen_printing", "step": "done", "quantity": 50, "operator": "x"})),
    ("GET", "/v1/progress"): Case("absent", EVERYONE, lambda c: Request("/v1/progress")),
    ("GET", "/v1/analytics/utilisation"): Case("absent", EVERYONE, lambda c: Request("/v1/analytics/utilisation", params={"group_by": "factory"})),
    ("GET", "/v1/analytics/on-time"): Case("absent", EVERYONE, lambda c: Request("/v1/analytics/on-time")),
    ("GET", "/v1/me"): Case("absent", EVERYONE, lambda c: Request("/v1/me")),
    ("GET", "/v1/members"): Case("absent", ("outsider",), lambda c: Request("/v1/members")),
    ("GET", "/v1/api-keys"): Case("absent", ("outsider",), lambda c: Request("/v1/api-keys")),
    ("POST", "/v1/api-keys/{key_id:uuid}/revoke"): Case("404", ("outsider",), lambda c: Request(f"/v1/api-keys/{c.ids['key']}/revoke")),
}

_OFFER_INPUT = """mutation($input: PublishOfferInput!) { publishOffer(input: $input) { offer { id } errors { code field } } }"""
_ORDER_INPUT = """mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code } } }"""

GRAPHQL_CASES: dict[str, GraphQLCase] = {
    "Query.processes": GraphQLCase("absent", OTHER_ALLIANCE, lambda c: ("{ processes(includeRetired: true) { id code nameEn nameZhCN } }", {})),
    "Query.offers": GraphQLCase("absent", EVERYONE, lambda c: ("{ offers { items { id organisationId } } }", {})),
    "Query.offer": GraphQLCase("404", EVERYONE, lambda c: ("query($id: UUID!) { offer(id: $id) { id } }", {"id": c.ids["offer"]})),
    "Query.orders": GraphQLCase("absent", EVERYONE, lambda c: ("{ orders { items { id reference } } }", {})),
    "Query.order": GraphQLCase("404", EVERYONE, lambda c: ("query($id: UUID!) { order(id: $id) { id } }", {"id": c.ids["order"]})),
    "Query.allocations": GraphQLCase("absent", EVERYONE, lambda c: (
        "query($id: UUID) { allocations(orderId: $id) { items { id } edges { node { id } } } }", {"id": c.ids["order"]})),
    "Query.utilisation": GraphQLCase("absent", EVERYONE, lambda c: ("{ utilisation(groupBy: \"factory\") { key published allocated } }", {})),
    "Mutation.publishOffer": GraphQLCase("404", FACTORIES, lambda c: (_OFFER_INPUT, {"input": {
        "resourceId": c.ids["resource"], "process": "screen_printing", "windowStart": today_plus(1), "windowEnd": today_plus(3),
        "capacityPerDay": 10, "unitPriceMinor": 100, "currency": "CNY"}})),
    "Mutation.placeOrder": GraphQLCase("own", BUYERS, lambda c: (_ORDER_INPUT, {"input": {
        "reference": "G-ATTACK", "product": "tee", "process": "screen_printing", "quantity": 3, "dueAt": future(30), "currency": "CNY"}})),
    "Mutation.changeOffer": GraphQLCase("404", FACTORIES, lambda c: (
        "mutation($id: UUID!) { changeOffer(offerId: $id, input: {unitPriceMinor: 1}) { offer { id } errors { code } } }", {"id": c.ids["offer"]})),
    "Mutation.withdrawOffer": GraphQLCase("404", FACTORIES, lambda c: (
        "mutation($id: UUID!) { withdrawOffer(offerId: $id, reason: \"attack\") { offer { id } affectedAllocationIds errors { code } } }", {"id": c.ids["offer"]})),
    "Mutation.transitionOrder": GraphQLCase("404", BUYERS, lambda c: (
        "mutation($id: UUID!) { transitionOrder(orderId: $id, to: CANCELLED, reason: \"attack\") { order { id } errors { code } } }", {"id": c.ids["order"]})),
    "Mutation.submitAllocationPlan": GraphQLCase("404", BUYERS, lambda c: (
        "mutation($o: UUID!, $f: UUID!) { submitAllocationPlan(items: [{orderId: $o, offerId: $f, quantity: 1}]) { allocations { id } runId errors { code } } }",
        {"o": c.ids["order"], "f": c.ids["offer"]})),
    "Mutation.respondToAllocation": GraphQLCase("404", FACTORIES, lambda c: (
        "mutation($id: UUID!) { respondToAllocation(allocationId: $id, accept: false, reason: \"attack\") { allocation { id } errors { code } } }",
        {"id": c.ids["allocation"]})),
    "Mutation.reportProgress": GraphQLCase("404", FACTORIES, lambda c: (
        "mutation($id: UUID!) { reportProgress(allocationId: $id, input: {operation: \"screen_printing\", step: DONE, quantity: 50, operator: \"x\"}) "
        "{ progress { id } errors { code } } }", {"id": c.ids["allocation"]})),
    # Over the websocket (the walker subscribes with graphql-transport-ws).
    "Subscription.orderStatus": GraphQLCase("404", EVERYONE, lambda c: (
        "subscription($id: UUID!) { orderStatus(orderId: $id, replay: true) { id orderId toStatus } }", {"id": c.ids["order"]})),
}

