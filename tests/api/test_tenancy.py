"""Organisation A cannot read or change organisation B's data, through any REST route or
GraphQL field, and a denied call changes nothing.

The walker enumerates the app's routes and the schema's fields; a route or field without a
case fails the suite, so every new surface must say how it keeps tenants apart."""

from __future__ import annotations

import json

import pytest

from api.app import create_app
from api.graphql.schema import build_schema
from tests.conftest import World
from tests.forecasting import tenancy_cases as forecasting_cases
from tests.inspection import tenancy_cases as inspection_cases
from tests.integrations import tenancy_cases as integrations_cases
from tests.marketplace import tenancy_cases as marketplace_cases
from tests.matching import tenancy_cases as matching_cases
from tests.quality import tenancy_cases as quality_cases
from tests.settlement import tenancy_cases as settlement_cases
from tests.tenancy import Case, Ctx, GraphQLCase, snapshot

AREAS = (marketplace_cases, quality_cases, inspection_cases, settlement_cases, integrations_cases, matching_cases, forecasting_cases)
CASES: dict[tuple[str, str], tuple[object, Case]] = {key: (area, case) for area in AREAS for key, case in area.CASES.items()}
GRAPHQL_CASES: dict[str, tuple[object, GraphQLCase]] = {key: (area, case) for area in AREAS for key, case in area.GRAPHQL_CASES.items()}

# Routes with no tenant data: liveness, readiness, the OpenAPI document and its viewers.
PUBLIC = {"/health", "/ready"}
# The portal (HTML, session cookies) has its own cross-tenant tests in tests/portal.
PUBLIC_PREFIXES = ("/schema", "/portal")
GRAPHQL_PATH = "/graphql"


def _routes() -> set[tuple[str, str]]:
    found = set()
    for route in create_app().routes:
        if route.path in PUBLIC or route.path.startswith(PUBLIC_PREFIXES) or route.path == GRAPHQL_PATH:
            continue
        for method in getattr(route, "methods", ()):
            if method not in ("OPTIONS", "HEAD"):
                found.add((method, route.path))
    return found


def _fields() -> set[str]:
    schema = build_schema()
    return {f"{kind}.{name}" for kind, root in (("Query", schema.query), ("Mutation", schema.mutation))
            for name in schema._schema.get_type(kind).fields if root is not None}


def test_every_route_has_a_case() -> None:
    assert sorted(_routes() - set(CASES)) == [], "routes without a cross-tenant case"
    assert sorted(set(CASES) - _routes()) == [], "cases for routes that no longer exist"


def test_every_graphql_field_has_a_case() -> None:
    assert sorted(_fields() - set(GRAPHQL_CASES)) == [], "GraphQL fields without a cross-tenant case"
    assert sorted(set(GRAPHQL_CASES) - _fields()) == []


async def _seeded(client, world: World, db, area) -> Ctx:  # type: ignore[no-untyped-def]
    ctx = Ctx(client, world, db)
    await marketplace_cases.seed(ctx)
    if area is not marketplace_cases:
        await area.seed(ctx)
    return ctx


def _leaks(ctx: Ctx, text: str, asked: object) -> list[str]:
    """The victim's ids in an answer, except those the attacker sent (a 404 may echo them)."""
    sent = json.dumps(asked, default=str)
    return [name for name, value in ctx.ids.items() if value and value in text and value not in sent]


@pytest.mark.parametrize("key", sorted(CASES), ids=lambda k: f"{k[0]} {k[1]}")
async def test_rest_route_keeps_tenants_apart(client, db, world: World, key: tuple[str, str]) -> None:
    area, case = CASES[key]
    method = key[0]
    ctx = await _seeded(client, world, db, area)
    request = case.request(ctx)

    anonymous = await client.request(method, request.path, json=request.json, params=request.params)
    assert anonymous.status_code == 401, anonymous.text

    for name in case.attackers:
        attacker = getattr(world, name)
        before = await snapshot(db)
        response = await client.request(method, request.path, json=request.json, params=request.params, headers=attacker.headers)
        if case.expect == "404":
            assert response.status_code == 404, f"{name}: {response.status_code} {response.text}"
            assert response.headers["content-type"].startswith("application/problem+json")
            assert await snapshot(db) == before, f"{name}: a denied call changed stored data"
        else:
            assert response.status_code < 300, f"{name}: {response.status_code} {response.text}"
            if case.expect == "absent":
                assert await snapshot(db) == before
        assert _leaks(ctx, response.text, [request.path, request.json, request.params]) == [], f"{name} saw the victim's data"


@pytest.mark.parametrize("key", sorted(GRAPHQL_CASES))
async def test_graphql_field_keeps_tenants_apart(client, db, world: World, key: str) -> None:
    area, case = GRAPHQL_CASES[key]
    ctx = await _seeded(client, world, db, area)
    query, variables = case.query(ctx)

    anonymous = await client.post(GRAPHQL_PATH, json={"query": query, "variables": variables})
    assert anonymous.status_code == 401, anonymous.text

    for name in case.attackers:
        attacker = getattr(world, name)
        before = await snapshot(db)
        response = await client.post(GRAPHQL_PATH, json={"query": query, "variables": variables}, headers=attacker.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        if case.expect == "404":
            assert "NOT_FOUND" in json.dumps(body), f"{name}: {body}"
            assert await snapshot(db) == before, f"{name}: a denied call changed stored data"
        else:
            assert not body.get("errors"), f"{name}: {body}"
            assert "errors" not in json.dumps(body.get("data")) or '"errors": []' in json.dumps(body["data"]), body
            if case.expect == "absent":
                assert await snapshot(db) == before
        assert _leaks(ctx, response.text, variables) == [], f"{name} saw the victim's data"
