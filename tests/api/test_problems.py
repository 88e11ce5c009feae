"""Bad input answers RFC 9457 problem+json with field paths, never a 500."""

from __future__ import annotations

from tests.conftest import World


async def test_schema_errors_name_the_field(client, world: World) -> None:
    response = await client.post("/v1/orders", headers=world.brand.headers, json={
        "reference": "R", "product": "p", "process": "screen_printing", "quantity": 0, "due_at": "2099-01-01T00:00:00Z", "currency": "CNY"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "invalid_input" and body["errors"][0]["pointer"] == "/quantity"


async def test_nested_field_path(client, world: World) -> None:
    response = await client.post("/v1/allocation-plans", headers=world.brand.headers, json={"items": [{"order_id": "not-a-uuid", "offer_id": "x", "quantity": 1}]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/items/0/order_id"


async def test_malformed_json_is_400(client, world: World) -> None:
    response = await client.post("/v1/orders", headers=world.brand.headers | {"content-type": "application/json"}, content=b"{not json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


async def test_naive_datetime_is_rejected_not_guessed(client, world: World) -> None:
    response = await client.post("/v1/orders", headers=world.brand.headers, json={
        "reference": "R", "product": "p", "process": "screen_printing", "quantity": 5, "due_at": "2099-01-01T00:00:00", "currency": "CNY"})
    assert response.status_code == 422


async def test_unknown_route_and_missing_key(client, world: World) -> None:
    missing = await client.get("/v1/nowhere", headers=world.brand.headers)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    anonymous = await client.get("/v1/orders")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated"
    forged = await client.get("/v1/orders", headers={"Authorization": "Bearer cpk_000000000000_forged"})
    assert forged.status_code == 401


async def test_revoked_key_stops_working(client, world: World) -> None:
    keys = (await client.get("/v1/api-keys", headers=world.admin.headers)).json()
    assert len(keys) == 1
    revoked = await client.post(f"/v1/api-keys/{keys[0]['id']}/revoke", headers=world.admin.headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert (await client.get("/v1/me", headers=world.admin.headers)).status_code == 401


async def test_role_checks(client, world: World) -> None:
    supplier_orders = await client.post("/v1/orders", headers=world.floating.headers, json={
        "reference": "R", "product": "p", "process": "screen_printing", "quantity": 5, "due_at": "2099-01-01T00:00:00Z", "currency": "CNY"})
    assert supplier_orders.status_code == 403 and "orders:write" in supplier_orders.json()["detail"]
    buyer_sites = await client.post("/v1/sites", headers=world.other_buyer.headers, json={"name": "s", "region": "r"})
    assert buyer_sites.status_code == 403


async def test_page_size_is_capped(client, world: World) -> None:
    response = await client.get("/v1/orders", params={"limit": 5000}, headers=world.brand.headers)
    assert response.status_code in (400, 422)
