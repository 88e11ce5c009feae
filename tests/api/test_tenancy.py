"""Organisation A cannot read or change organisation B's data, through any REST route or
GraphQL field, and a denied call changes nothing. A key whose scopes leave out the permission
a route or field declares is refused (403) before it changes anything.

The walker enumerates the app's routes and the schema's fields; a route or field without a
case, or without a declared permission, fails the suite, so every new surface must say how it
keeps tenants apart and who may call it."""

from __future__ import annotations

import json
from functools import cache

import pytest
from litestar.exceptions import WebSocketDisconnect

from api.app import create_app
from api.authz import AUTHENTICATED, PERMISSION_OPT
from api.authz import PUBLIC as NO_CREDENTIALS
from api.graphql.permissions import declared_permissions
from api.graphql.schema import build_schema
from capool.db import create_session_factory
from capool.tenancy import service as members
from tests.conftest import Member, World
from tests.forecasting import tenancy_cases as forecasting_cases
from tests.inspection import tenancy_cases as inspection_cases
from tests.integrations import tenancy_cases as integrations_cases
from tests.marketplace import tenancy_cases as marketplace_cases
from tests.matching import tenancy_cases as matching_cases
from tests.outbox import tenancy_cases as outbox_cases
from tests.quality import tenancy_cases as quality_cases
from tests.settlement import tenancy_cases as settlement_cases
from tests.tenancy import Case, Ctx, GraphQLCase, snapshot
from tests.websocket import PROTOCOL, GraphQLSocket, live_app

AREAS = (marketplace_cases, quality_cases, inspection_cases, settlement_cases, integrations_cases, matching_cases, forecasting_cases,
         outbox_cases)
CASES: dict[tuple[str, str], tuple[object, Case]] = {key: (area, case) for area in AREAS for key, case in area.CASES.items()}
GRAPHQL_CASES: dict[str, tuple[object, GraphQLCase]] = {key: (area, case) for area in AREAS for key, case in area.GRAPHQL_CASES.items()}

# Routes with no tenant data: liveness, readiness, metrics (loopback or the metrics token,
# tests/test_observability.py), the OpenAPI document and its viewers.
PUBLIC = {"/health", "/ready", "/metrics"}
# The portal (HTML, session cookies) has its own cross-tenant tests in tests/portal; /assets
# serves the viewers' vendored scripts (api/viewers.py).
PUBLIC_PREFIXES = ("/schema", "/portal", "/assets")
GRAPHQL_PATH = "/graphql"


@cache
def _declared_routes() -> dict[tuple[str, str], tuple[str, ...] | None]:
    """Every API route and the permission its handler declares (`requires(...)` in its opt)."""
    found: dict[tuple[str, str], tuple[str, ...] | None] = {}
    for route in create_app().routes:
        if route.path.startswith(PUBLIC_PREFIXES) or route.path == GRAPHQL_PATH:
            continue
        for handler in getattr(route, "route_handlers", ()):
            for method in handler.http_methods:
                if method not in ("OPTIONS", "HEAD"):
                    found[(method, route.path)] = handler.opt.get(PERMISSION_OPT)
    return found


def _routes() -> set[tuple[str, str]]:
    return {key for key in _declared_routes() if key[1] not in PUBLIC}


@cache
def _declared_fields() -> dict[str, tuple[str, ...] | None]:
    """Every root field and the permission it declares (its @requiresPermission directive)."""
    schema = build_schema()
    return {f"{kind}.{name}": declared_permissions(field.extensions["strawberry-definition"])
            for kind, root in (("Query", schema.query), ("Mutation", schema.mutation), ("Subscription", schema.subscription)) if root is not None
            for name, field in schema._schema.get_type(kind).fields.items()}


def _fields() -> set[str]:
    return set(_declared_fields())


def test_every_route_has_a_case() -> None:
    assert sorted(_routes() - set(CASES)) == [], "routes without a cross-tenant case"
    assert sorted(set(CASES) - _routes()) == [], "cases for routes that no longer exist"


def test_every_graphql_field_has_a_case() -> None:
    assert sorted(_fields() - set(GRAPHQL_CASES)) == [], "GraphQL fields without a cross-tenant case"
    assert sorted(set(GRAPHQL_CASES) - _fields()) == []


def test_every_route_declares_its_permission() -> None:
    assert sorted(key for key, declared in _declared_routes().items() if not declared) == [], "routes without requires(...)"
    assert {key[1] for key, declared in _declared_routes().items() if declared == (NO_CREDENTIALS,)} == PUBLIC


def test_every_portal_page_declares_its_permission() -> None:
    """Portal pages and actions declare theirs with api.portal.access.requires (the signed-in
    person's actor is checked); their cross-tenant cases are in tests/portal."""
    undeclared = sorted((route.path, sorted(handler.http_methods)) for route in create_app().routes
                        if route.path.startswith("/portal") and not route.path.startswith("/portal/static")
                        for handler in getattr(route, "route_handlers", ())
                        if "OPTIONS" not in handler.http_methods and not handler.opt.get(PERMISSION_OPT))
    assert undeclared == [], "portal routes without requires(...)"


