"""Every sample file in examples/ goes through the real command or endpoint that takes it:
the match problems through `capool match`, the spreadsheets and row JSON through
/v1/exchange/{kind}/import, the Catena-X demand through /v1/catenax/material-demands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from capool.cli import main
from tests.conftest import World, allocate

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_every_example_is_covered_here() -> None:
    # A sample added to examples/ without a test here fails: each file below is used by a test.
    covered = {"match/gap.json", "match/marketplace.json", "import/offers.csv", "import/offers.xlsx", "import/orders.csv",
               "import/orders.json", "import/progress.csv", "catenax/WeekBasedMaterialDemand.json", "forecast/train.csv", "README.md"}
    assert {str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*") if p.is_file()} == covered


@pytest.mark.parametrize("name", ["gap", "marketplace"])
def test_the_match_examples_solve_through_capool_match(name: str) -> None:
    result = CliRunner().invoke(main, ["match", str(EXAMPLES / "match" / f"{name}.json"), "--time-limit", "5", "--quiet"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    problem = json.loads((EXAMPLES / "match" / f"{name}.json").read_text())
    assert answer["status"] == "OPTIMAL" and answer["complete"]
    placed: dict[str, int] = {}
    for item in answer["assignments"]:
        placed[item["order"]] = placed.get(item["order"], 0) + item["quantity"]
    assert placed == {o["id"]: o["quantity"] for o in problem["orders"]}


async def _mapping(client, member, kind: str, code: str, ref: str, system: str = "erp") -> None:  # type: ignore[no-untyped-def]
    response = await client.post("/v1/code-mappings", headers=member.headers, json={"system": system, "kind": kind, "external_code": code, "master_ref": ref})
    assert response.status_code == 201, response.text


async def _import(client, member, kind: str, path: Path, content_type: str, system: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    params = {"system": system} if system else {}
    response = await client.post(f"/v1/exchange/{kind}/import", params=params, content=path.read_bytes(), headers=member.headers | {"Content-Type": content_type})
    assert response.status_code == 201, response.text
    return response.json()["ids"]  # type: ignore[no-any-return]


async def test_the_spreadsheet_examples_import_through_the_api(client, db, world: World) -> None:  # type: ignore[no-untyped-def]
    # The factory's ERP names its lines LINE-01 / LINE-02: map them to two real resources.
    site = await client.post("/v1/sites", json={"name": "Foshan works", "region": "foshan"}, headers=world.floating.headers)
    assert site.status_code == 201, site.text
    for code, process in (("LINE-01", "screen_printing"), ("LINE-02", "embroidery")):
        resource = await client.post("/v1/resources", headers=world.floating.headers, json={
            "site_id": site.json()["id"], "name": code, "kind": "crew", "processes": [process], "materials": ["cotton", "polyester"]})
        assert resource.status_code == 201, resource.text
        await _mapping(client, world.floating, "resource", code, resource.json()["id"])

    csv_offers = await _import(client, world.floating, "offers", EXAMPLES / "import" / "offers.csv", "text/csv", system="erp")
    xlsx_offers = await _import(client, world.floating, "offers", EXAMPLES / "import" / "offers.xlsx", XLSX, system="erp")
    assert len(csv_offers) == len(xlsx_offers) == 3
    first = (await client.get(f"/v1/offers/{xlsx_offers[0]}", headers=world.floating.headers)).json()
    sheet = load_workbook(EXAMPLES / "import" / "offers.xlsx").worksheets[0]
    row = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert (first["capacity_per_day"], first["unit_price_minor"], first["window_start"]) == (row["capacity_per_day"], row["unit_price_minor"], row["window_start"])

    orders = await _import(client, world.brand, "orders", EXAMPLES / "import" / "orders.csv", "text/csv")
    json_orders = await _import(client, world.brand, "orders", EXAMPLES / "import" / "orders.json", "application/json")
    assert len(orders) == 3 and len(json_orders) == 2
    placed = {o["reference"]: o for o in (await client.get("/v1/orders?limit=100", headers=world.brand.headers)).json()["items"]}
    assert {"SO-2030-0101", "SO-2030-0102", "SO-2030-0103", "API-2030-0201", "API-2030-0202"} <= set(placed)
    assert placed["SO-2030-0101"]["quantity"] == 600

    # progress.csv names the order by the customer's code and reference: allocate and accept it first.
    [allocation] = await allocate(client, world.brand, [(placed["SO-2030-0101"]["id"], csv_offers[0], 600)])
    accepted = await client.post(f"/v1/allocations/{allocation['id']}/response", headers=world.floating.headers, json={"accept": True})
    assert accepted.status_code == 200, accepted.text
    await _mapping(client, world.floating, "organisation", "C-INKWELL", str(world.brand.org_id))
    reports = await _import(client, world.floating, "progress", EXAMPLES / "import" / "progress.csv", "text/csv", system="erp")
    assert len(reports) == 2


async def test_the_catenax_example_imports_through_the_api(client, db, world: World) -> None:  # type: ignore[no-untyped-def]
    document = json.loads((EXAMPLES / "catenax" / "WeekBasedMaterialDemand.json").read_text())
    await _mapping(client, world.brand, "organisation", document["customer"], str(world.brand.org_id), system="catenax")
    await _mapping(client, world.brand, "organisation", document["supplier"], str(world.partner.org_id), system="catenax")
    await _mapping(client, world.brand, "process", document["materialNumberCustomer"], "screen_printing", system="catenax")
    response = await client.post("/v1/catenax/material-demands", headers=world.brand.headers, json=document)
    assert response.status_code == 201, response.text
    assert response.json()["weeks"] == len(document["demandSeries"][0]["demands"])
    stored = (await client.get(f"/v1/catenax/material-demands/{response.json()['demand']['id']}", headers=world.brand.headers)).json()
    assert stored == document
