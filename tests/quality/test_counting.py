"""What a lot is judged on: nonconforming units for AQLs of percent nonconforming (up to 10),
nonconformities for AQLs per hundred units; and counts checked against the sample."""

from __future__ import annotations

import httpx

from quality import aql
from tests.conftest import World
from tests.quality.test_api import _allocation, _lot
from tests.tenancy import snapshot


def test_judged_counts_pick_units_or_nonconformities_by_the_aql() -> None:
    # Lot 1200, level II: J. Major AQL 1.0 (percent): J n=80, 2/3. Minor AQL 25 (per hundred
    # units): J's row has no plan there, the arrow points up to H, n=50, 21/22.
    lot = aql.lot_plan(1200, {"critical": 0, "major": 1.0, "minor": 25})
    assert (lot.classes["minor"].plan_letter, lot.classes["minor"].sample_size, lot.classes["minor"].ac) == ("H", 50, 21)
    nonconformities, units = {"critical": 0, "major": 5, "minor": 30}, {"critical": 0, "major": 2, "minor": 9}
    assert aql.judged_counts(lot, nonconformities, units) == {"critical": 0, "major": 2, "minor": 30}
    # Five scratches on two units: two nonconforming units, Ac 2: the major class accepts;
    # thirty minor nonconformities exceed Ac 21 per hundred units: the lot is rejected.
    outcome = aql.decide(lot, aql.judged_counts(lot, nonconformities, units))
    assert outcome.per_class == {"critical": "accepted", "major": "accepted", "minor": "rejected"}
    assert aql.decide(lot, aql.judged_counts(lot, {**nonconformities, "minor": 21}, units)).decision == aql.Decision.ACCEPTED
    # AQL 0 (critical) is percent nonconforming: units.
    assert aql.judged_counts(lot, {"critical": 3}, {"critical": 1})["critical"] == 1


async def _report(client: httpx.AsyncClient, world: World, lot_id: str, body: dict) -> httpx.Response:
    return await client.post(f"/v1/quality/lots/{lot_id}/results", headers=world.partner.headers, json=body)


async def test_a_percent_nonconforming_aql_judges_units(client: httpx.AsyncClient, world: World) -> None:
    allocation = await _allocation(client, world)  # order AQL 1.0: major J n=80, Ac 2 Re 3
    lot = await _lot(client, world.partner, allocation["id"])
    decided = await _report(client, world, lot["id"], {
        "defects": [{"defect_class": "misprint", "severity": "major", "count": 3}, {"defect_class": "smudge", "severity": "major", "count": 2}],
        "units": {"major": 2},
    })
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert (body["decision"], body["defects"]["major"], body["units"]["major"]) == ("accepted", 5, 2)

    # Without units every defect is a unit of its own: the same five defects reject.
    other = await _lot(client, world.partner, allocation["id"])
    assert (await _report(client, world, other["id"], {"defects": [{"defect_class": "misprint", "severity": "major", "count": 5}]})).json()["decision"] == "rejected"


async def test_an_aql_per_hundred_units_judges_every_nonconformity(client: httpx.AsyncClient, world: World) -> None:
    allocation = await _allocation(client, world)
    lot = await _lot(client, world.partner, allocation["id"], aqls={"minor": 25})  # H n=50, 21/22 per hundred units
    body = {"defects": [{"defect_class": "lint", "severity": "minor", "count": 22}], "units": {"minor": 4}}
    decided = await _report(client, world, lot["id"], body)
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"] == "rejected"  # 22 nonconformities on 4 units: Re 22


async def test_counts_are_checked_against_the_sample(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    allocation = await _allocation(client, world)
    lot = await _lot(client, world.partner, allocation["id"], aqls={"minor": 25})  # the lot draws 80 units
    assert lot["sample_size"] == 80
    before = await snapshot(db)
    cases = [
        # More nonconforming units than the sample.
        ({"defects": [{"defect_class": "lint", "severity": "minor", "count": 200}], "units": {"minor": 81}}, "/units",
         "the lot would hold 81 nonconforming units, more than its sample of 80"),
        # Defects without units count a unit each: 81 of them cannot fit an 80-unit sample.
        ({"defects": [{"defect_class": "lint", "severity": "minor", "count": 81}]}, "/defects", "send units"),
        # A class's units need at least as many of its defects.
        ({"defects": [{"defect_class": "misprint", "severity": "major", "count": 1}], "units": {"major": 2}}, "/units/major",
         "2 major nonconforming units need at least as many major defects; this report has 1"),
    ]
    for body, pointer, fragment in cases:
        response = await _report(client, world, lot["id"], body)
        assert response.status_code == 422, response.text
        [error] = response.json()["errors"]
        assert error["pointer"] == pointer and fragment in error["detail"], error
    assert await snapshot(db) == before
    # 200 nonconformities on 80 units is a valid report per hundred units.
    fine = await _report(client, world, lot["id"], {"defects": [{"defect_class": "lint", "severity": "minor", "count": 200}], "units": {"minor": 80}})
    assert fine.status_code == 200 and fine.json()["decision"] == "rejected"


async def test_graphql_reports_units(client: httpx.AsyncClient, world: World) -> None:
    allocation = await _allocation(client, world)
    lot = await _lot(client, world.partner, allocation["id"])
    query = """mutation($id: UUID!, $input: InspectionInput!) { recordInspection(lotId: $id, input: $input) {
        lot { decision defects { major } units { major } } errors { code field } } }"""
    variables = {"id": lot["id"], "input": {"defects": [{"defectClass": "misprint", "severity": "major", "count": 4}], "units": {"major": 1}}}
    answer = await client.post("/graphql", headers=world.partner.headers, json={"query": query, "variables": variables})
    assert answer.json()["data"]["recordInspection"] == {"lot": {"decision": "accepted", "defects": {"major": 4}, "units": {"major": 1}}, "errors": []}
