"""GraphQL limits and error shape: depth, aliases, page size, codes; a failed mutation commits nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from capool.db import create_session_factory
from marketplace.models import Order
from tests.conftest import World, place


async def _gql(client, world: World, query: str, variables: dict | None = None) -> dict:  # type: ignore[no-untyped-def]
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=world.brand.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_depth_limit_rejects_deep_queries(client, world: World) -> None:
    deep = "{ orders { items { allocations { order { allocations { order { allocations { order { allocations { order { id } } } } } } } } } } }"
    result = await _gql(client, world, deep)
    assert result["data"] is None and "exceeds maximum operation depth" in result["errors"][0]["message"]


async def test_alias_limit(client, world: World) -> None:
    query = "{ " + " ".join(f"a{i}: orders {{ items {{ id }} }}" for i in range(25)) + " }"
    result = await _gql(client, world, query)
    assert result["data"] is None and "aliases" in result["errors"][0]["message"].lower()


async def test_page_size_and_not_found_carry_codes(client, world: World) -> None:
    result = await _gql(client, world, "{ orders(first: 1000) { items { id } } }")
    assert result["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    result = await _gql(client, world, 'query { order(id: "01a20000-0000-7000-8000-000000000000") { id } }')
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_mutation_error_commits_nothing_even_beside_a_successful_one(client, db, world: World) -> None:
    await place(client, world.brand, quantity=5)
    mutation = """mutation($ok: PlaceOrderInput!, $bad: PlaceOrderInput!) {
        ok: placeOrder(input: $ok) { order { id } errors { code } }
        bad: placeOrder(input: $bad) { order { id } errors { code field } } }"""
    base = {"product": "tee", "process": "screen_printing", "dueAt": "2099-01-01T00:00:00+00:00", "currency": "CNY"}
    result = await _gql(client, world, mutation, {"ok": {**base, "reference": "OK-1", "quantity": 5}, "bad": {**base, "reference": "BAD-1", "quantity": -1}})
    assert result["data"]["ok"]["errors"] == [] and result["data"]["bad"]["errors"][0]["code"] == "INVALID_INPUT"
    async with create_session_factory(db)() as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 1  # only the REST order; the request rolled back
