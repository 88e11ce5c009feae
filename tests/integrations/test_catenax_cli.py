"""`capool dcm` against a real database file: validate the official examples, import the
official demand as a buyer (and refuse a broken one with its JSON path), compare, export."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from click.testing import CliRunner

from capool.cli import main
from capool.clitools import in_transaction

SCHEMAS = Path(__file__).parents[2] / "marketplace" / "integrations" / "catenax" / "schemas"
DEMAND_EXAMPLE = SCHEMAS / "WeekBasedMaterialDemand-example.json"
GROUP_EXAMPLE = SCHEMAS / "WeekBasedCapacityGroup-example.json"


def _run(*args: str) -> str:
    """The command's standard output (progress and notes go to standard error)."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_validate_accepts_the_official_examples_and_names_the_broken_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert "a valid WeekBasedMaterialDemand 3.0 document" in _run("dcm", "validate", str(DEMAND_EXAMPLE))
    assert "a valid WeekBasedCapacityGroup 3.0 document" in _run("dcm", "validate", str(GROUP_EXAMPLE))
    broken = json.loads(GROUP_EXAMPLE.read_text())
    broken["capacities"][0]["actualCapacity"] = -5
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    result = CliRunner().invoke(main, ["dcm", "validate", str(path)])
    assert result.exit_code == 1
    assert "/capacities/0/actualCapacity: -5 is less than the minimum of 0" in result.output


def test_import_compare_and_export(cli_database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _run("migrate")
    alliance = json.loads(_run("admin", "create-alliance", "CLI Alliance"))["alliance_id"]

    def member(kind: str, role: str, name: str) -> tuple[str, str]:
        org = json.loads(_run("admin", "create-org", "--alliance", alliance, "--kind", kind, name))["organisation_id"]
        user = json.loads(_run("admin", "create-user", "--org", org, "--role", role, "--name", name, f"{kind}@{name.lower()}.example"))["user_id"]
        return org, json.loads(_run("admin", "create-key", "--user", user, "dcm"))["api_key"]

    _run("admin", "add-process", "--alliance", alliance, "--en", "CNC machining", "--zh-cn", "数控加工", "cnc_machining")
    buyer_org, buyer_key = member("buyer", "buyer", "Brand")
    factory_org, factory_key = member("factory", "supplier_operator", "Works")
    document = json.loads(DEMAND_EXAMPLE.read_text())

    async def map_codes(session):  # type: ignore[no-untyped-def]
        from capool.tenancy.service import authenticate
        from marketplace.integrations import mapping
        from marketplace.integrations.schemas import MappingIn

        actor = await authenticate(session, buyer_key)
        for kind, code, ref in (("organisation", document["customer"], buyer_org), ("organisation", document["supplier"], factory_org),
                                ("process", document["materialNumberCustomer"], "cnc_machining")):
            await mapping.create_mapping(session, actor, MappingIn(system="catenax", kind=kind, external_code=code, master_ref=ref))

    in_transaction(map_codes)
    bad = copy.deepcopy(document)
    bad["demandSeries"][0]["demands"][0]["pointInTime"] = "2023-10-11"
    (tmp_path / "good.json").write_text(json.dumps(document))
    (tmp_path / "bad.json").write_text(json.dumps(bad))

    refused = CliRunner().invoke(main, ["dcm", "import-demand", str(tmp_path / "good.json"), str(tmp_path / "bad.json"), "--api-key", buyer_key])
    assert refused.exit_code == 1
    assert "/demandSeries/0/demands/0/pointInTime" in refused.output
    # All or none: the good file of the refused run was not stored either.
    first = json.loads(_run("dcm", "import-demand", str(tmp_path / "good.json"), "--api-key", buyer_key))
    assert [(r["created"], r["weeks"], r["process"]) for r in first] == [(True, 1, "cnc_machining")]

    compared = json.loads(_run("dcm", "compare", "--api-key", buyer_key, "--start", "2023-10-09", "--weeks", "1", "--json"))
    # The official example is an inactive demand: stored, not compared.
    assert compared["rows"] == [] and compared["not_compared"] == 0

    exported = tmp_path / "groups.json"
    _run("dcm", "export-capacity", "--api-key", factory_key, "--start", "2023-10-09", "--weeks", "2", "-o", str(exported))
    # The factory has no capacity, no bookings and no active demand naming it: nothing to export.
    assert json.loads(exported.read_text()) == []
