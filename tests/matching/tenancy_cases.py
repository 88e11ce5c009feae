"""Cross-tenant cases for matching (see tests/tenancy.py): the victim brand's order and its
stored run are out of reach of every other organisation."""

from __future__ import annotations

from tests.conftest import place
from tests.tenancy import Case, Ctx, GraphQLCase, Request

BUYERS = ("other_buyer", "outsider")


async def seed(ctx: Ctx) -> None:
    order = await place(ctx.client, ctx.world.brand, quantity=20)
    run = await ctx.client.post("/v1/matching/runs", headers=ctx.world.brand.headers, json={"order_ids": [order["id"]], "time_limit_s": 1})
    assert run.status_code == 201, run.text
    ctx.ids.update({"match_order": order["id"], "match_order_ref": order["reference"], "match_run": run.json()["id"]})


def _body(c: Ctx) -> dict:
    return {"order_ids": [c.ids["match_order"]], "time_limit_s": 1}


CASES: dict[tuple[str, str], Case] = {
    ("POST", "/v1/matching/preview"): Case("404", BUYERS, lambda c: Request("/v1/matching/preview", _body(c))),
    ("POST", "/v1/matching/runs"): Case("404", BUYERS, lambda c: Request("/v1/matching/runs", _body(c))),
    ("GET", "/v1/matching/runs"): Case("absent", BUYERS, lambda c: Request("/v1/matching/runs")),
    ("GET", "/v1/matching/runs/{run_id:uuid}"): Case("404", BUYERS, lambda c: Request(f"/v1/matching/runs/{c.ids['match_run']}")),
    ("POST", "/v1/matching/runs/{run_id:uuid}/apply"): Case("404", BUYERS, lambda c: Request(f"/v1/matching/runs/{c.ids['match_run']}/apply")),
    # Approving needs matching:approve, which org admins hold.
    ("POST", "/v1/matching/runs/{run_id:uuid}/approve"): Case("404", ("outsider",), lambda c: Request(f"/v1/matching/runs/{c.ids['match_run']}/approve")),
}

GRAPHQL_CASES: dict[str, GraphQLCase] = {
    "Query.matchingPreview": GraphQLCase("404", BUYERS, lambda c: (
        "query($ids: [UUID!]) { matchingPreview(input: {orderIds: $ids, timeLimitS: 1}) { valueMinor } }", {"ids": [c.ids["match_order"]]})),
    "Query.matchingRun": GraphQLCase("404", BUYERS, lambda c: ("query($id: UUID!) { matchingRun(id: $id) { id } }", {"id": c.ids["match_run"]})),
    "Mutation.runMatching": GraphQLCase("404", BUYERS, lambda c: (
        "mutation($ids: [UUID!]) { runMatching(input: {orderIds: $ids, timeLimitS: 1}) { run { id } errors { code } } }", {"ids": [c.ids["match_order"]]})),
    "Mutation.applyMatchingRun": GraphQLCase("404", BUYERS, lambda c: (
        "mutation($id: UUID!) { applyMatchingRun(id: $id) { run { id status } errors { code } } }", {"id": c.ids["match_run"]})),
    # Approving needs matching:approve, which org admins hold.
    "Mutation.approveMatchingRun": GraphQLCase("404", ("outsider",), lambda c: (
        "mutation($id: UUID!) { approveMatchingRun(id: $id) { run { id status } errors { code } } }", {"id": c.ids["match_run"]})),
}
