"""Catena-X DCM through the REST API: the official WeekBasedMaterialDemand example imports and
reads back unchanged, bad documents answer 422 with the JSON path, a hand-built scenario
exports hand-computed WeekBasedCapacityGroup figures that validate against the official
schema, and the comparison flags weeks by the standard's matching results and volatility
thresholds."""

from __future__ import annotations

import copy
import json
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import Member, World, future

SCHEMAS = Path(__file__).parents[2] / "marketplace" / "integrations" / "catenax" / "schemas"
OFFICIAL_DEMAND = json.loads((SCHEMAS / "WeekBasedMaterialDemand-example.json").read_text())
OFFICIAL_GROUP = json.loads((SCHEMAS / "WeekBasedCapacityGroup-example.json").read_text())
GROUP_SCHEMA = json.loads((SCHEMAS / "WeekBasedCapacityGroup-schema.json").read_text())

BUYER_BPNL = "BPNL000000000OB1"
PARTNER_BPNL = "BPNL000000000PF1"
BRAND_BPNL = "BPNL000000000BR1"
BUYER_SITE = "BPNS000000000OB1"
MATERIAL = "MAT-TEE-001"


def next_monday() -> date:
    today = date.today()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=1)


def at(day: date, hours: int = 0) -> str:
    return (datetime.combine(day, time.min, UTC) + timedelta(hours=hours)).isoformat()


async def map_code(client, member: Member, kind: str, code: str, ref: str) -> None:  # type: ignore[no-untyped-def]
    response = await client.post("/v1/code-mappings", headers=member.headers, json={"system": "catenax", "kind": kind, "external_code": code,
                                                                                  "master_ref": ref})
    assert response.status_code == 201, response.text


def demand_doc(weeks: dict[date, float], *, demand_id: str = "6f1f3b8e-0a55-4c1e-9a3e-1f2d3c4b5a60", customer: str = BUYER_BPNL,
               supplier: str = PARTNER_BPNL, changed_at: str = "2026-11-30T08:00:00Z", material: str = MATERIAL) -> dict:
    return {
        "materialDemandId": demand_id, "customer": customer, "supplier": supplier, "materialNumberCustomer": material,
        "materialNumberSupplier": "SUP-7", "materialDescriptionCustomer": "printed tee", "changedAt": changed_at,
        "unitOfMeasure": "unit:piece", "unitOfMeasureIsOmitted": False, "materialDemandIsInactive": False,
        "demandSeries": [{"customerLocation": BUYER_SITE, "demandCategory": {"demandCategoryCode": "0001"},
                          "demands": [{"pointInTime": w.isoformat(), "demand": q} for w, q in weeks.items()]}],
    }


async def offer(client, member: Member, *, start: date, days: int, per_day: int, visibility: str, unit: str = "piece",  # type: ignore[no-untyped-def]
                units_per_hour: int = 1) -> dict:
    site = await client.post("/v1/sites", json={"name": f"site-{uuid.uuid4().hex[:6]}", "region": "foshan"}, headers=member.headers)
    resource = await client.post("/v1/resources", headers=member.headers, json={
        "site_id": site.json()["id"], "name": f"line-{uuid.uuid4().hex[:6]}", "kind": "crew", "processes": ["screen_printing"],
        "materials": ["cotton"]})
    assert resource.status_code == 201, resource.text
    response = await client.post("/v1/offers", headers=member.headers, json={
        "resource_id": resource.json()["id"], "process": "screen_printing", "window_start": start.isoformat(),
        "window_end": (start + timedelta(days=days - 1)).isoformat(), "capacity_per_day": per_day, "capacity_unit": unit,
        "units_per_hour": units_per_hour, "unit_price_minor": 100, "currency": "CNY", "visibility": visibility, "materials": ["cotton"]})
    assert response.status_code == 201, response.text
    return response.json()


async def book(client, member: Member, offer_id: str, quantity: int, slot_start: str, slot_end: str) -> dict:  # type: ignore[no-untyped-def]
    order = await client.post("/v1/orders", headers=member.headers, json={
        "reference": f"PO-{uuid.uuid4().hex[:8]}", "product": "tee", "process": "screen_printing", "quantity": quantity,
        "due_at": future(40), "currency": "CNY", "material": "cotton"})
    assert order.status_code == 201, order.text
    plan = await client.post("/v1/allocation-plans", headers=member.headers, json={"items": [
        {"order_id": order.json()["id"], "offer_id": offer_id, "quantity": quantity, "slot_start": slot_start, "slot_end": slot_end}]})
    assert plan.status_code == 201, plan.text
    return plan.json()[0]


