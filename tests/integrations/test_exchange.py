"""File exchange: CSV / Excel round trips through the REST API, bad rows rejecting the whole
file with row-level errors, code mappings (three systems' customer codes -> one buyer) and
the drop folder."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from capool.db import create_session_factory
from marketplace.integrations.dropfolder import process_drop_folder
from marketplace.models import CapacityOffer, Order, ProgressReport
from tests.conftest import World, allocate, future, place, publish

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def write_csv(rows: list[dict[str, object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


async def count(db, model) -> int:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_orders_csv_round_trip(client, db, world: World) -> None:
    await place(client, world.brand, quantity=120, operations=["cutting", "screen_printing"], certifications=["oeko_tex"])
    await place(client, world.brand, quantity=80, urgency="high")
    exported = await client.get("/v1/exchange/orders/export", params={"format": "csv"}, headers=world.brand.headers)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = read_csv(exported.text)
    assert len(rows) == 2 and rows[0]["operations"] == "cutting;screen_printing"
    for row in rows:
        row["reference"] = "ERP-" + row["reference"]
    imported = await client.post("/v1/exchange/orders/import", content=write_csv(rows), headers=world.brand.headers | {"Content-Type": "text/csv"})
    assert imported.status_code == 201, imported.text
    assert imported.json()["imported"] == 2
    again = read_csv((await client.get("/v1/exchange/orders/export", headers=world.brand.headers)).text)
    copies = {r["reference"]: r for r in again if r["reference"].startswith("ERP-")}
    for original in rows:
        copy = copies[original["reference"]]
        for column in ("product", "process", "quantity", "due_at", "currency", "operations", "certifications", "urgency", "aql"):
            assert copy[column] == original[column], column
    # The other buyer exports only its own orders.
    theirs = await client.get("/v1/exchange/orders/export", headers=world.other_buyer.headers)
    assert read_csv(theirs.text) == []


async def test_offers_excel_round_trip_by_multipart(client, db, world: World) -> None:
    await publish(client, world.floating, per_day=70, days=5, price=640)
    exported = await client.get("/v1/exchange/offers/export", params={"format": "xlsx"}, headers=world.floating.headers)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith(XLSX)
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    original = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert original["capacity_per_day"] == 70 and original["unit_price_minor"] == 640
    imported = await client.post("/v1/exchange/offers/import", files={"file": ("offers.xlsx", exported.content, XLSX)}, headers=world.floating.headers)
    assert imported.status_code == 201, imported.text
    [new_id] = imported.json()["ids"]
    offer = (await client.get(f"/v1/offers/{new_id}", headers=world.floating.headers)).json()
    assert (offer["capacity_per_day"], offer["unit_price_minor"], offer["window_start"], offer["resource_id"]) == (
        70, 640, str(original["window_start"]), original["resource_id"])


async def test_one_bad_row_rejects_the_whole_file(client, db, world: World) -> None:
    before = await count(db, Order)
    rows = [
        {"reference": "R-1", "product": "tee", "process": "screen_printing", "quantity": 10, "due_at": future(20), "currency": "CNY"},
        {"reference": "R-2", "product": "tee", "process": "screen_printing", "quantity": -5, "due_at": future(20), "currency": "CNY"},
        {"reference": "R-3", "product": "tee", "process": "screen_printing", "quantity": 10, "due_at": future(-2), "currency": "CNY"},
        {"reference": "R-4", "product": "tee", "process": "screen_printing", "quantity": 10, "due_at": "tomorrow", "currency": "CNY"},
    ]
    response = await client.post("/v1/exchange/orders/import", content=write_csv(rows), headers=world.brand.headers | {"Content-Type": "text/csv"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    pointers = [e["pointer"] for e in response.json()["errors"]]
    assert pointers == ["/rows/3/quantity", "/rows/4/due_at", "/rows/5/due_at"]
    assert await count(db, Order) == before, "row 2 was valid but nothing may be stored"

    # Excel too, and an unknown column is reported against the header row.
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["reference", "product", "process", "quantity", "due_at", "currency", "colour"])
    sheet.append(["X-1", "tee", "screen_printing", 5, future(10), "CNY", "red"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = await client.post("/v1/exchange/orders/import", content=buffer.getvalue(), headers=world.brand.headers | {"Content-Type": XLSX})
    assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == "/rows/1/colour"
    garbage = await client.post("/v1/exchange/orders/import", params={"format": "xlsx"}, content=b"not a zip", headers=world.brand.headers)
    assert garbage.status_code == 422 and garbage.json()["errors"][0]["pointer"] == "/file"
    unknown = await client.post("/v1/exchange/widgets/import", content=b"a\n1", headers=world.brand.headers | {"Content-Type": "text/csv"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["pointer"] == "/kind"
    assert await count(db, Order) == before


async def test_three_systems_customer_codes_map_to_one_buyer(client, db, world: World) -> None:
    offer = await publish(client, world.floating, per_day=100, days=10)
    orders = [await place(client, world.brand, quantity=30) for _ in range(3)]
    allocations = await allocate(client, world.brand, [(o["id"], offer["id"], 30) for o in orders])
    for allocation in allocations:
        accepted = await client.post(f"/v1/allocations/{allocation['id']}/response", json={"accept": True}, headers=world.floating.headers)
        assert accepted.status_code == 200
    for system, code in (("kingdee", "C-0042"), ("mes", "CUST42"), ("wms", "42")):
        created = await client.post("/v1/code-mappings", headers=world.floating.headers, json={
            "system": system, "kind": "organisation", "external_code": code, "master_ref": str(world.brand.org_id)})
        assert created.status_code == 201, created.text
    duplicate = await client.post("/v1/code-mappings", headers=world.floating.headers, json={
        "system": "wms", "kind": "organisation", "external_code": "42", "master_ref": str(world.brand.org_id)})
    assert duplicate.status_code == 409
    outsider_org = await client.post("/v1/code-mappings", headers=world.floating.headers, json={
        "system": "wms", "kind": "organisation", "external_code": "99", "master_ref": str(world.outsider.org_id)})
    assert outsider_org.status_code == 422

    rows = [
        {"system": system, "customer_code": code, "order_reference": order["reference"], "operation": "screen_printing",
         "step": "scan", "quantity": 30, "operator": "zhang.wei"}
        for (system, code), order in zip((("kingdee", "C-0042"), ("mes", "CUST42"), ("wms", "42")), orders, strict=True)
    ]
    bad = [*rows, {**rows[0], "customer_code": "C-9999"}]
    rejected = await client.post("/v1/exchange/progress/import", content=write_csv(bad), headers=world.floating.headers | {"Content-Type": "text/csv"})
    assert rejected.status_code == 422 and [e["pointer"] for e in rejected.json()["errors"]] == ["/rows/5/customer_code"]
    assert await count(db, ProgressReport) == 0
    imported = await client.post("/v1/exchange/progress/import", content=write_csv(rows), headers=world.floating.headers | {"Content-Type": "text/csv"})
    assert imported.status_code == 201, imported.text
    async with create_session_factory(db)() as session:
        reports = list((await session.execute(select(ProgressReport))).scalars())
    assert sorted(str(r.allocation_id) for r in reports) == sorted(a["id"] for a in allocations)
    assert {r.buyer_org_id for r in reports} == {world.brand.org_id}
    # The same codes mean nothing to another factory (its mapping table is its own).
    other = await client.post("/v1/exchange/progress/import", content=write_csv(rows), headers=world.partner.headers | {"Content-Type": "text/csv"})
    assert other.status_code == 422


async def test_drop_folder_moves_files_to_done_and_failed(client, db, world: World, tmp_path: Path) -> None:
    (tmp_path / "orders").mkdir()
    good = [{"reference": "DROP-1", "product": "tee", "process": "screen_printing", "quantity": 10, "due_at": future(20), "currency": "CNY"}]
    bad = [{**good[0], "reference": "DROP-2"}, {**good[0], "reference": "DROP-3", "quantity": "lots"}]
    (tmp_path / "orders" / "a_good.csv").write_bytes(write_csv(good))
    (tmp_path / "orders" / "b_bad.csv").write_bytes(write_csv(bad))
    results = await process_drop_folder(create_session_factory(db), tmp_path, world.brand.token)
    assert [(r.path.name, r.ok, r.imported) for r in results] == [("a_good.csv", True, 1), ("b_bad.csv", False, 0)]
    assert (tmp_path / "orders" / "done" / "a_good.csv").exists()
    report = (tmp_path / "orders" / "failed" / "b_bad.csv.errors.csv").read_text()
    assert read_csv(report) == [{"row": "3", "column": "quantity", "message": results[1].errors[0].message}]
    assert not list((tmp_path / "orders").glob("*.csv"))
    async with create_session_factory(db)() as session:
        references = set((await session.execute(select(Order.reference))).scalars())
    assert "DROP-1" in references and not references & {"DROP-2", "DROP-3"}
    assert await count(db, CapacityOffer) == 0
