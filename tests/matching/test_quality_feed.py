"""Quality feeds matching: a supplier's Bayesian score decides whether it qualifies for an
order's minimum quality score, and a rejected lot lowers it at once."""

from __future__ import annotations

from tests.conftest import World, allocate, place, publish


async def _preview(client, world: World, order_id: str) -> dict:  # type: ignore[no-untyped-def]
    response = await client.post("/v1/matching/preview", headers=world.brand.headers, json={"order_ids": [order_id], "time_limit_s": 2})
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_rejected_lot_disqualifies_the_supplier(client, world: World) -> None:
    offer = await publish(client, world.floating, per_day=100, days=10)
    picky = await place(client, world.brand, quantity=10, min_quality_score=30)
    before = await _preview(client, world, picky["id"])
    assert [p["offer_id"] for p in before["plan"]] == [offer["id"]]  # no history yet: the prior's score (35) qualifies

    first = await place(client, world.brand, quantity=50)
    [allocation] = await allocate(client, world.brand, [(first["id"], offer["id"], 50)])
    assert (await client.post(f"/v1/allocations/{allocation['id']}/response", headers=world.floating.headers, json={"accept": True})).status_code == 200
    lot = await client.post("/v1/quality/lots", headers=world.floating.headers,
                            json={"allocation_id": allocation["id"], "quantity": 50, "level": "II", "aqls": {"major": 1.0}})
    assert lot.status_code == 201, lot.text
    result = await client.post(f"/v1/quality/lots/{lot.json()['id']}/results", headers=world.floating.headers,
                               json={"defects": [{"defect_class": "misprint", "severity": "major", "count": 6}], "final": True})
    assert result.status_code in (200, 201) and result.json()["decision"] == "rejected", result.text

    after = await _preview(client, world, picky["id"])
    assert after["plan"] == []
    assert "quality score below 30" in after["result"]["unassigned_reasons"][picky["id"]]