# ----------------------------------------------------------------- import
async def test_official_example_imports_and_reads_back_unchanged(client, world: World) -> None:
    brand = world.brand
    await map_code(client, brand, "organisation", OFFICIAL_DEMAND["customer"], str(brand.org_id))
    await map_code(client, brand, "organisation", OFFICIAL_DEMAND["supplier"], str(world.partner.org_id))
    await map_code(client, brand, "process", OFFICIAL_DEMAND["materialNumberCustomer"], "screen_printing")

    response = await client.post("/v1/catenax/material-demands", headers=brand.headers, json=OFFICIAL_DEMAND)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["created"] is True and body["weeks"] == 1
    stored = body["demand"]
    assert stored["material_demand_id"] == OFFICIAL_DEMAND["materialDemandId"]
    assert stored["buyer_org_id"] == str(brand.org_id)
    assert stored["supplier_org_id"] == str(world.partner.org_id)
    assert stored["process"] == "screen_printing"
    assert stored["inactive"] is True  # the official example is an inactive demand
    assert stored["changed_at"] == "2023-11-05T13:15:30.123000Z"

    # The document reads back as imported, for the buyer and for the supplier it names.
    for reader in (brand, world.partner):
        read = await client.get(f"/v1/catenax/material-demands/{stored['id']}", headers=reader.headers)
        assert read.status_code == 200, read.text
        assert read.json() == OFFICIAL_DEMAND
    listed = (await client.get("/v1/catenax/material-demands", headers=world.partner.headers)).json()["items"]
    assert [d["id"] for d in listed] == [stored["id"]]
    for stranger in (world.floating, world.other_buyer, world.outsider):
        assert (await client.get(f"/v1/catenax/material-demands/{stored['id']}", headers=stranger.headers)).status_code == 404
        assert (await client.get("/v1/catenax/material-demands", headers=stranger.headers)).json()["items"] == []


@pytest.mark.parametrize(("change", "pointer", "message"), [
    (lambda d: d.pop("changedAt"), "", "'changedAt' is a required property"),
    (lambda d: d["demandSeries"][0]["demands"][0].update(pointInTime="2023-10-32"), "/demandSeries/0/demands/0/pointInTime", "is not a 'date'"),
    (lambda d: d["demandSeries"][0]["demands"][0].update(demand=-1), "/demandSeries/0/demands/0/demand", "less than the minimum of 0"),
    (lambda d: d.update(supplier="BPNL66"), "/supplier", "does not match"),
    (lambda d: d["demandSeries"][0].update(demandCategory={"demandCategoryCode": "XX99"}), "/demandSeries/0/demandCategory", "is not valid under any"),
    (lambda d: d.update(changedAt="2023-11-05 08:15"), "/changedAt", "is not a 'date-time'"),
    (lambda d: d.update(unitOfMeasure="unit:bucket"), "/unitOfMeasure", "is not one of"),
])
async def test_schema_errors_answer_422_with_the_json_path(client, world: World, change, pointer: str, message: str) -> None:  # type: ignore[no-untyped-def]
    document = copy.deepcopy(OFFICIAL_DEMAND)
    change(document)
    response = await client.post("/v1/catenax/material-demands", headers=world.brand.headers, json=document)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "invalid_document"
    assert problem["errors"][0]["pointer"] == pointer
    assert message in problem["errors"][0]["detail"]
    assert f"{pointer or '/'}:" in problem["detail"]
    assert (await client.get("/v1/catenax/material-demands", headers=world.brand.headers)).json()["items"] == []


