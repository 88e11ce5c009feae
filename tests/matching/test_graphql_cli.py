"""matchingPreview / runMatching over GraphQL, and `capool match` on JSON problem files."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import func, select

from capool.cli import main as capool_cli
from capool.db import create_session_factory
from matching.models import MatchRun
from tests.conftest import place, publish

PREVIEW = """query($input: MatchingInput) { matchingPreview(input: $input) {
  status objective bound needsApproval plan { orderId offerId quantity backups explanation } unassigned } }"""
RUN = """mutation($input: MatchingInput) { runMatching(input: $input) { run { id status plan { offerId quantity } } errors { code message field } } }"""


async def test_graphql_preview_and_run(client, world, db):
    offer = await publish(client, world.floating, price=300)
    order = await place(client, world.brand, quantity=80)
    body = (await client.post("/graphql", json={"query": PREVIEW, "variables": {"input": {"timeLimitS": 2}}}, headers=world.brand.headers)).json()
    assert "errors" not in body, body
    preview = body["data"]["matchingPreview"]
    assert preview["status"] == "OPTIMAL"
    assert preview["plan"] == [{"orderId": order["id"], "offerId": offer["id"], "quantity": 80, "backups": [], "explanation": preview["plan"][0]["explanation"]}]
    assert "only 0 alternative qualified offer(s)" in preview["plan"][0]["explanation"]["risks"]
    run = (await client.post("/graphql", json={"query": RUN, "variables": {"input": {"timeLimitS": 2}}}, headers=world.brand.headers)).json()
    assert run["data"]["runMatching"]["errors"] == []
    assert run["data"]["runMatching"]["run"]["plan"] == [{"offerId": offer["id"], "quantity": 80}]


async def test_graphql_bad_input_and_foreign_order_commit_nothing(client, world, db):
    order = await place(client, world.brand, quantity=80)
    bad = (await client.post("/graphql", json={"query": RUN, "variables": {"input": {"timeLimitS": 0}}}, headers=world.brand.headers)).json()
    assert bad["data"]["runMatching"]["run"] is None and bad["data"]["runMatching"]["errors"][0]["field"] == "/input/time_limit_s"
    foreign = (await client.post("/graphql", json={"query": RUN, "variables": {"input": {"orderIds": [order["id"]]}}}, headers=world.other_buyer.headers)).json()
    assert foreign["data"]["runMatching"]["errors"][0]["code"] == "NOT_FOUND"
    async with create_session_factory(db)() as session:
        assert await session.scalar(select(func.count()).select_from(MatchRun)) == 0


def _cli(tmp_path, problem: dict, *args: str) -> dict:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(problem))
    result = CliRunner().invoke(capool_cli, ["match", str(path), "--time-limit", "3", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_cli_solves_a_gap_instance_exactly(tmp_path):
    # 2 agents, 4 jobs. Cheapest per job would be a,a,a,b but a holds only 10 (use 4 each):
    # a can take two jobs; savings over b are 8, 6, 2, 3, so j0 and j1 go to a: 1+2+5+4 = 12.
    problem = {
        "orders": [{"id": f"j{t}", "quantity": 1} for t in range(4)],
        "offers": [{"id": "a", "capacity": 10}, {"id": "b", "capacity": 10}],
        "pairs": [
            {"order": "j0", "offer": "a", "cost": 1, "use": 4}, {"order": "j0", "offer": "b", "cost": 9, "use": 4},
            {"order": "j1", "offer": "a", "cost": 2, "use": 4}, {"order": "j1", "offer": "b", "cost": 8, "use": 4},
            {"order": "j2", "offer": "a", "cost": 3, "use": 4}, {"order": "j2", "offer": "b", "cost": 5, "use": 4},
            {"order": "j3", "offer": "a", "cost": 1, "use": 4}, {"order": "j3", "offer": "b", "cost": 4, "use": 4},
        ],
    }
    out = _cli(tmp_path, problem, "--workers", "1")
    assert out["status"] == "OPTIMAL" and out["objective"] == 12 and out["bound"] == 12
    assert sorted((a["order"], a["offer"]) for a in out["assignments"]) == [("j0", "a"), ("j1", "a"), ("j2", "b"), ("j3", "b")]
    assert out["unassigned"] == []


def test_cli_reports_infeasible_and_bad_files(tmp_path):
    problem = {"orders": [{"id": "j0", "quantity": 1}], "offers": [{"id": "a", "capacity": 3}], "pairs": [{"order": "j0", "offer": "a", "cost": 1, "use": 5}]}
    out = _cli(tmp_path, problem)
    assert out["status"] == "INFEASIBLE" and out["unassigned"] == ["j0"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"orders": [{"id": "j0", "quantity": 0}], "offers": [], "pairs": []}))
    result = CliRunner().invoke(capool_cli, ["match", str(path)])
    assert result.exit_code == 2 and "/orders/0/quantity" in result.output
