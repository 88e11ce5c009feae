"""The `capool` command line against a real database file: migrate, admin verbs, a key that works."""

from __future__ import annotations

import json

from click.testing import CliRunner

from capool.cli import main


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_admin_verbs_create_a_member_with_a_working_key(cli_database) -> None:  # type: ignore[no-untyped-def]
    _run("migrate")
    alliance = json.loads(_run("admin", "create-alliance", "CLI Alliance"))
    org = json.loads(_run("admin", "create-org", "--alliance", alliance["alliance_id"], "--kind", "factory", "--region", "dongguan", "Dongguan Metalworks"))
    user = json.loads(_run("admin", "create-user", "--org", org["organisation_id"], "--role", "supplier_operator", "--name", "Chen", "chen@metal.example"))
    key = json.loads(_run("admin", "create-key", "--user", user["user_id"], "--scope", "capacity:read", "integration"))
    assert key["api_key"].startswith("cpk_") and key["scopes"] == ["capacity:read"]

    bad = CliRunner().invoke(main, ["admin", "create-org", "--alliance", alliance["alliance_id"], "--kind", "buyer", "Dongguan Metalworks"])
    assert bad.exit_code == 1 and bad.output.startswith("Error: ") and "already exists" in bad.output  # a message, not a traceback


def test_admin_keeps_an_alliance_process_catalogue(cli_database) -> None:  # type: ignore[no-untyped-def]
    _run("migrate")
    alliance = json.loads(_run("admin", "create-alliance", "CLI Alliance"))["alliance_id"]
    added = json.loads(_run("admin", "add-process", "--alliance", alliance, "--en", "Welding", "--zh-cn", "焊接", "welding"))
    assert (added["code"], added["names"], added["retired_at"]) == ("welding", {"en": "Welding", "zh-CN": "焊接"}, None)
    json.loads(_run("admin", "add-process", "--alliance", alliance, "--en", "Stamping", "--zh-cn", "冲压", "stamping"))
    assert [json.loads(line)["code"] for line in _run("admin", "processes", "--alliance", alliance).splitlines()] == ["stamping", "welding"]

    retired = json.loads(_run("admin", "retire-process", "--alliance", alliance, "welding"))
    assert retired["process_id"] == added["process_id"] and retired["retired_at"] is not None
    assert [json.loads(line)["code"] for line in _run("admin", "processes", "--alliance", alliance).splitlines()] == ["stamping"]
    assert len(_run("admin", "processes", "--alliance", alliance, "--include-retired").splitlines()) == 2

    again = CliRunner().invoke(main, ["admin", "add-process", "--alliance", alliance, "--en", "Stamping", "--zh-cn", "冲压", "stamping"])
    assert again.exit_code == 1 and "already in the alliance's catalogue" in again.output
    bad = CliRunner().invoke(main, ["admin", "add-process", "--alliance", alliance, "--en", "Bad", "--zh-cn", "坏", "Bad Code!"])
    assert bad.exit_code == 2 and "code" in bad.output
    twice = CliRunner().invoke(main, ["admin", "retire-process", "--alliance", alliance, "welding"])
    assert twice.exit_code == 1 and "already retired" in twice.output
