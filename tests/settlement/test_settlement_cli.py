"""`capool ledger export` from the database and `capool ledger verify` on the file, with a
pinned log key; a row changed in the database makes verify fail and name the entry."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from capool.cli import main
from capool.config import get_settings
from settlement.ledger.entries import EntryType


@pytest.fixture
def cli_db(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    path = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def _invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _seed(url: str) -> tuple[str, str]:
    from capool.db import create_engine, create_session_factory
    from capool.tenancy.service import create_alliance
    from settlement import service

    async def run() -> tuple[str, str]:
        engine = create_engine(url)
        async with create_session_factory(engine)() as session:
            alliance = await create_alliance(session, "CLI Alliance")
            for index in range(6):
                await service.append(session, alliance.id, EntryType.SHIPPED, {"n": index}, parties=[], source_key=f"cli:{index}")
            await service.issue_checkpoint(session, alliance.id)
            vkey = service.log_signing_key(alliance.id, 1).verifier.vkey
            await session.commit()
        await engine.dispose()
        return str(alliance.id), vkey

    return asyncio.run(run())


def test_export_then_verify_and_detect_a_changed_row(cli_db: Path, tmp_path: Path) -> None:
    assert _invoke("migrate").exit_code == 0
    alliance_id, vkey = _seed(f"sqlite+aiosqlite:///{cli_db}")
    out = tmp_path / "ledger.jsonl"
    exported = _invoke("ledger", "export", "--alliance", alliance_id, str(out))
    assert exported.exit_code == 0 and "exported 6 entries, 1 checkpoints" in exported.output
    ok = _invoke("ledger", "verify", str(out), "--log-key", vkey, "--json")
    assert ok.exit_code == 0 and json.loads(ok.output)["ok"] is True
    # A log key the verifier does not trust: the checkpoints carry no trusted signature.
    from settlement.ledger.keys import SigningKey

    untrusted = _invoke("ledger", "verify", str(out), "--log-key", SigningKey.generate(f"capool/ledger/{alliance_id}").verifier.vkey)
    assert untrusted.exit_code == 1

    with sqlite3.connect(cli_db) as conn:
        conn.execute("UPDATE ledger_entries SET payload_json = ? WHERE seq = 2", ('{"n":20}',))
    _invoke("ledger", "export", "--alliance", alliance_id, str(out))
    bad = _invoke("ledger", "verify", str(out), "--log-key", vkey, "--json")
    assert bad.exit_code == 1
    assert json.loads(bad.output)["failure"]["seq"] == 2
