"""Inspection lots over REST and GraphQL: plans, decisions, events, switching, SPC alerts,
scores, tenancy and input errors."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select

from capool.db import create_session_factory
from capool.events import OutboxEvent
from quality import service
from tests.conftest import Member, World, allocate, place, publish
from tests.tenancy import snapshot


async def _allocation(client: httpx.AsyncClient, world: World, *, factory: Member | None = None, aql: float = 1.0, quantity: int = 1200) -> dict:
    factory = factory or world.partner
    offer = await publish(client, factory, per_day=200, days=10)
    order = await place(client, world.brand, quantity=quantity, aql=aql)
    [allocation] = await allocate(client, world.brand, [(order["id"], offer["id"], quantity)])
    accepted = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": True}, headers=factory.headers)
    assert accepted.status_code == 200, accepted.text
    return allocation


async def _lot(client: httpx.AsyncClient, member: Member, allocation_id: str, lot_size: int = 1200, quantity: int = 100, **extra: object) -> dict:
    """A lot presenting `quantity` units of the allocation, sampled as a lot of `lot_size`."""
    response = await client.post("/v1/quality/lots", headers=member.headers,
                                 json={"allocation_id": allocation_id, "quantity": quantity, "lot_size": lot_size, **extra})
    assert response.status_code == 201, response.text
    return response.json()


async def _results(client: httpx.AsyncClient, member: Member, lot_id: str, major: int = 0, minor: int = 0, critical: int = 0, final: bool = True) -> dict:
    defects = [{"defect_class": name, "severity": sev, "count": n}
               for name, sev, n in (("crack", "critical", critical), ("misprint", "major", major), ("lint", "minor", minor)) if n]
    response = await client.post(f"/v1/quality/lots/{lot_id}/results", headers=member.headers, json={"defects": defects, "final": final})
    assert response.status_code == 200, response.text
    return response.json()


async def _events(db, type_: str) -> list[OutboxEvent]:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        return list((await session.execute(select(OutboxEvent).where(OutboxEvent.type == type_).order_by(OutboxEvent.created_at))).scalars())


async def test_plan_endpoint_and_its_422s(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get("/v1/quality/plan", params={"lot_size": 1200, "level": "II", "aql": 1.0}, headers=world.brand.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"code_letter": "J", "plan_letter": "J", "aql": 1.0, "severity": "normal", "sample_size": 80, "ac": 2, "re": 3,
                               "hundred_percent": False}
    tightened = await client.get("/v1/quality/plan", params={"lot_size": 1200, "aql": 1.0, "severity": "tightened"}, headers=world.partner.headers)
    assert (tightened.json()["ac"], tightened.json()["re"]) == (1, 2)
    for params, pointer in (({"lot_size": 1200, "aql": 1.1}, "/aql"), ({"lot_size": 1, "aql": 1.0}, "/lot_size"),
                            ({"lot_size": 1200, "aql": 1.0, "level": "IV"}, "/level"), ({"lot_size": "many", "aql": 1.0}, "lot_size")):
        bad = await client.get("/v1/quality/plan", params=params, headers=world.brand.headers)
        assert bad.status_code == 422, bad.text
        assert bad.headers["content-type"].startswith("application/problem+json")
        assert pointer in bad.json()["errors"][0]["pointer"], bad.json()


async def test_accepted_lot_emits_the_decision_for_settlement(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    allocation = await _allocation(client, world)
    lot = await _lot(client, world.partner, allocation["id"])
    assert (lot["severity"], lot["sample_size"], lot["aqls"]) == ("normal", 80, {"critical": 0.0, "major": 1.0, "minor": 4.0})
    assert lot["plan"]["classes"]["major"]["ac"] == 2 and lot["plan"]["classes"]["minor"]["ac"] == 7
    assert lot["decision"] is None

    partial = await _results(client, world.partner, lot["id"], major=1, final=False)
    assert (partial["decision"], partial["defects"]) == (None, {"critical": 0, "major": 1, "minor": 0})
    decided = await _results(client, world.partner, lot["id"], major=1, minor=7)
    assert decided["decision"] == "accepted"
    assert decided["defects"] == {"critical": 0, "major": 2, "minor": 7}
    assert decided["defect_classes"] == {"misprint": {"severity": "major", "count": 2}, "lint": {"severity": "minor", "count": 7}}

    [event] = await _events(db, "quality.lot_decided")
    assert event.payload == {
        "lot_id": lot["id"], "order_id": allocation["order_id"], "allocation_id": allocation["id"],
        "factory_org_id": str(world.partner.org_id), "buyer_org_id": str(world.brand.org_id), "decision": "accepted",
        "quantity": 100, "sample_size": 80, "defects": {"critical": 0, "major": 2, "minor": 7},
        "units": {"critical": 0, "major": 2, "minor": 7},
    }
    again = await client.post(f"/v1/quality/lots/{lot['id']}/results", headers=world.partner.headers, json={"defects": []})
    assert again.status_code == 409


async def test_one_critical_defect_rejects(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    allocation = await _allocation(client, world)
    lot = await _lot(client, world.partner, allocation["id"])
    assert (await _results(client, world.partner, lot["id"], critical=1))["decision"] == "rejected"
    [event] = await _events(db, "quality.lot_decided")
    assert event.payload["decision"] == "rejected"


async def test_two_rejections_switch_the_supplier_to_tightened(client: httpx.AsyncClient, world: World) -> None:
    allocation = await _allocation(client, world)
    first = await _lot(client, world.partner, allocation["id"])
    await _results(client, world.partner, first["id"], major=3)
    second = await _lot(client, world.partner, allocation["id"])
    assert second["severity"] == "normal"
    await _results(client, world.partner, second["id"], major=3)
    third = await _lot(client, world.partner, allocation["id"])
    assert third["severity"] == "tightened"
    assert (third["plan"]["classes"]["major"]["ac"], third["plan"]["classes"]["major"]["re"]) == (1, 2)
    # Same supplier, same product, different order: the state follows the supplier x product.
    other = await _allocation(client, world)
    assert (await _lot(client, world.partner, other["id"]))["severity"] == "tightened"
    # Another supplier of the same product is still on normal inspection.
    floating = await _allocation(client, world, factory=world.floating)
    assert (await _lot(client, world.floating, floating["id"]))["severity"] == "normal"


async def test_out_of_control_lot_raises_an_spc_alert(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    allocation = await _allocation(client, world)
    for major in (0, 0, 0, 0, 0):
        lot = await _lot(client, world.partner, allocation["id"])
        await _results(client, world.partner, lot["id"], major=major)
    assert await _events(db, "quality.spc_alert") == []
    lot = await _lot(client, world.partner, allocation["id"])
    await _results(client, world.partner, lot["id"], major=3)
    [alert] = await _events(db, "quality.spc_alert")
    assert alert.payload["lot_id"] == lot["id"] and 1 in alert.payload["rules"]
    assert alert.payload["value"] == 3 / 80

    chart = await client.get("/v1/quality/spc", params={"process": "screen_printing", "factory": str(world.partner.org_id)}, headers=world.brand.headers)
    assert chart.status_code == 200, chart.text
    body = chart.json()
    assert len(body["p_chart"]["points"]) == 6 and body["p_chart"]["in_control"] is False
    assert body["p_chart"]["centre"] == 3 / 480
    assert body["c_chart"]["centre"] == 0.5
    hidden = await client.get("/v1/quality/spc", params={"process": "screen_printing", "factory": str(world.partner.org_id)}, headers=world.other_buyer.headers)
    assert hidden.status_code == 200 and hidden.json()["p_chart"] is None and hidden.json()["lot_ids"] == []
    missing = await client.get("/v1/quality/spc", headers=world.brand.headers)
    assert missing.status_code == 422


async def test_a_rejected_lot_lowers_the_score_matching_reads(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    allocation = await _allocation(client, world)
    for _ in range(3):
        lot = await _lot(client, world.partner, allocation["id"])
        await _results(client, world.partner, lot["id"])
    async with create_session_factory(db)() as session:
        before = await service.supplier_scores(session, world.alliance_id, "screen_printing")
    lot = await _lot(client, world.partner, allocation["id"])
    await _results(client, world.partner, lot["id"], major=12)
    async with create_session_factory(db)() as session:
        after = await service.supplier_scores(session, world.alliance_id, "screen_printing")
        elsewhere = await service.supplier_scores(session, uuid.uuid4())
    key = (world.partner.org_id, "screen_printing")
    assert set(before) == {key}
    assert 0 <= after[key] < before[key] <= 1
    assert elsewhere == {}

    mine = await client.get("/v1/quality/scores", params={"process": "screen_printing"}, headers=world.brand.headers)
    assert mine.status_code == 200
    [row] = mine.json()
    assert (row["org_id"], row["lots"]) == (str(world.partner.org_id), 4)
    assert row["score"] == pytest.approx(after[key], abs=1e-6)  # same lots, a moment later
    assert (await client.get("/v1/quality/scores", headers=world.other_buyer.headers)).json() == []
    assert (await client.get("/v1/quality/scores", headers=world.outsider.headers)).json() == []


async def test_lots_are_visible_to_buyer_and_factory_only(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    allocation = await _allocation(client, world)
    lot = await _lot(client, world.partner, allocation["id"])
    for member in (world.partner, world.brand):
        assert (await client.get(f"/v1/quality/lots/{lot['id']}", headers=member.headers)).status_code == 200
    for member in (world.floating, world.other_buyer, world.outsider):
        response = await client.get(f"/v1/quality/lots/{lot['id']}", headers=member.headers)
        assert response.status_code == 404, response.text
    before = await snapshot(db)
    for member in (world.floating, world.outsider):
        denied = await client.post(f"/v1/quality/lots/{lot['id']}/results", headers=member.headers,
                                   json={"defects": [{"defect_class": "x", "severity": "critical", "count": 5}]})
        assert denied.status_code == 404, denied.text
        stolen = await client.post("/v1/quality/lots", headers=member.headers, json={"allocation_id": allocation["id"], "quantity": 100})
        assert stolen.status_code == 404, stolen.text
    # The buyer may read the lot but not report on it; the brand's own workshop neither.
    for member in (world.brand, world.brand_ops):
        denied = await client.post(f"/v1/quality/lots/{lot['id']}/results", headers=member.headers, json={"defects": []})
        assert denied.status_code == 403, denied.text
    assert await snapshot(db) == before
    assert (await client.get(f"/v1/quality/lots/{uuid.uuid4()}", headers=world.partner.headers)).status_code == 404


async def test_bad_lot_and_result_input_is_422_with_the_field(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    allocation = await _allocation(client, world)
    cases = [
        ({"allocation_id": allocation["id"], "quantity": 0}, "/quantity"),
        ({"allocation_id": allocation["id"], "quantity": 1}, "/quantity"),
        ({"allocation_id": allocation["id"], "quantity": 1, "lot_size": 1}, "/lot_size"),
        ({"allocation_id": allocation["id"], "quantity": 100, "lot_size": 50}, "/lot_size"),
        ({"allocation_id": allocation["id"], "quantity": 100, "level": "IV"}, "/level"),
        ({"allocation_id": allocation["id"], "quantity": 100, "aqls": {"major": 1.1}}, "/aqls/major"),
        ({"allocation_id": allocation["id"], "quantity": 100, "aqls": {"minor": -1}}, "/aqls/minor"),
        ({"allocation_id": "nope", "quantity": 100}, "/allocation_id"),
    ]
    before = await snapshot(db)
    for body, pointer in cases:
        response = await client.post("/v1/quality/lots", headers=world.partner.headers, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["pointer"] == pointer, response.json()
    missing = await client.post("/v1/quality/lots", headers=world.partner.headers, json={"allocation_id": allocation["id"], "lot_size": 100})
    assert missing.status_code == 422 and "quantity" in missing.json()["errors"][0]["detail"], missing.text
    lot = await _lot(client, world.partner, allocation["id"])
    for defects, pointer in (([{"defect_class": "x", "severity": "fatal", "count": 1}], "/defects/0/severity"),
                             ([{"defect_class": "x", "severity": "major", "count": -1}], "/defects/0/count"),
                             ([{"defect_class": "Bad Name", "severity": "major", "count": 1}], "/defects/0/defect_class")):
        response = await client.post(f"/v1/quality/lots/{lot['id']}/results", headers=world.partner.headers, json={"defects": defects})
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["pointer"] == pointer
    mixed = await client.post(f"/v1/quality/lots/{lot['id']}/results", headers=world.partner.headers, json={"final": False, "defects": [
        {"defect_class": "x", "severity": "major", "count": 1}, {"defect_class": "x", "severity": "minor", "count": 1}]})
    assert mixed.status_code == 422 and mixed.json()["errors"][0]["pointer"] == "/defects/1/severity"
    assert (await client.get(f"/v1/quality/lots/{lot['id']}", headers=world.partner.headers)).json()["defects"]["major"] == 0
    del before


async def test_add_defect_counts_aggregates_into_the_lot(client: httpx.AsyncClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    allocation = await _allocation(client, world)
    lot = await _lot(client, world.partner, allocation["id"])
    async with create_session_factory(db)() as session:
        await service.add_defect_counts(session, world.partner.actor, uuid.UUID(lot["id"]), {"major": 2, "minor": 1})
        await service.add_defect_counts(session, world.partner.actor, uuid.UUID(lot["id"]), {"major": 1})
        await session.commit()
    decided = await _results(client, world.partner, lot["id"])
    assert (decided["defects"], decided["decision"]) == ({"critical": 0, "major": 3, "minor": 1}, "rejected")


async def test_graphql_plan_lot_scores_and_record_inspection(client: httpx.AsyncClient, world: World) -> None:
    allocation = await _allocation(client, world)
    lot = await _lot(client, world.partner, allocation["id"])

    async def gql(member: Member, query: str, variables: dict | None = None) -> dict:
        response = await client.post("/graphql", headers=member.headers, json={"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        return response.json()

    plan = await gql(world.brand, "{ qualityPlan(lotSize: 1200, aql: 1.0) { codeLetter sampleSize ac re } }")
    assert plan["data"]["qualityPlan"] == {"codeLetter": "J", "sampleSize": 80, "ac": 2, "re": 3}
    bad = await gql(world.brand, "{ qualityPlan(lotSize: 1200, aql: 1.3) { ac } }")
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_INPUT" and bad["errors"][0]["extensions"]["fields"] == ["/aql"]

    mutation = """mutation($id: UUID!, $input: InspectionInput!) { recordInspection(lotId: $id, input: $input) {
        lot { id decision defects { major } } errors { code field message } } }"""
    wrong = await gql(world.partner, mutation, {"id": lot["id"], "input": {"defects": [{"defectClass": "x", "severity": "fatal", "count": 1}]}})
    assert wrong["data"]["recordInspection"]["lot"] is None
    assert wrong["data"]["recordInspection"]["errors"][0]["field"] == "/input/defects/0/severity"
    done = await gql(world.partner, mutation, {"id": lot["id"], "input": {"defects": [{"defectClass": "misprint", "severity": "major", "count": 3}]}})
    assert done["data"]["recordInspection"]["lot"] == {"id": lot["id"], "decision": "rejected", "defects": {"major": 3}}

    read = await gql(world.brand, "query($id: UUID!) { qualityLot(id: $id) { decision sampleSize plan } }", {"id": lot["id"]})
    assert read["data"]["qualityLot"]["decision"] == "rejected" and read["data"]["qualityLot"]["plan"]["code_letter"] == "J"
    hidden = await gql(world.other_buyer, "query($id: UUID!) { qualityLot(id: $id) { decision } }", {"id": lot["id"]})
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    scores = await gql(world.brand, '{ supplierScores(process: "screen_printing") { orgId lots score } }')
    assert [(s["orgId"], s["lots"]) for s in scores["data"]["supplierScores"]] == [(str(world.partner.org_id), 1)]


async def test_five_rejections_on_tightened_discontinue_inspection(client: httpx.AsyncClient, world: World) -> None:
    allocation = await _allocation(client, world)
    severities = []
    for _ in range(7):  # 2 rejections on normal switch to tightened; 5 more on tightened discontinue
        lot = await _lot(client, world.partner, allocation["id"])
        severities.append(lot["severity"])
        assert (await _results(client, world.partner, lot["id"], major=5))["decision"] == "rejected"
    assert severities == ["normal"] * 2 + ["tightened"] * 5
    stopped = await client.post("/v1/quality/lots", headers=world.partner.headers, json={"allocation_id": allocation["id"], "quantity": 100, "lot_size": 1200})
    assert stopped.status_code == 409 and stopped.json()["code"] == "inspection_discontinued"
