"""What scripts and people get from the `capool` verbs: `--json` everywhere a script reads
the answer (stdout is then one JSON document and nothing else), and progress bars on stderr
that come from the work loops themselves, shown only on a terminal and not with --quiet."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import click
from click.testing import CliRunner

from capool.cli import main

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
# Verbs that run until stopped (or only start other processes' work): nothing to answer in JSON.
LONG_RUNNING = {"serve", "worker", "scheduler"}


def _leaves(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    if isinstance(command, click.Group):
        context = click.Context(command)
        return [leaf for name in command.list_commands(context) for leaf in _leaves(command.get_command(context, name), (*path, name))]  # type: ignore[arg-type]
    return [(path, command)]


def _json(*args: str, exit_code: int = 0) -> object:
    """Run the verb; its stdout must be exactly one JSON document."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == exit_code, (args, result.output)
    return json.loads(result.stdout)


def _buyer_key(alliance_name: str) -> tuple[str, str]:
    """A new alliance whose catalogue holds the examples' processes, and a buyer's API key."""
    alliance = _json("admin", "create-alliance", alliance_name, "--json")["alliance_id"]  # type: ignore[index]
    for code, en, zh in (("screen_printing", "Screen printing", "丝网印刷"), ("embroidery", "Embroidery", "刺绣"), ("cutting", "Cutting", "裁剪")):
        added = _json("admin", "add-process", "--alliance", alliance, "--en", en, "--zh-cn", zh, code, "--json")
        assert added["code"] == code and added["retired_at"] is None  # type: ignore[index]
    org = _json("admin", "create-org", "--alliance", alliance, "--kind", "buyer", "Brand", "--json")["organisation_id"]  # type: ignore[index]
    user = _json("admin", "create-user", "--org", org, "--role", "buyer", "--name", "B", f"b@{alliance_name.lower().replace(' ', '')}.example",
                 "--json")["user_id"]  # type: ignore[index]
    return alliance, _json("admin", "create-key", "--user", user, "cli", "--json")["api_key"]  # type: ignore[index,return-value]


def test_every_verb_that_answers_takes_json() -> None:
    leaves = _leaves(main)
    assert len(leaves) > 25
    missing = [" ".join(path) for path, command in leaves
               if path[0] not in LONG_RUNNING and not any("--json" in param.opts for param in command.params)]
    assert missing == []


