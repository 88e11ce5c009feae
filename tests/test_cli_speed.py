"""`capool --help` and every command's and group's help stay fast: they import none of the
platform's heavy libraries (each a second or more to import). Asserted on what is imported,
not on time, in fresh interpreters (the test process itself has imported everything).
Also `--version`, `-h` meaning help everywhere, and the wiring still loaded by commands that
touch the database."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Top-level packages only the verbs themselves may import. `capool.wiring` imports every
# area's tables and consumers, and with them most of the list.
HEAVY = ("web3", "eth_account", "ortools", "onnxruntime", "pandas", "statsforecast", "scipy", "numpy",
         "litestar", "strawberry", "sqlalchemy", "dramatiq", "pydantic", "PIL", "capool.wiring")

# Walks the whole command tree in one fresh interpreter and asks every group and verb for its
# help, with -h and with --help; prints, per command path, the heavy modules imported so far.
WALK_HELP = """
import contextlib, io, json, sys
import click
from capool.cli import main

heavy = json.loads(sys.argv[1])
def walk(command, path):
    yield path
    if isinstance(command, click.Group):
        for name in command.list_commands(click.Context(command)):
            yield from walk(command.get_command(click.Context(command), name), [*path, name])

report = []
for path in walk(main, []):
    for flag in ("--help", "-h"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main([*path, flag], prog_name="capool", standalone_mode=False)
        report.append({"path": path, "flag": flag, "code": code, "usage": out.getvalue().startswith("Usage: capool"),
                       "heavy": [m for m in heavy if m in sys.modules]})
print(json.dumps(report))
"""


def _python(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _imported(importtime_stderr: str) -> set[str]:
    """Module names from `python -X importtime` output ("import time: self | cumulative | name")."""
    return {line.rsplit("|", 1)[1].strip() for line in importtime_stderr.splitlines() if line.startswith("import time:") and line.count("|") == 2}


def test_every_group_and_verb_help_imports_no_heavy_library() -> None:
    run = _python("-c", WALK_HELP, json.dumps(HEAVY))
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)

    paths = {" ".join(item["path"]) for item in report}
    # The walk reached every area's commands (a lazy entry that failed to load would be missing).
    assert {"", "admin create-key", "match", "ledger verify", "ledger export", "quality plan", "inspection detect", "forecast",
            "forecasts-refresh", "exchange watch", "webhooks sweep", "connectors allow-private", "set-password", "serve", "worker"} <= paths
    assert [item for item in report if item["code"] != 0 or not item["usage"]] == []
    assert [(item["path"], item["flag"], item["heavy"]) for item in report if item["heavy"]] == []


def test_python_m_capool_cli_help_imports_no_heavy_library() -> None:
    for args in (["--help"], ["ledger", "--help"], ["forecast", "-h"]):
        run = _python("-X", "importtime", "-m", "capool.cli", *args)
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("Usage: "), run.stdout
        imported = _imported(run.stderr)
        assert "capool.clitools" in imported  # the parse saw the real import list (capool.cli itself runs as __main__)
        assert sorted(m for m in imported if m.split(".")[0] in HEAVY or m in HEAVY) == [], args


def test_version_is_the_installed_package_version() -> None:
    run = _python("-m", "capool.cli", "--version")
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"capool {importlib.metadata.version('capool')}\n"


def test_dash_h_is_help_everywhere_and_horizon_has_no_short_flag() -> None:
    # In a fresh interpreter, as a user runs it: click caches a command's help option the
    # first time any caller builds it, so an in-process runner would depend on test order.
    result = _python("-m", "capool.cli", "forecast", "-h")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: ") and "--horizon INTEGER" in result.stdout
    assert "-h, --help" in result.stdout and "-h, --horizon" not in result.stdout

    # Before, `-h 6` was the horizon; now `-h` takes no value and answers with the help.
    missing = _python("-m", "capool.cli", "forecast", "train.csv", "--output", "o.csv", "-h")
    assert missing.returncode == 0 and missing.stdout.startswith("Usage: ")


def test_a_database_command_loads_the_wiring_first(tmp_path: Path) -> None:
    # The work runs inside in_transaction, as every database verb's does: by then every table
    # and outbox consumer must be imported, although `capool --help` never imports them.
    snippet = """
import sys
from capool.cli import main
assert "capool.wiring" not in sys.modules
from capool.clitools import in_transaction

async def work(session):
    return "capool.wiring" in sys.modules

print(in_transaction(work))
"""
    env_db = f"sqlite+aiosqlite:///{tmp_path / 'wiring.db'}"
    env = os.environ | {"PYTHONPATH": str(REPO), "DATABASE_URL": env_db}
    run = subprocess.run([sys.executable, "-c", snippet], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "True\n"
