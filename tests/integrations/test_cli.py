"""The integrations' CLI verbs against a real database file: the drop folder (`capool exchange
watch --once`) and the operator's `webhooks allow-private`."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from capool.cli import main


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_watch_once_imports_and_moves_files(cli_database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _run("migrate")
    alliance = json.loads(_run("admin", "create-alliance", "CLI Alliance"))
    _run("admin", "add-process", "--alliance", alliance["alliance_id"], "--en", "Screen printing", "--zh-cn", "丝网印刷", "screen_printing")
    org = json.loads(_run("admin", "create-org", "--alliance", alliance["alliance_id"], "--kind", "buyer", "--region", "guangzhou", "Brand"))
    user = json.loads(_run("admin", "create-user", "--org", org["organisation_id"], "--role", "buyer", "--name", "Li", "li@brand.example"))
    key = json.loads(_run("admin", "create-key", "--user", user["user_id"], "erp-drop"))["api_key"]
    drop = tmp_path / "drop"
    (drop / "orders").mkdir(parents=True)
    due = (datetime.now(UTC) + timedelta(days=20)).isoformat()
    (drop / "orders" / "daily.csv").write_text(f"reference,product,process,quantity,due_at,currency\nD-1,tee,screen_printing,10,{due},CNY\n")
    (drop / "orders" / "broken.csv").write_text(f"reference,product,process,quantity,due_at,currency\nD-2,tee,screen_printing,zero,{due},CNY\n")
    output = _run("exchange", "watch", str(drop), "--api-key", key, "--once")
    assert "daily.csv imported 1 rows" in output and "broken.csv rejected (1 errors)" in output
    assert (drop / "orders" / "done" / "daily.csv").exists()
    assert "quantity" in (drop / "orders" / "failed" / "broken.csv.errors.csv").read_text()

    missing = CliRunner().invoke(main, ["webhooks", "allow-private", str(uuid.uuid4())])
    assert missing.exit_code == 1 and "not found" in missing.output
