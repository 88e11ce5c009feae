"""GraphQL parity for what partners do (issue 17): a whole allocation's life over GraphQL
alone (plan, accept, progress, lot, order moves), a large manual plan approved by two org
admins and applied, enum types for statuses, Relay-style connections, and typed errors."""

from __future__ import annotations

import pytest

from capool.db import create_session_factory
from capool.tenancy.models import OrgKind, Role
from marketplace import allocations as marketplace_allocations
from matching import service as matching_service
from tests.conftest import Member, World, _member, place, publish

THRESHOLD = 100_000


async def gql(client, member: Member, query: str, variables: dict | None = None) -> dict:  # type: ignore[no-untyped-def]
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=member.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]


PLAN = """mutation($items: [PlanItemInput!]!) { submitAllocationPlan(items: $items) {
    allocations { id status tier } runId errors { code field message } } }"""
RESPOND = """mutation($id: UUID!, $accept: Boolean!, $reason: String) { respondToAllocation(allocationId: $id, accept: $accept, reason: $reason) {
    allocation { id status } errors { code message } } }"""
PROGRESS = """mutation($id: UUID!, $input: ProgressInput!) { reportProgress(allocationId: $id, input: $input) {
    progress { step quantity operation } errors { code message } } }"""
MOVE = """mutation($id: UUID!, $to: OrderStatus!) { transitionOrder(orderId: $id, to: $to) { order { id status } errors { code message } } }"""


async def test_an_allocation_from_plan_to_lot_over_graphql_only(client, world: World) -> None:
    offer = await publish(client, world.partner, per_day=100, days=10, price=200)
    order = await place(client, world.brand, quantity=60)

    planned = (await gql(client, world.brand, PLAN, {"items": [{"orderId": order["id"], "offerId": offer["id"], "quantity": 60}]}))["submitAllocationPlan"]
    assert planned["errors"] == [] and planned["runId"] is None
    [allocation] = planned["allocations"]
    assert (allocation["status"], allocation["tier"]) == ("PROPOSED", "PARTNER")  # the brand contracts this factory

    # Progress before acceptance is refused with a typed code, and nothing is recorded.
    early = (await gql(client, world.partner, PROGRESS, {"id": allocation["id"], "input": {
        "operation": "screen_printing", "step": "SCAN", "quantity": 60, "operator": "li.na"}}))["reportProgress"]
    assert early["progress"] is None and [e["code"] for e in early["errors"]] == ["NOT_ACCEPTED"]

    accepted = (await gql(client, world.partner, RESPOND, {"id": allocation["id"], "accept": True}))["respondToAllocation"]
    assert accepted == {"allocation": {"id": allocation["id"], "status": "ACCEPTED"}, "errors": []}
    again = (await gql(client, world.partner, RESPOND, {"id": allocation["id"], "accept": False, "reason": "changed my mind"}))["respondToAllocation"]
    assert again["allocation"] is None and again["errors"][0]["code"] == "ALREADY_ANSWERED"

    for step in ("SCAN", "DONE", "CONFIRM"):
        reported = (await gql(client, world.partner, PROGRESS, {"id": allocation["id"], "input": {
            "operation": "screen_printing", "step": step, "quantity": 60, "operator": "li.na"}}))["reportProgress"]
        assert reported == {"progress": {"step": step, "quantity": 60, "operation": "screen_printing"}, "errors": []}

    status = await gql(client, world.brand, "query($id: UUID!) { order(id: $id) { status allocations { status } } }", {"id": order["id"]})
    assert status["order"]["status"] == "IN_PRODUCTION" and status["order"]["allocations"] == [{"status": "ACCEPTED"}]

    lot = (await gql(client, world.partner, """mutation($i: OpenLotInput!) { openInspectionLot(input: $i) { lot { id allocationId } errors { code field } } }""",
                     {"i": {"allocationId": allocation["id"], "quantity": 60}}))["openInspectionLot"]
    assert lot["errors"] == [] and lot["lot"]["allocationId"] == allocation["id"]
    too_many = (await gql(client, world.partner, """mutation($i: OpenLotInput!) { openInspectionLot(input: $i) { lot { id } errors { code } } }""",
                          {"i": {"allocationId": allocation["id"], "quantity": 1}}))["openInspectionLot"]
    assert too_many["lot"] is None and too_many["errors"] and too_many["errors"][0]["code"] != "PERMISSION_DENIED"

    # The buyer cannot skip inspection, nor settle by itself; the errors are typed.
    wrong = (await gql(client, world.brand, MOVE, {"id": order["id"], "to": "DELIVERED"}))["transitionOrder"]
    assert wrong["order"] is None and wrong["errors"][0]["code"] == "ILLEGAL_TRANSITION"
    not_theirs = (await gql(client, world.brand, MOVE, {"id": order["id"], "to": "SETTLED"}))["transitionOrder"]
    assert not_theirs["order"] is None and not_theirs["errors"][0]["code"] == "PERMISSION_DENIED"


