"""The alliance's process catalogue and ISO 4217 currencies: orders, offers, resources,
partnerships, code mappings and file imports name only codes their alliance knows and
currencies in use, or get 422 with the field's pointer (REST) / a typed error (GraphQL).
Alliance admins keep the catalogue, only their own alliance's."""

from __future__ import annotations

from capool.currencies import is_currency, tender_currencies
from tests.conftest import TEST_PROCESSES, World, future, place, publish, today_plus
from tests.tenancy import snapshot

WELDING = {"code": "welding", "names": {"en": "Welding", "zh-CN": "焊接"}}


def _order(process: str = "screen_printing", currency: str = "CNY", reference: str = "PO-CAT-1") -> dict:
    return {"reference": reference, "product": "bracket", "process": process, "quantity": 10, "due_at": future(20), "currency": currency}


def _problem(response, status: int, code: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code, body
    return [(e["pointer"], e["detail"]) for e in body.get("errors", [])]


def test_currencies_are_iso_4217_codes_in_use() -> None:
    assert {"CNY", "USD", "EUR", "JPY", "HKD", "GBP"} <= tender_currencies()
    # Not a code; no currency / testing / gold; a currency withdrawn in 2002.
    assert [code for code in ("XYZ", "XXX", "XTS", "XAU", "DEM", "cny", "") if is_currency(code)] == []


async def test_an_order_for_welding_in_xyz_is_refused_with_its_fields(client, db, world: World) -> None:
    before = await snapshot(db)
    assert _problem(await client.post("/v1/orders", json=_order("welding"), headers=world.brand.headers), 422, "unknown_process") == [
        ("/process", "process 'welding' is not in the alliance's process catalogue")]
    assert _problem(await client.post("/v1/orders", json=_order(currency="XYZ"), headers=world.brand.headers), 422, "unknown_currency") == [
        ("/currency", "'XYZ' is not an ISO 4217 currency in use")]
    assert await snapshot(db) == before

    # The alliance admin adds welding; now the order is taken (in a real currency).
    added = await client.post("/v1/processes", json=WELDING, headers=world.admin.headers)
    assert added.status_code == 201, added.text
    assert {k: added.json()[k] for k in ("code", "names", "retired_at", "alliance_id")} == {
        "code": "welding", "names": {"en": "Welding", "zh-CN": "焊接"}, "retired_at": None, "alliance_id": str(world.alliance_id)}
    placed = await client.post("/v1/orders", json=_order("welding", "USD"), headers=world.brand.headers)
    assert placed.status_code == 201, placed.text
    assert (placed.json()["process"], placed.json()["currency"]) == ("welding", "USD")


async def test_members_list_the_catalogue_and_only_admins_change_it(client, db, world: World) -> None:
    listed = await client.get("/v1/processes", headers=world.floating.headers)
    assert listed.status_code == 200
    assert [p["code"] for p in listed.json()] == sorted(TEST_PROCESSES)
    assert next(p for p in listed.json() if p["code"] == "embroidery")["names"] == {"en": "Embroidery", "zh-CN": "刺绣"}

    before = await snapshot(db)
    for member in (world.brand, world.floating, world.outsider):  # buyers, suppliers, another alliance's org admin
        assert _problem(await client.post("/v1/processes", json=WELDING, headers=member.headers), 403, "permission_denied") == []
    assert _problem(await client.post("/v1/processes", json={**WELDING, "code": "Welding!"}, headers=world.admin.headers), 422, "invalid_input")[0][0] == "/code"
    assert _problem(await client.post("/v1/processes", json={"code": "welding", "names": {"en": "Welding"}}, headers=world.admin.headers),
                    422, "invalid_input")[0][0] == "/names"
    assert _problem(await client.post("/v1/processes", json={**WELDING, "code": "sewing"}, headers=world.admin.headers), 409, "duplicate_process") == []
    assert await snapshot(db) == before


async def test_a_retired_process_stays_on_its_rows_but_takes_no_new_ones(client, db, world: World) -> None:
    offer = await publish(client, world.floating, "embroidery")
    draft = await place(client, world.brand, process="embroidery", submit=False)
    embroidery = next(p for p in (await client.get("/v1/processes", headers=world.admin.headers)).json() if p["code"] == "embroidery")
    retired = await client.post(f"/v1/processes/{embroidery['id']}/retire", headers=world.admin.headers)
    assert retired.status_code == 200 and retired.json()["retired_at"] is not None
    assert _problem(await client.post(f"/v1/processes/{embroidery['id']}/retire", headers=world.admin.headers), 409, "process_retired") == []

    assert "embroidery" not in [p["code"] for p in (await client.get("/v1/processes", headers=world.brand.headers)).json()]
    everything = (await client.get("/v1/processes", params={"include_retired": "true"}, headers=world.brand.headers)).json()
    assert [p["code"] for p in everything if p["retired_at"]] == ["embroidery"]

    # Stored rows keep the code: the offer and the draft read as before, the draft can still be edited.
    assert (await client.get(f"/v1/offers/{offer['id']}", headers=world.floating.headers)).json()["process"] == "embroidery"
    edited = await client.put(f"/v1/orders/{draft['id']}", headers=world.brand.headers, json={**_order("embroidery", reference=draft["reference"]), "quantity": 7})
    assert edited.status_code == 200, edited.text
    # ... but nothing new names it, and a draft cannot switch to it.
    [(pointer, detail)] = _problem(await client.post("/v1/orders", json=_order("embroidery"), headers=world.brand.headers), 422, "unknown_process")
    assert pointer == "/process" and detail.startswith("process 'embroidery' was retired from the alliance's process catalogue on ")
    other = await place(client, world.brand, submit=False)
    assert _problem(await client.put(f"/v1/orders/{other['id']}", headers=world.brand.headers, json=_order("embroidery", reference=other["reference"])),
                    422, "unknown_process")[0][0] == "/process"
    offered = await client.post("/v1/offers", headers=world.floating.headers, json={
        "resource_id": offer["resource_id"], "process": "embroidery", "window_start": today_plus(0), "window_end": today_plus(3),
        "capacity_per_day": 10, "unit_price_minor": 100, "currency": "CNY"})
    assert _problem(offered, 422, "unknown_process")[0][0] == "/process"

    # Added again, it is back (same row, the names given now).
    back = await client.post("/v1/processes", json={"code": "embroidery", "names": {"en": "Embroidery", "zh-CN": "绣花"}}, headers=world.admin.headers)
    assert back.status_code == 201 and back.json()["id"] == embroidery["id"] and back.json()["retired_at"] is None
    assert back.json()["names"]["zh-CN"] == "绣花"
    assert (await client.post("/v1/orders", json=_order("embroidery"), headers=world.brand.headers)).status_code == 201


async def test_resources_offers_and_partnerships_are_checked_field_by_field(client, db, world: World) -> None:
    site = (await client.post("/v1/sites", json={"name": "plant", "region": "foshan"}, headers=world.floating.headers)).json()
    before = await snapshot(db)
    resource = await client.post("/v1/resources", headers=world.floating.headers, json={
        "site_id": site["id"], "name": "line", "kind": "machine", "processes": ["sewing", "welding", "laser_cutting"]})
    assert _problem(resource, 422, "unknown_process") == [
        ("/processes/1", "process 'welding' is not in the alliance's process catalogue"),
        ("/processes/2", "process 'laser_cutting' is not in the alliance's process catalogue")]
    partnership = await client.post("/v1/partnerships", headers=world.other_buyer.headers, json={
        "factory_org_id": str(world.floating.org_id), "agreed_unit_price_minor": 300, "currency": "XYZ"})
    assert _problem(partnership, 422, "unknown_currency") == [("/currency", "'XYZ' is not an ISO 4217 currency in use")]
    assert await snapshot(db) == before

    offer = await publish(client, world.floating, "sewing")
    body = {"resource_id": offer["resource_id"], "process": "sewing", "window_start": today_plus(0), "window_end": today_plus(3),
            "capacity_per_day": 10, "unit_price_minor": 100, "currency": "XYZ"}
    assert _problem(await client.post("/v1/offers", json=body, headers=world.floating.headers), 422, "unknown_currency")[0][0] == "/currency"
    assert _problem(await client.post("/v1/offers", json={**body, "currency": "EUR", "process": "welding"}, headers=world.floating.headers),
                    422, "unknown_process")[0][0] == "/process"


async def test_another_alliance_keeps_its_own_catalogue(client, db, world: World) -> None:
    """The other alliance's admin adds welding to its catalogue and cannot retire this one's codes."""
    ours = next(p for p in (await client.get("/v1/processes", headers=world.admin.headers)).json() if p["code"] == "sewing")
    before = await snapshot(db)
    assert _problem(await client.post(f"/v1/processes/{ours['id']}/retire", headers=world.outsider_admin.headers), 404, "not_found") == []
    assert await snapshot(db) == before

    theirs = await client.post("/v1/processes", json=WELDING, headers=world.outsider_admin.headers)
    assert theirs.status_code == 201 and theirs.json()["alliance_id"] != str(world.alliance_id)
    assert (await client.post("/v1/orders", json=_order("welding"), headers=world.outsider.headers)).status_code == 201
    assert _problem(await client.post("/v1/orders", json=_order("welding"), headers=world.brand.headers), 422, "unknown_process")[0][0] == "/process"
    assert "welding" not in [p["code"] for p in (await client.get("/v1/processes", headers=world.brand.headers)).json()]
    # This alliance's admin cannot retire the other alliance's welding either.
    assert _problem(await client.post(f"/v1/processes/{theirs.json()['id']}/retire", headers=world.admin.headers), 404, "not_found") == []


async def test_graphql_lists_the_catalogue_and_types_the_errors(client, db, world: World) -> None:
    listed = await client.post("/graphql", headers=world.brand.headers, json={"query": "{ processes { code nameEn nameZhCN retiredAt } }"})
    assert listed.status_code == 200 and "errors" not in listed.json(), listed.text
    assert {"code": "sewing", "nameEn": "Sewing", "nameZhCN": "缝制", "retiredAt": None} in listed.json()["data"]["processes"]

    mutation = "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code field message } } }"
    before = await snapshot(db)
    for process, currency, expected in (("welding", "CNY", ("UNKNOWN_PROCESS", "/process")), ("sewing", "XYZ", ("UNKNOWN_CURRENCY", "/currency"))):
        answer = (await client.post("/graphql", headers=world.brand.headers, json={"query": mutation, "variables": {"input": {
            "reference": "G-1", "product": "tee", "process": process, "quantity": 3, "dueAt": future(30), "currency": currency}}})).json()
        payload = answer["data"]["placeOrder"]
        assert payload["order"] is None and [(e["code"], e["field"]) for e in payload["errors"]] == [expected], answer
    assert await snapshot(db) == before


async def test_imports_and_code_mappings_name_catalogue_codes(client, db, world: World) -> None:
    rows = {"rows": [
        {"reference": "ERP-1", "product": "tee", "process": "sewing", "quantity": 5, "due_at": future(10), "currency": "CNY"},
        {"reference": "ERP-2", "product": "tee", "process": "welding", "quantity": 5, "due_at": future(10), "currency": "CNY"},
        {"reference": "ERP-3", "product": "tee", "process": "sewing", "quantity": 5, "due_at": future(10), "currency": "ABC"},
    ]}
    before = await snapshot(db)
    imported = await client.post("/v1/exchange/orders/import", params={"format": "json"}, json=rows, headers=world.brand.headers)
    errors = _problem(imported, 422, "import_rejected")
    assert [pointer for pointer, _ in errors] == ["/rows/3/process", "/rows/4/currency"]
    mapped = await client.post("/v1/code-mappings", headers=world.brand.headers, json={
        "system": "catenax", "kind": "process", "external_code": "MAT-1", "master_ref": "welding"})
    assert _problem(mapped, 422, "unknown_process") == [("/master_ref", "process 'welding' is not in the alliance's process catalogue")]
    assert await snapshot(db) == before
    mapped = await client.post("/v1/code-mappings", headers=world.brand.headers, json={
        "system": "catenax", "kind": "process", "external_code": "MAT-1", "master_ref": "sewing"})
    assert mapped.status_code == 201, mapped.text



async def test_forecast_filters_and_connector_defaults_name_catalogue_codes(client, db, world: World) -> None:
    for path in ("/v1/forecasts/demand", "/v1/forecasts/capacity"):
        refused = await client.get(path, params={"process": "welding"}, headers=world.brand.headers)
        assert _problem(refused, 422, "unknown_process") == [("/process", "process 'welding' is not in the alliance's process catalogue")]
        assert (await client.get(path, params={"process": "sewing"}, headers=world.brand.headers)).status_code == 200
    # A retired code still names its history.
    sewing = next(p for p in (await client.get("/v1/processes", headers=world.admin.headers)).json() if p["code"] == "sewing")
    assert (await client.post(f"/v1/processes/{sewing['id']}/retire", headers=world.admin.headers)).status_code == 200
    assert (await client.get("/v1/forecasts/demand", params={"process": "sewing"}, headers=world.brand.headers)).status_code == 200

    mapping = {"items": "$.slots", "key": "$.id", "fields": {"window_start": "$.a", "window_end": "$.b", "capacity_per_day": "$.q",
                                                           "unit_price_minor": "$.p", "resource_code": "$.line"}}
    before = await snapshot(db)
    for defaults, pointer, code in (({"process": "welding", "currency": "CNY"}, "/mapping/defaults/process", "unknown_process"),
                                    ({"process": "cutting", "currency": "XYZ"}, "/mapping/defaults/currency", "unknown_currency")):
        created = await client.post("/v1/connectors", headers=world.floating.headers, json={
            "name": "erp", "kind": "capacity_pull", "url": "https://factory.example/api", "mapping": {**mapping, "defaults": defaults}})
        assert [p for p, _ in _problem(created, 422, code)] == [pointer]
    assert await snapshot(db) == before