def test_every_graphql_field_declares_its_permission() -> None:
    assert sorted(name for name, declared in _declared_fields().items() if not declared) == [], "fields without requires(...)"


async def _key_without(ctx: Ctx, names: tuple[str, ...], permissions: tuple[str, ...]) -> dict[str, str] | None:
    """Headers of a fresh key of a member (an attacker first) whose role grants the declared
    permission, with every scope of that role except the declared ones; None for routes that
    any authenticated member may call."""
    if AUTHENTICATED in permissions:
        return None
    world = ctx.world
    candidates = [getattr(world, n) for n in (*names, *vars(world)) if isinstance(getattr(world, n, None), Member)]
    holder = next(m for m in candidates if any(m.actor.can(p) for p in permissions))
    scopes = sorted(holder.actor.permissions - set(permissions))
    assert scopes, "a key with no scopes is a key with every scope"
    async with create_session_factory(ctx.engine)() as session:
        issued = await members.issue_api_key(session, holder.user_id, "without " + " ".join(permissions), scopes)
        await session.commit()
    return {"Authorization": f"Bearer {issued.token}"}


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

    unscoped = await _key_without(ctx, case.attackers, _declared_routes()[key])
    if unscoped is not None:
        before = await snapshot(db)
        response = await client.request(method, request.path, json=request.json, params=request.params, headers=unscoped)
        assert response.status_code == 403, f"a key without {_declared_routes()[key]}: {response.status_code} {response.text}"
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "permission_denied"
        assert await snapshot(db) == before, "a refused call changed stored data"


SUBSCRIPTION = "Subscription."


@pytest.mark.parametrize("key", sorted(k for k in GRAPHQL_CASES if not k.startswith(SUBSCRIPTION)))
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

    unscoped = await _key_without(ctx, case.attackers, _declared_fields()[key])
    if unscoped is not None:
        before = await snapshot(db)
        response = await client.post(GRAPHQL_PATH, json={"query": query, "variables": variables}, headers=unscoped)
        assert response.status_code == 200, response.text
        body = response.json()
        # A query's refusal is a GraphQL error; a mutation's is its payload's typed error.
        codes = [e["extensions"]["code"] for e in body.get("errors") or []]
        codes += [e["code"] for value in (body.get("data") or {}).values() if isinstance(value, dict) for e in value.get("errors") or []]
        assert codes == ["PERMISSION_DENIED"], f"a key without {_declared_fields()[key]}: {response.text}"
        assert await snapshot(db) == before, "a refused call changed stored data"


@pytest.mark.parametrize("key", sorted(k for k in GRAPHQL_CASES if k.startswith(SUBSCRIPTION)))
async def test_graphql_subscription_keeps_tenants_apart(client, db, world: World, database_url: str, key: str) -> None:
    """Subscriptions over the websocket: no key closes the connection (4403); another tenant's
    row answers an `error` message with NOT_FOUND; a key without the declared permission one
    with PERMISSION_DENIED; none of them changes anything or sees the victim's data."""
    area, case = GRAPHQL_CASES[key]
    ctx = await _seeded(client, world, db, area)
    query, variables = case.query(ctx)
    assert case.expect == "404", "a subscription follows one row: another tenant's answers NOT_FOUND"
    unscoped = await _key_without(ctx, case.attackers, _declared_fields()[key])

    def refusal(app, headers: dict[str, str]) -> dict:  # type: ignore[no-untyped-def]
        with GraphQLSocket.connect(app, headers) as socket:
            socket.subscribe(query, variables)
            message = socket.receive()
        assert message["type"] == "error", message
        return message

    with live_app(database_url) as app:
        with app.websocket_connect(GRAPHQL_PATH, subprotocols=[PROTOCOL]) as anonymous:
            anonymous.send_json({"type": "connection_init", "payload": {}})
            with pytest.raises(WebSocketDisconnect) as closed:
                anonymous.receive_json(timeout=10)
            assert closed.value.code == 4403

        for name in case.attackers:
            before = await snapshot(db)
            message = refusal(app, getattr(world, name).headers)
            assert [e["extensions"]["code"] for e in message["payload"]] == ["NOT_FOUND"], f"{name}: {message}"
            assert await snapshot(db) == before, f"{name}: a denied subscription changed stored data"
            assert _leaks(ctx, json.dumps(message), variables) == [], f"{name} saw the victim's data"

        if unscoped is not None:
            before = await snapshot(db)
            message = refusal(app, unscoped)
            assert [e["extensions"]["code"] for e in message["payload"]] == ["PERMISSION_DENIED"], message
            assert await snapshot(db) == before, "a refused subscription changed stored data"