def test_json_answers_parse(cli_database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    migrated = _json("migrate", "--json")
    assert migrated["heads"] and migrated["database_url"].startswith("sqlite+aiosqlite:///")  # type: ignore[index]
    alliance, key = _buyer_key("JSON Alliance")
    catalogue = _json("admin", "processes", "--alliance", alliance, "--json")
    assert isinstance(catalogue, list) and sorted(p["code"] for p in catalogue) == ["cutting", "embroidery", "screen_printing"]

    imported = _json("exchange", "import", "orders", str(EXAMPLES / "import" / "orders.csv"), "--api-key", key, "--json")
    assert imported["imported"] == 3 and len(imported["ids"]) == 3  # type: ignore[index]
    # A rejected file: nothing imported, every bad row named on stderr, exit 1.
    bad = tmp_path / "bad.csv"
    bad.write_text("reference,product,process,quantity,due_at,currency\nX-1,tee,screen_printing,-5,2030-01-01,CNY\nX-2,tee,screen_printing,10,never,CNY\n")
    refused = CliRunner().invoke(main, ["exchange", "import", "orders", str(bad), "--api-key", key, "--json"])
    assert refused.exit_code == 1 and refused.stdout == ""
    assert "/rows/2/quantity" in refused.stderr and "/rows/3/due_at" in refused.stderr and "nothing was imported" in refused.stderr
    assert _json("exchange", "import", "orders", str(EXAMPLES / "import" / "orders.json"), "--api-key", key, "--json")["imported"] == 2  # type: ignore[index]

    # The lists page as the API does; show answers the API's object.
    first = _json("orders", "list", "--api-key", key, "--limit", "3", "--json")
    rest = _json("orders", "list", "--api-key", key, "--limit", "3", "--cursor", first["next_cursor"], "--json")  # type: ignore[index]
    references = [o["reference"] for o in first["items"] + rest["items"]]  # type: ignore[index]
    assert sorted(references) == ["API-2030-0201", "API-2030-0202", "SO-2030-0101", "SO-2030-0102", "SO-2030-0103"] and rest["next_cursor"] is None  # type: ignore[index]
    shown = _json("orders", "show", first["items"][0]["id"], "--api-key", key, "--json")  # type: ignore[index]
    assert shown == first["items"][0]  # type: ignore[index]
    assert _json("orders", "list", "--api-key", key, "--process", "embroidery", "--json")["items"][0]["process"] == "embroidery"  # type: ignore[index]
    assert _json("offers", "list", "--api-key", key, "--json") == {"items": [], "next_cursor": None}
    human = CliRunner().invoke(main, ["orders", "list", "--api-key", key])
    assert human.exit_code == 0 and human.stdout.splitlines()[0].split() == ["id", "reference", "process", "quantity", "status", "due_at"]
    missing = CliRunner().invoke(main, ["orders", "show", "00000000-0000-0000-0000-000000000000", "--api-key", key, "--json"])
    assert missing.exit_code == 1 and missing.stdout == "" and "not found" in missing.stderr

    # The buyer's only orders were just placed: no history to forecast from yet.
    assert _json("forecasts-refresh", "--json", "--quiet") == {"refreshed": 0, "granularity": "daily", "horizon_days": 28}
    assert _json("webhooks", "sweep", "--json") is not None
    assert _json("quality", "plan", "--lot-size", "1200", "--aql", "1.0", "--json")["sample_size"] == 80  # type: ignore[index]
    assert _json("set-password", "b@jsonalliance.example", "--password", "a long enough passphrase 1", "--json") == {"email": "b@jsonalliance.example", "password_set": True}

    valid = _json("dcm", "validate", str(EXAMPLES / "catenax" / "WeekBasedMaterialDemand.json"), "--json")
    assert valid["valid"] is True and valid["errors"] == []  # type: ignore[index]
    broken = json.loads((EXAMPLES / "catenax" / "WeekBasedMaterialDemand.json").read_text())
    broken["demandSeries"][0]["demands"][0]["demand"] = -1
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    invalid = _json("dcm", "validate", str(tmp_path / "broken.json"), "--json", exit_code=1)
    assert invalid["valid"] is False and invalid["errors"][0]["path"] == "/demandSeries/0/demands/0/demand"  # type: ignore[index]

    # No worker has run the orders' outbox events into the ledger yet: it is empty.
    assert _json("ledger", "checkpoint", "--alliance", alliance, "--json") == {"checkpoint": None}
    exported = _json("ledger", "export", "--alliance", alliance, str(tmp_path / "ledger.jsonl"), "--json")
    assert exported == {"file": str(tmp_path / "ledger.jsonl"), "entries": 0, "checkpoints": 0, "cosignatures": 0, "anchors": 0, "keys": 0}
    assert (tmp_path / "ledger.jsonl").exists()


def test_json_answers_of_the_engines_and_of_health(tmp_path: Path) -> None:
    answer = _json("match", str(EXAMPLES / "match" / "gap.json"), "--time-limit", "3", "--json")
    assert answer["status"] == "OPTIMAL"  # type: ignore[index]
    forecast = _json("forecast", str(EXAMPLES / "forecast" / "train.csv"), "--horizon", "7", "--season-length", "7", "--no-global",
                     "-o", str(tmp_path / "f.csv"), "--json")
    assert forecast["series"] == 3 and set(forecast["chosen"]) == {"screen_printing", "embroidery", "dtg_printing"}  # type: ignore[index]
    assert (tmp_path / "f.csv").read_text().startswith("unique_id,step,yhat")
    # Nothing listens on a port just released: unhealthy, exit 1, still one JSON object.
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = _json("health", "--port", str(port), "--timeout", "2", "--json", exit_code=1)
    assert down["healthy"] is False and down["status"] is None and down["error"]  # type: ignore[index]


def _on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run `capool ARGS` with stderr on a pseudo-terminal and stdout on a pipe, as in a shell
    `capool ... > out.json`: returns the exit code, stdout, and what the terminal showed."""
    leader, follower = pty.openpty()
    # A terminal of 24 x 100 characters (a fresh pty has 0 x 0, where tqdm draws nothing).
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    shown = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the process closed the terminal
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    process = subprocess.Popen([sys.executable, "-m", "capool.cli", *args], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    stdout, _ = process.communicate(timeout=300)
    reader.join(timeout=30)
    os.close(leader)
    return process.returncode, stdout.decode(), shown.decode(errors="replace")


def test_progress_bars_come_from_the_work_loops_on_a_terminal_only(tmp_path: Path) -> None:
    env = os.environ | {"PYTHONPATH": str(REPO), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bars.db'}"}
    forecast = ["forecast", str(EXAMPLES / "forecast" / "train.csv"), "--horizon", "7", "--season-length", "7", "--no-global", "-o", str(tmp_path / "f.csv"), "--json"]
    code, stdout, shown = _on_a_terminal(forecast, env)
    assert code == 0, shown
    assert json.loads(stdout)["series"] == 3  # the bar never reaches stdout
    assert "series (statistical models)" in shown and "3/3" in shown  # one step per series fitted

    code, stdout, shown = _on_a_terminal(["match", str(EXAMPLES / "match" / "marketplace.json"), "--time-limit", "3"], env)
    assert code == 0 and json.loads(stdout)["status"] == "OPTIMAL"
    assert "components" in shown and "1/1" in shown

    # --quiet on a terminal, and no terminal at all: no bar.
    code, stdout, shown = _on_a_terminal([*forecast, "--quiet"], env)
    assert code == 0 and json.loads(stdout)["series"] == 3
    assert "series (statistical models)" not in shown
    piped = subprocess.run([sys.executable, "-m", "capool.cli", *forecast], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and json.loads(piped.stdout)["series"] == 3
    assert "series (statistical models)" not in piped.stderr


def test_the_import_bar_counts_the_rows_imported(cli_database) -> None:  # type: ignore[no-untyped-def]
    _json("migrate", "--json")
    _, key = _buyer_key("Bars")
    env = os.environ | {"PYTHONPATH": str(REPO)}  # DATABASE_URL: cli_database's file
    code, stdout, shown = _on_a_terminal(["exchange", "import", "orders", str(EXAMPLES / "import" / "orders.csv"), "--api-key", key, "--json"], env)
    assert code == 0, shown
    assert json.loads(stdout)["imported"] == 3
    assert "orders rows" in shown and "3/3" in shown