@pytest.mark.parametrize(("change", "pointer"), [
    (lambda d: d["demandSeries"][0]["demands"][0].update(pointInTime="2023-10-10"), "/demandSeries/0/demands/0/pointInTime"),  # a Tuesday
    (lambda d: d["demandSeries"][0]["demands"].append({"pointInTime": "2023-10-09", "demand": 5}), "/demandSeries/0/demands/1/pointInTime"),
    (lambda d: d["demandSeries"].append(copy.deepcopy(d["demandSeries"][0]) | {"demands": []}), "/demandSeries/1"),
    (lambda d: d.pop("unitOfMeasure"), "/unitOfMeasure"),
    (lambda d: d.update(unitOfMeasureIsOmitted=True), "/unitOfMeasure"),
])
async def test_rules_beyond_the_schema_answer_422(client, world: World, change, pointer: str) -> None:  # type: ignore[no-untyped-def]
    document = copy.deepcopy(OFFICIAL_DEMAND)
    change(document)
    response = await client.post("/v1/catenax/material-demands", headers=world.brand.headers, json=document)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["pointer"] == pointer


async def test_a_buyer_imports_only_its_own_demand(client, world: World) -> None:
    """The customer BPNL must be mapped to the importer itself; factories cannot import demand."""
    document = demand_doc({next_monday(): 10})
    unmapped = await client.post("/v1/catenax/material-demands", headers=world.other_buyer.headers, json=document)
    assert unmapped.status_code == 422 and unmapped.json()["errors"][0]["pointer"] == "/customer"
    # The BPNL mapped to someone else (the brand) is not the importer's.
    await map_code(client, world.other_buyer, "organisation", BUYER_BPNL, str(world.brand.org_id))
    foreign = await client.post("/v1/catenax/material-demands", headers=world.other_buyer.headers, json=document)
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["pointer"] == "/customer"
    factory = await client.post("/v1/catenax/material-demands", headers=world.partner.headers, json=document)
    assert factory.status_code == 403 and factory.json()["code"] == "permission_denied"
    # The brand imports as that BPNL; the other buyer cannot then claim it for itself.
    await map_code(client, world.brand, "organisation", BUYER_BPNL, str(world.brand.org_id))
    assert (await client.post("/v1/catenax/material-demands", headers=world.brand.headers, json=document)).status_code == 201
    await map_code(client, world.other_buyer, "organisation", "BPNL000000000OB2", str(world.other_buyer.org_id))
    claimed = await client.post("/v1/catenax/material-demands", headers=world.other_buyer.headers, json=document | {"customer": "BPNL000000000OB2"})
    assert claimed.status_code == 201, claimed.text  # its own BPNL
    mappings = (await client.get("/v1/code-mappings", headers=world.other_buyer.headers, params={"system": "catenax"})).json()["items"]
    stale = next(m for m in mappings if m["external_code"] == BUYER_BPNL)
    assert (await client.delete(f"/v1/code-mappings/{stale['id']}", headers=world.other_buyer.headers)).status_code == 204
    await map_code(client, world.other_buyer, "organisation", BUYER_BPNL, str(world.other_buyer.org_id))
    taken = await client.post("/v1/catenax/material-demands", headers=world.other_buyer.headers,
                              json=document | {"materialDemandId": "2b3c4d5e-6f70-4a8b-9cad-becf00112233", "materialNumberCustomer": "OTHER"})
    assert taken.status_code == 409 and taken.json()["code"] == "bpnl_claimed"
    assert str(world.brand.org_id) not in taken.text


async def test_a_newer_version_replaces_and_an_older_one_conflicts(client, world: World) -> None:
    buyer, monday = world.other_buyer, next_monday()
    await map_code(client, buyer, "organisation", BUYER_BPNL, str(buyer.org_id))
    first = await client.post("/v1/catenax/material-demands", headers=buyer.headers, json=demand_doc({monday: 600}))
    assert first.status_code == 201, first.text
    newer = demand_doc({monday: 780, monday + timedelta(weeks=1): 50}, changed_at="2026-12-01T08:00:00+01:00")
    replaced = await client.post("/v1/catenax/material-demands", headers=buyer.headers, json=newer)
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["created"] is False and replaced.json()["demand"]["version"] == 2
    assert replaced.json()["demand"]["id"] == first.json()["demand"]["id"]
    assert replaced.json()["demand"]["supplier_org_id"] is None  # the supplier BPNL is not mapped
    older = await client.post("/v1/catenax/material-demands", headers=buyer.headers, json=demand_doc({monday: 1}, changed_at="2026-11-01T00:00:00Z"))
    assert older.status_code == 409 and older.json()["code"] == "stale_material_demand"
    read = await client.get(f"/v1/catenax/material-demands/{first.json()['demand']['id']}", headers=buyer.headers)
    assert read.json() == newer
    other_id = demand_doc({monday: 1}, demand_id="0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d")
    duplicate = await client.post("/v1/catenax/material-demands", headers=buyer.headers, json=other_id)
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate_material_demand"