async def test_withdrawing_and_changing_an_offer_over_graphql(client, world: World) -> None:
    offer = await publish(client, world.partner, per_day=100, days=10, price=200)
    order = await place(client, world.brand, quantity=30)
    planned = (await gql(client, world.brand, PLAN, {"items": [{"orderId": order["id"], "offerId": offer["id"], "quantity": 30}]}))["submitAllocationPlan"]
    [allocation] = planned["allocations"]

    below = (await gql(client, world.partner, """mutation($id: UUID!) { changeOffer(offerId: $id, input: {capacityPerDay: 0}) {
        offer { id } errors { code field } } }""", {"id": offer["id"]}))["changeOffer"]
    assert below["offer"] is None and below["errors"][0]["code"] == "INVALID_INPUT" and below["errors"][0]["field"] == "/input/capacity_per_day"
    repriced = (await gql(client, world.partner, """mutation($id: UUID!) { changeOffer(offerId: $id, input: {unitPriceMinor: 250, visibility: PARTNERS}) {
        offer { unitPriceMinor visibility status } errors { code } } }""", {"id": offer["id"]}))["changeOffer"]
    assert repriced == {"offer": {"unitPriceMinor": 250, "visibility": "PARTNERS", "status": "ACTIVE"}, "errors": []}

    withdrawn = (await gql(client, world.partner, """mutation($id: UUID!) { withdrawOffer(offerId: $id, reason: "machine broke") {
        offer { status } affectedAllocationIds errors { code } } }""", {"id": offer["id"]}))["withdrawOffer"]
    assert withdrawn == {"offer": {"status": "WITHDRAWN"}, "affectedAllocationIds": [allocation["id"]], "errors": []}


@pytest.fixture
def threshold(monkeypatch):
    monkeypatch.setattr(matching_service, "matching_settings", lambda: matching_service.MatchingSettings(approval_value_minor=THRESHOLD, default_time_limit_s=2))
    monkeypatch.setattr(marketplace_allocations, "approval_value_minor", lambda: THRESHOLD)


async def test_a_large_plan_waits_for_two_approvals_then_applies_over_graphql(client, db, world: World, threshold) -> None:
    async with create_session_factory(db)() as session:
        first = await _member(session, world.alliance_id, "Brand", OrgKind.BOTH, Role.ORG_ADMIN, world.brand.org_id)
        second = await _member(session, world.alliance_id, "Brand", OrgKind.BOTH, Role.ORG_ADMIN, world.brand.org_id)
        await session.commit()
    offer = await publish(client, world.floating, per_day=100, days=10, price=3_000)
    order = await place(client, world.brand, quantity=100)

    planned = (await gql(client, world.brand, PLAN, {"items": [{"orderId": order["id"], "offerId": offer["id"], "quantity": 100}]}))["submitAllocationPlan"]
    assert planned["allocations"] == [] and planned["errors"] == [] and planned["runId"]
    run_id = planned["runId"]
    apply = """mutation($id: UUID!) { applyMatchingRun(id: $id) { run { status } errors { code } } }"""
    approve = """mutation($id: UUID!) { approveMatchingRun(id: $id) { run { status planDigest } errors { code } } }"""

    early = (await gql(client, world.brand, apply, {"id": run_id}))["applyMatchingRun"]
    assert early["run"] is None and early["errors"][0]["code"] == "APPROVAL_REQUIRED"
    # The requester holds no matching:approve; the refusal is typed.
    self_approval = (await gql(client, world.brand, approve, {"id": run_id}))["approveMatchingRun"]
    assert [e["code"] for e in self_approval["errors"]] == ["PERMISSION_DENIED"]

    one = (await gql(client, first, approve, {"id": run_id}))["approveMatchingRun"]
    assert one["errors"] == [] and one["run"]["status"] == "AWAITING_APPROVAL"
    twice = (await gql(client, first, approve, {"id": run_id}))["approveMatchingRun"]
    assert twice["errors"][0]["code"] == "ALREADY_APPROVED"
    two = (await gql(client, second, approve, {"id": run_id}))["approveMatchingRun"]
    assert two["errors"] == [] and two["run"]["status"] == "APPROVED"

    applied = (await gql(client, world.brand, apply, {"id": run_id}))["applyMatchingRun"]
    assert applied == {"run": {"status": "APPLIED"}, "errors": []}
    allocations = await gql(client, world.brand, "query($id: UUID) { allocations(orderId: $id) { items { quantity status } } }", {"id": order["id"]})
    assert allocations["allocations"]["items"] == [{"quantity": 100, "status": "PROPOSED"}]


async def test_connections_are_relay_style_and_page_through_everything(client, world: World) -> None:
    placed = [(await place(client, world.brand, quantity=1))["id"] for _ in range(5)]
    query = """query($after: String) { orders(first: 2, after: $after, status: SUBMITTED) {
        items { id } edges { cursor node { id status } } pageInfo { hasNextPage endCursor } nextCursor } }"""
    seen, after, pages = [], None, 0
    while True:
        page = (await gql(client, world.brand, query, {"after": after}))["orders"]
        pages += 1
        assert [e["node"]["id"] for e in page["edges"]] == [i["id"] for i in page["items"]]
        assert all(e["node"]["status"] == "SUBMITTED" for e in page["edges"])
        assert page["pageInfo"]["endCursor"] == page["nextCursor"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == placed and pages == 3
    # An edge's cursor continues right after its node.
    first_page = (await gql(client, world.brand, query, {"after": None}))["orders"]
    after_first = (await gql(client, world.brand, query, {"after": first_page["edges"][0]["cursor"]}))["orders"]
    assert [e["node"]["id"] for e in after_first["edges"]] == placed[1:3]


async def test_an_unknown_enum_value_is_refused_by_the_schema(client, world: World) -> None:
    order = await place(client, world.brand, quantity=1)
    response = await client.post("/graphql", json={"query": MOVE, "variables": {"id": order["id"], "to": "shipped_to_mars"}}, headers=world.brand.headers)
    body = response.json()
    assert body["errors"] and "OrderStatus" in body["errors"][0]["message"]
