"""Cross-tenant cases for the integrations routes (see tests/tenancy.py).

The victim (the brand) has a webhook endpoint with a stored delivery, a code mapping and a
capacity connector; the marketplace seed gives it an order, an offer and an allocation."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from capool.db import create_session_factory
from capool.events import OutboxEvent
from marketplace.integrations import webhooks
from marketplace.integrations.models import WebhookDelivery
from tests.conftest import future
from tests.tenancy import Case, Ctx, Request

BUYERS = ("other_buyer", "outsider")
FACTORIES = ("floating", "outsider")
EVERYONE = ("other_buyer", "floating", "outsider")


async def seed(ctx: Ctx) -> None:
    client, world = ctx.client, ctx.world
    created = await client.post("/v1/webhooks", headers=world.brand.headers, json={
        "url": "https://erp.brand.example/hooks", "event_types": ["allocation.accepted", "order.submitted"]})
    assert created.status_code == 201, created.text
    endpoint_id = created.json()["endpoint"]["id"]
    async with create_session_factory(ctx.engine)() as session:
        event = (await session.execute(select(OutboxEvent).where(OutboxEvent.type == "allocation.accepted"))).scalars().first()
        assert event is not None
        await webhooks.fan_out(session, event)
        [delivery] = (await session.execute(select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == uuid.UUID(endpoint_id)))).scalars()
        await session.commit()
    mapping = await client.post("/v1/code-mappings", headers=world.brand_ops.headers, json={
        "system": "kingdee", "kind": "resource", "external_code": "LINE-1", "master_ref": ctx.ids["resource"]})
    assert mapping.status_code == 201, mapping.text
    connector = await client.post("/v1/connectors", headers=world.brand_ops.headers, json={
        "name": "workshop-api", "kind": "capacity_pull", "url": "https://workshop.brand.example/capacity",
        "mapping": {"items": "$.slots", "key": "$.id", "fields": {"process": "$.p", "window_start": "$.a", "window_end": "$.b",
                                                                  "capacity_per_day": "$.q", "unit_price_minor": "$.price", "resource_code": "$.line"},
                    "defaults": {"currency": "CNY"}}})
    assert connector.status_code == 201, connector.text
    ctx.ids.update({"endpoint": endpoint_id, "delivery": str(delivery), "mapping": mapping.json()["id"], "connector": connector.json()["id"]})
    await _seed_catenax(ctx)


async def _seed_catenax(ctx: Ctx) -> None:
    """The brand's Catena-X material demand naming the partner factory as supplier; each
    attacking buyer has mapped a BPNL of its own, so that its own import succeeds."""
    client, world = ctx.client, ctx.world
    for member, bpnl, ref in ((world.brand, VICTIM_BPNL, world.brand.org_id), (world.brand, PARTNER_BPNL, world.partner.org_id),
                              (world.other_buyer, ATTACKER_BPNL, world.other_buyer.org_id), (world.outsider, ATTACKER_BPNL, world.outsider.org_id)):
        mapped = await client.post("/v1/code-mappings", headers=member.headers, json={
            "system": "catenax", "kind": "organisation", "external_code": bpnl, "master_ref": str(ref)})
        assert mapped.status_code == 201, mapped.text
    imported = await client.post("/v1/catenax/material-demands", headers=world.brand.headers, json=_demand(VICTIM_BPNL))
    assert imported.status_code == 201, imported.text
    ctx.ids["material_demand"] = imported.json()["demand"]["id"]


VICTIM_BPNL, PARTNER_BPNL, ATTACKER_BPNL = "BPNL000000000VC1", "BPNL000000000PT1", "BPNL000000000AT1"


def _demand(customer: str) -> dict:
    monday = date.today() - timedelta(days=date.today().weekday()) + timedelta(weeks=1)
    return {"materialDemandId": "5d0c7a1e-2b3f-4c5d-8e9f-0a1b2c3d4e5f", "customer": customer, "supplier": PARTNER_BPNL,
            "materialNumberCustomer": "TEE-1", "materialDescriptionCustomer": "tee", "changedAt": "2026-12-01T00:00:00Z",
            "unitOfMeasure": "unit:piece", "unitOfMeasureIsOmitted": False, "materialDemandIsInactive": False,
            "demandSeries": [{"customerLocation": "BPNS000000000VC1", "demandCategory": {"demandCategoryCode": "0001"},
                              "demands": [{"pointInTime": monday.isoformat(), "demand": 100}]}]}


def _rows() -> dict:
    return {"rows": [{"reference": "IMPORT-ATTACK", "product": "tee", "process": "screen_printing", "quantity": 5,
                      "due_at": future(30), "currency": "CNY"}]}


CASES: dict[tuple[str, str], Case] = {
    ("GET", "/v1/webhook-event-types"): Case("absent", EVERYONE, lambda c: Request("/v1/webhook-event-types")),
    ("POST", "/v1/webhooks"): Case("own", EVERYONE, lambda c: Request("/v1/webhooks", {
        "url": "https://attacker.example/hooks", "event_types": ["allocation.accepted"]})),
    ("GET", "/v1/webhooks"): Case("absent", EVERYONE, lambda c: Request("/v1/webhooks")),
    ("GET", "/v1/webhooks/{endpoint_id:uuid}"): Case("404", EVERYONE, lambda c: Request(f"/v1/webhooks/{c.ids['endpoint']}")),
    ("PATCH", "/v1/webhooks/{endpoint_id:uuid}"): Case("404", EVERYONE, lambda c: Request(f"/v1/webhooks/{c.ids['endpoint']}", {
        "url": "https://attacker.example/steal"})),
    ("DELETE", "/v1/webhooks/{endpoint_id:uuid}"): Case("404", EVERYONE, lambda c: Request(f"/v1/webhooks/{c.ids['endpoint']}")),
    ("GET", "/v1/webhooks/{endpoint_id:uuid}/deliveries"): Case("404", EVERYONE, lambda c: Request(f"/v1/webhooks/{c.ids['endpoint']}/deliveries")),
    ("GET", "/v1/webhook-deliveries/{delivery_id:uuid}"): Case("404", EVERYONE, lambda c: Request(f"/v1/webhook-deliveries/{c.ids['delivery']}")),
    ("POST", "/v1/webhook-deliveries/{delivery_id:uuid}/replay"): Case("404", EVERYONE, lambda c: Request(
        f"/v1/webhook-deliveries/{c.ids['delivery']}/replay")),
    # An import acts only as the caller (its rows name no foreign ids that resolve).
    ("POST", "/v1/exchange/{kind:str}/import"): Case("own", BUYERS, lambda c: Request("/v1/exchange/orders/import", _rows())),
    ("GET", "/v1/exchange/{kind:str}/export"): Case("absent", EVERYONE, lambda c: Request("/v1/exchange/orders/export")),
    ("POST", "/v1/code-mappings"): Case("404", FACTORIES, lambda c: Request("/v1/code-mappings", {
        "system": "erp", "kind": "resource", "external_code": "STOLEN", "master_ref": c.ids["resource"]})),
    ("GET", "/v1/code-mappings"): Case("absent", EVERYONE, lambda c: Request("/v1/code-mappings")),
    ("DELETE", "/v1/code-mappings/{mapping_id:uuid}"): Case("404", EVERYONE, lambda c: Request(f"/v1/code-mappings/{c.ids['mapping']}")),
    ("POST", "/v1/connectors"): Case("own", FACTORIES, lambda c: Request("/v1/connectors", {
        "name": "attacker-mes", "kind": "mes_push", "url": "https://mes.attacker.example/push"})),
    ("GET", "/v1/connectors"): Case("absent", FACTORIES, lambda c: Request("/v1/connectors")),
    ("POST", "/v1/connectors/{connector_id:uuid}/run"): Case("404", FACTORIES, lambda c: Request(f"/v1/connectors/{c.ids['connector']}/run")),
    ("GET", "/v1/orders/{order_id:uuid}/events"): Case("404", EVERYONE, lambda c: Request(
        f"/v1/orders/{c.ids['order']}/events", params={"follow": "false"})),
    # The victim's materialDemandId under the attacker's own BPNL: a demand of the attacker's, the victim's untouched.
    ("POST", "/v1/catenax/material-demands"): Case("own", BUYERS, lambda c: Request("/v1/catenax/material-demands", _demand(ATTACKER_BPNL))),
    ("GET", "/v1/catenax/material-demands"): Case("absent", EVERYONE, lambda c: Request("/v1/catenax/material-demands")),
    ("GET", "/v1/catenax/material-demands/{demand_id:uuid}"): Case("404", EVERYONE, lambda c: Request(
        f"/v1/catenax/material-demands/{c.ids['material_demand']}")),
    # A factory exports its own capacity only: there is no factory to name.
    ("GET", "/v1/catenax/capacity-groups"): Case("absent", FACTORIES, lambda c: Request("/v1/catenax/capacity-groups")),
    ("GET", "/v1/catenax/comparison"): Case("absent", EVERYONE, lambda c: Request("/v1/catenax/comparison")),
}

GRAPHQL_CASES: dict[str, object] = {}