# ----------------------------------------------------------------- export and comparison
async def scenario(client, world: World) -> date:  # type: ignore[no-untyped-def]
    """The partner factory, from next Monday M, each offer on its own resource (working every day):

    - offer A: alliance-visible, 100 pieces a day, M .. M+9 (week 1: 700, week 2: 300);
    - offer B: partners only, 8 hours a day at 5 pieces an hour, M+7 .. M+13 (week 2: 280);
    - offer C: private, 100 a day, both weeks (never open to a customer);
    - the other buyer (partnership, 25% reserved) books 140 on A from M (laid out earliest
      day first: M 100, M+1 40) and 200 on B in week 2 (40 hours: 8 a day on M+7 .. M+11);
      the brand (partnership, 0% reserved) books 100 on A from M+6 (all on M+6, week 1).
    """
    monday = next_monday()
    partner, buyer, brand = world.partner, world.other_buyer, world.brand
    a = await offer(client, partner, start=monday, days=10, per_day=100, visibility="alliance")
    b = await offer(client, partner, start=monday + timedelta(days=7), days=7, per_day=8, visibility="partners", unit="hour", units_per_hour=5)
    await offer(client, partner, start=monday, days=14, per_day=100, visibility="private")
    contract = await client.post("/v1/partnerships", headers=buyer.headers, json={"factory_org_id": str(partner.org_id), "reserved_share_pct": 25})
    assert contract.status_code == 201, contract.text
    await book(client, buyer, a["id"], 140, at(monday), at(monday + timedelta(days=2)))
    await book(client, buyer, b["id"], 200, at(monday + timedelta(days=7)), at(monday + timedelta(days=13), hours=23))
    await book(client, brand, a["id"], 100, at(monday + timedelta(days=6)), at(monday + timedelta(days=8)))
    # The other buyer's demand names the partner; the brand's too. Their BPNLs reach the factory through them.
    await map_code(client, buyer, "organisation", BUYER_BPNL, str(buyer.org_id))
    await map_code(client, buyer, "organisation", PARTNER_BPNL, str(partner.org_id))
    await map_code(client, buyer, "process", MATERIAL, "screen_printing")
    imported = await client.post("/v1/catenax/material-demands", headers=buyer.headers, json=demand_doc({monday: 600, monday + timedelta(weeks=1): 600}))
    assert imported.status_code == 201, imported.text
    await map_code(client, brand, "organisation", BRAND_BPNL, str(brand.org_id))
    await map_code(client, brand, "organisation", PARTNER_BPNL, str(partner.org_id))
    await map_code(client, brand, "process", "BR-TEE", "screen_printing")
    brand_demand = demand_doc({monday: 60, monday + timedelta(weeks=1): 0}, demand_id="1a2b3c4d-5e6f-4a0b-9c1d-2e3f4a5b6c7d", customer=BRAND_BPNL,
                              material="BR-TEE")
    imported = await client.post("/v1/catenax/material-demands", headers=brand.headers, json=brand_demand)
    assert imported.status_code == 201, imported.text
    return monday


async def test_capacity_export_gives_the_hand_computed_weeks_and_validates(client, world: World) -> None:
    monday = await scenario(client, world)
    response = await client.get("/v1/catenax/capacity-groups", headers=world.partner.headers, params={"start": monday.isoformat(), "weeks": 2})
    assert response.status_code == 200, response.text
    export = response.json()
    assert export["skipped"] == []
    groups = {g["customer"]: g for g in export["items"]}
    assert set(groups) == {BUYER_BPNL, BRAND_BPNL}
    for group in export["items"]:
        jsonschema.Draft4Validator(GROUP_SCHEMA).validate(group)
        assert group["supplier"] == PARTNER_BPNL and group["unitOfMeasure"] == "unit:piece"
        assert re.fullmatch(r"[0-9a-f-]{36}", group["capacityGroupId"])

    week1, week2 = monday.isoformat(), (monday + timedelta(weeks=1)).isoformat()
    # Other buyer, week 1: open 700 (A), booked 140 by it, 100 by the brand -> max 600; 25% of 700.
    # Week 2: open 300 (A) + 280 (B), booked 200 by it, none by others -> max 580; 25% of 580.
    assert groups[BUYER_BPNL]["capacities"] == [
        {"pointInTime": week1, "actualCapacity": 140, "maximumCapacity": 600, "agreedCapacity": 175},
        {"pointInTime": week2, "actualCapacity": 200, "maximumCapacity": 580, "agreedCapacity": 145},
    ]
    # Brand (B is open to it through its partnership), week 1: open 700, booked 100 by it, 140 by the other buyer
    # -> 560; week 2: open 580, 200 booked by the other buyer -> 380.
    assert groups[BRAND_BPNL]["capacities"] == [
        {"pointInTime": week1, "actualCapacity": 100, "maximumCapacity": 560, "agreedCapacity": 0},
        {"pointInTime": week2, "actualCapacity": 0, "maximumCapacity": 380, "agreedCapacity": 0},
    ]
    assert groups[BUYER_BPNL]["linkedDemandSeries"] == [{
        "materialNumberCustomer": MATERIAL, "materialNumberSupplier": "SUP-7", "customerLocation": BUYER_SITE,
        "demandCategory": {"demandCategoryCode": "0001"}, "loadFactor": 1.0}]
    assert groups[BUYER_BPNL]["demandVolatilityParameters"]["startReferenceDateTime"] == f"{week1}T00:00:00Z"

    # One customer on request; the group id stays the same between exports.
    one = await client.get("/v1/catenax/capacity-groups", headers=world.partner.headers,
                           params={"customer": str(world.other_buyer.org_id), "start": (monday + timedelta(days=3)).isoformat(), "weeks": 1})
    [only] = one.json()["items"]
    assert only["capacityGroupId"] == groups[BUYER_BPNL]["capacityGroupId"]
    assert only["capacities"] == groups[BUYER_BPNL]["capacities"][:1]


async def test_a_factory_exports_only_its_own_capacity(client, world: World) -> None:
    monday = await scenario(client, world)
    params = {"start": monday.isoformat(), "weeks": 2}
    floating = await client.get("/v1/catenax/capacity-groups", headers=world.floating.headers, params=params)
    assert floating.status_code == 200 and floating.json() == {"items": [], "skipped": []}
    # Naming the partner's customer changes nothing: the floating factory has no capacity for it.
    named = await client.get("/v1/catenax/capacity-groups", headers=world.floating.headers, params={**params, "customer": str(world.other_buyer.org_id)})
    assert named.status_code == 200 and named.json()["items"] == []
    assert [s["customer_org_id"] for s in named.json()["skipped"]] == [str(world.other_buyer.org_id)]
    foreign = await client.get("/v1/catenax/capacity-groups", headers=world.outsider.headers, params={**params, "customer": str(world.other_buyer.org_id)})
    assert foreign.status_code == 404
    buyer_only = await client.get("/v1/catenax/capacity-groups", headers=world.other_buyer.headers, params=params)
    assert buyer_only.status_code == 200 and buyer_only.json()["items"] == []


async def test_round_trip_export_to_customer_view(client, world: World) -> None:
    """What the factory exports is what the comparison shows the customer, week by week."""
    monday = await scenario(client, world)
    export = (await client.get("/v1/catenax/capacity-groups", headers=world.partner.headers,
                               params={"start": monday.isoformat(), "weeks": 2})).json()["items"]
    group = next(g for g in export if g["customer"] == BUYER_BPNL)
    parsed = json.loads(json.dumps(group))
    jsonschema.Draft4Validator(GROUP_SCHEMA).validate(parsed)
    view = (await client.get("/v1/catenax/comparison", headers=world.other_buyer.headers, params={"start": monday.isoformat(), "weeks": 2})).json()
    [row] = view["rows"]
    assert [(w["week"], w["actual"], w["maximum"], w["agreed"]) for w in row["weeks"]] == [
        (c["pointInTime"], c["actualCapacity"], c["maximumCapacity"], c["agreedCapacity"]) for c in parsed["capacities"]]


async def test_comparison_flags_weeks_by_matching_result_and_volatility(client, world: World) -> None:
    monday = await scenario(client, world)
    params = {"start": monday.isoformat(), "weeks": 3}
    view = (await client.get("/v1/catenax/comparison", headers=world.admin.headers, params=params)).json()
    rows = {(r["buyer"], r["process"]): r["weeks"] for r in view["rows"]}
    assert set(rows) == {("Brand", "screen_printing"), ("Other Buyer", "screen_printing")}

    def cells(weeks: list[dict]) -> list[tuple]:
        return [(w["demand"], w["actual"], w["maximum"], w["status"], w["colour"], w["volatility"]) for w in weeks]

    # Other buyer: 600 > actual 140 but <= max 600: a bottleneck within the maximum; 600 > 580: beyond it.
    assert cells(rows[("Other Buyer", "screen_printing")]) == [
        (600, 140, 600, "bottleneck_actual", "yellow", None),
        (600, 200, 580, "bottleneck_maximum", "red", None),
        (0, 0, 0, "zero_deviation", "green", None),
    ]
    # Brand: 60 < actual 100: surplus; 0 = actual 0.
    assert cells(rows[("Brand", "screen_printing")])[:2] == [
        (60, 100, 560, "surplus", "green", None),
        (0, 0, 380, "zero_deviation", "green", None),
    ]
    assert view["weeks"] == [(monday + timedelta(weeks=i)).isoformat() for i in range(3)]
    assert view["rows"][0]["weeks"][0]["iso_week"] == "{}-W{:02d}".format(*monday.isocalendar()[:2])

    # The buyer changes its demand: +180 (+30%) and -200 (-33%) exceed the thresholds (+20% / -30%, +-100 units);
    # the third week, new in the horizon, has no reference.
    newer = demand_doc({monday: 780, monday + timedelta(weeks=1): 400, monday + timedelta(weeks=2): 999}, changed_at="2026-12-01T00:00:00Z")
    assert (await client.post("/v1/catenax/material-demands", headers=world.other_buyer.headers, json=newer)).status_code == 200
    view = (await client.get("/v1/catenax/comparison", headers=world.admin.headers, params=params)).json()
    weeks = next(r["weeks"] for r in view["rows"] if r["buyer"] == "Other Buyer")
    assert [(w["demand"], w["previous_demand"], w["status"], w["volatility"]) for w in weeks] == [
        (780, 600, "bottleneck_maximum", "increase"),
        (400, 600, "bottleneck_actual", "decrease"),
        (999, None, "bottleneck_maximum", None),
    ]
    assert view["volatility_parameters"]["rollingHorizonAlertThresholds"][0]["relativePositiveDeviation"] == 0.2

    # A member sees only its own demand.
    own = (await client.get("/v1/catenax/comparison", headers=world.brand.headers, params=params)).json()
    assert [r["buyer_org_id"] for r in own["rows"]] == [str(world.brand.org_id)]
    assert (await client.get("/v1/catenax/comparison", headers=world.floating.headers, params=params)).json()["rows"] == []


async def test_unmapped_material_is_stored_but_not_compared(client, world: World) -> None:
    buyer, monday = world.other_buyer, next_monday()
    await map_code(client, buyer, "organisation", BUYER_BPNL, str(buyer.org_id))
    response = await client.post("/v1/catenax/material-demands", headers=buyer.headers, json=demand_doc({monday: 10}))
    assert response.status_code == 201 and response.json()["demand"]["process"] is None
    view = (await client.get("/v1/catenax/comparison", headers=buyer.headers, params={"start": monday.isoformat(), "weeks": 1})).json()
    assert view["rows"] == [] and view["not_compared"] == 1


def test_the_official_capacity_group_example_validates_and_a_broken_one_does_not() -> None:
    validator = jsonschema.Draft4Validator(GROUP_SCHEMA)
    validator.validate(OFFICIAL_GROUP)
    broken = copy.deepcopy(OFFICIAL_GROUP)
    broken["capacities"][0].pop("maximumCapacity")
    assert [list(e.absolute_path) for e in validator.iter_errors(broken)] == [["capacities", 0]]
