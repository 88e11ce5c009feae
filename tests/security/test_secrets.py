"""No public default secret: what an attacker could sign or derive from the string that was
once published as the default API key pepper no longer works anywhere; the embedded mode
generates its own secrets; a PostgreSQL deployment without secrets refuses to start; the
ledger's log key rotates with old checkpoints still verifying."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from capool.cli import main
from capool.clitools import in_transaction
from capool.clock import utcnow
from capool.config import (
    SECRET_ENV_NAMES,
    MissingSecrets,
    Settings,
    get_settings,
    require_secrets,
    resolve_secrets,
)
from capool.tenancy.service import create_alliance
from settlement import service
from settlement.export import verify_export
from settlement.ledger.checkpoint import origin_for
from settlement.ledger.entries import EntryType
from settlement.ledger.keys import SigningKey
from settlement.ledger.note import SignedNote
from tests.conftest import TEST_SECRETS, World
from tests.portal.conftest import portal, sign_in  # noqa: F401  (portal: the fixture)

PUBLISHED = "capool-dev-pepper-change-me"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Environment changes for one test; afterwards the environment is restored first and
    only then are the cached settings dropped, so no test sees another's settings."""
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def no_secrets(tmp_path: Path, fresh_settings: pytest.MonkeyPatch) -> Path:
    """A working directory without .env and an environment without any secret."""
    for env_name in (*SECRET_ENV_NAMES.values(), "LEDGER_SECRET", "DATABASE_URL"):
        fresh_settings.delenv(env_name, raising=False)
    fresh_settings.chdir(tmp_path)
    return tmp_path


def _mac(key: bytes, body: str) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, body.encode(), hashlib.sha256).digest()).rstrip(b"=").decode("ascii")


# ---------------------------------------------------------------- portal sessions


async def test_a_cookie_signed_with_the_published_pepper_is_refused(portal: httpx.AsyncClient, db: AsyncEngine, world: World) -> None:
    await sign_in(portal, db, world.admin)
    assert (await portal.get("/portal/admin")).status_code == 200
    body, _ = portal.cookies["capool_portal"].split(".")
    # The portal's old cookie key: HMAC(pepper, label), with the pepper everybody knew.
    published_key = hmac.new(PUBLISHED.encode(), b"capool-portal-session-v1", hashlib.sha256).digest()
    portal.cookies.clear()
    portal.cookies.set("capool_portal", f"{body}.{_mac(published_key, body)}", domain="capool.test", path="/portal")

    refused = await portal.get("/portal/admin")

    assert refused.status_code == 303 and refused.headers["location"].startswith("/portal/login")


# ---------------------------------------------------------------- embedded secrets


def test_the_embedded_mode_generates_private_secrets_once(
    no_secrets: Path, fresh_settings: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture
) -> None:
    settings = get_settings()
    path = no_secrets / "var" / "secrets.json"

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text())
    assert set(stored) == set(SECRET_ENV_NAMES)
    assert {name: getattr(settings, name).get_secret_value() for name in SECRET_ENV_NAMES} == stored
    assert len(set(stored.values())) == 3 and PUBLISHED not in stored.values()
    assert "var/secrets.json" in caplog.text and not any(value in caplog.text for value in stored.values())
    require_secrets(settings)

    # Never overwritten: a second start reads the same file.
    get_settings.cache_clear()
    assert get_settings().ledger_secret.get_secret_value() == stored["ledger_secret"]  # type: ignore[union-attr]
    assert json.loads(path.read_text()) == stored

    # Another fresh var/ has secrets of its own.
    fresh_settings.chdir(tmp_path_factory.mktemp("second"))
    get_settings.cache_clear()
    other = get_settings()
    assert all(getattr(other, name).get_secret_value() != stored[name] for name in SECRET_ENV_NAMES)


def test_a_configured_secret_wins_over_the_file(no_secrets: Path, fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("SESSION_SECRET", "configured-session-secret-0123")
    settings = get_settings()
    assert settings.session_secret.get_secret_value() == "configured-session-secret-0123"  # type: ignore[union-attr]
    assert "session_secret" in json.loads((no_secrets / "var" / "secrets.json").read_text())


# ---------------------------------------------------------------- PostgreSQL refuses


def test_postgresql_without_secrets_is_refused_naming_them(no_secrets: Path) -> None:
    settings = resolve_secrets(Settings(database_url="postgresql+asyncpg://capool@db.example/capool"))

    with pytest.raises(MissingSecrets) as refused:
        require_secrets(settings)

    message = str(refused.value)
    assert all(f"{env_name} is not set" in message for env_name in SECRET_ENV_NAMES.values())
    assert not (no_secrets / "var").exists()  # nothing generated for a PostgreSQL deployment


def test_the_published_string_is_refused_as_a_configured_secret(no_secrets: Path, fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("API_KEY_PEPPER", PUBLISHED)
    with pytest.raises(MissingSecrets, match="API_KEY_PEPPER is a published example value"):
        require_secrets(get_settings())


def test_capool_serve_on_postgresql_without_secrets_does_not_start(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if name not in TEST_SECRETS and name != "LEDGER_SECRET"}
    env |= {"PYTHONPATH": str(REPO), "DATABASE_URL": "postgresql+asyncpg://capool@127.0.0.1:1/capool"}

    started = subprocess.run(
        [sys.executable, "-m", "capool.cli", "serve", "--port", "1"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )

    assert started.returncode == 1
    assert "refuses to start without its secrets" in started.stderr
    assert all(f"{env_name} is not set" in started.stderr for env_name in SECRET_ENV_NAMES.values())
    assert "capool API:" not in started.stdout


# ---------------------------------------------------------------- ledger keys


async def _ledger(session: AsyncSession, entries: int = 4) -> uuid.UUID:
    alliance = await create_alliance(session, f"Ledger {uuid.uuid4().hex[:6]}")
    for index in range(entries):
        await service.append(session, alliance.id, EntryType.SHIPPED, {"n": index}, parties=[], source_key=f"sec:{alliance.id}:{index}")
    return alliance.id


async def _export(session: AsyncSession, alliance_id: uuid.UUID) -> io.StringIO:
    out = io.StringIO()
    await service.export_ledger(session, alliance_id, out)
    out.seek(0)
    return out


async def test_a_log_key_derived_from_the_published_string_does_not_verify_the_ledger(session: AsyncSession) -> None:
    alliance_id = await _ledger(session)
    await service.issue_checkpoint(session, alliance_id)
    await session.commit()
    ledger_id = service.ledger_id_of(alliance_id)
    # Exactly how the log key used to be derived when no ledger secret was set.
    seed = hmac.new(PUBLISHED.encode(), f"capool-ledger-log-key/{ledger_id}/1".encode(), hashlib.sha256).digest()
    published_vkey = SigningKey(origin_for(ledger_id), Ed25519PrivateKey.from_private_bytes(seed)).verifier.vkey
    real_vkey = service.log_signing_key(alliance_id, 1).verifier.vkey
    assert published_vkey != real_vkey

    assert verify_export(await _export(session, alliance_id), trusted_log_keys=[real_vkey]).ok
    forged_trust = verify_export(await _export(session, alliance_id), trusted_log_keys=[published_vkey])
    assert not forged_trust.ok and "not among the trusted log keys" in forged_trust.failure.reason  # type: ignore[union-attr]


def test_dotenv_values_for_ledger_and_chain_are_honoured(no_secrets: Path) -> None:
    (no_secrets / ".env").write_text(
        "CAPOOL_LEDGER_SECRET=ledger-secret-from-dotenv-1234\n"
        "CAPOOL_CHAIN_RPC_URL=http://chain.example:8545\n"
        "CAPOOL_CHAIN_PRIVATE_KEY=0x" + "11" * 32 + "\n"
        "CAPOOL_ANCHOR_REGISTRY=0x" + "ab" * 20 + "\n"
        "CAPOOL_MATCHING_WORKERS=7\n"
        "CAPOOL_INSPECTION_MAX_IMAGE_BYTES=4096\n"
    )
    settings = get_settings()

    assert settings.ledger_secret.get_secret_value() == "ledger-secret-from-dotenv-1234"  # type: ignore[union-attr]
    assert settings.chain.rpc_url == "http://chain.example:8545"
    assert settings.chain.private_key.get_secret_value() == "0x" + "11" * 32  # type: ignore[union-attr]
    assert settings.anchor.registry == "0x" + "ab" * 20
    assert (settings.matching.workers, settings.inspection.max_image_bytes) == (7, 4096)
    # The ledger's key derivation uses the .env secret, not anything generated.
    alliance_id = uuid.uuid4()
    seed = hmac.new(b"ledger-secret-from-dotenv-1234", f"capool-ledger-log-key/{alliance_id}/1".encode(), hashlib.sha256).digest()
    expected = SigningKey(origin_for(str(alliance_id)), Ed25519PrivateKey.from_private_bytes(seed))
    assert service.log_signing_key(alliance_id, 1).verifier.vkey == expected.verifier.vkey


# ---------------------------------------------------------------- rotation


async def test_rotation_keeps_old_checkpoints_verifiable(session: AsyncSession, fresh_settings: pytest.MonkeyPatch) -> None:
    now = utcnow()
    alliance_id = await _ledger(session)
    before = await service.issue_checkpoint(session, alliance_id, at=now - timedelta(hours=2))
    await session.commit()
    old_vkey = service.log_signing_key(alliance_id, 1).verifier.vkey

    # The ledger secret is replaced (say it leaked): signing with the old generation now
    # refuses, rather than issuing checkpoints no verifier accepts.
    fresh_settings.setenv("CAPOOL_LEDGER_SECRET", "the-replacement-ledger-secret-77")
    get_settings.cache_clear()
    await service.append(session, alliance_id, EntryType.SHIPPED, {"n": 99}, parties=[], source_key=f"sec:{alliance_id}:after")
    with pytest.raises(service.LedgerKeyMismatch, match="rotate-key"):
        await service.issue_checkpoint(session, alliance_id, at=now)
    await session.rollback()

    new_vkey = await service.rotate_log_key(session, alliance_id, at=now - timedelta(hours=1))
    await service.append(session, alliance_id, EntryType.SHIPPED, {"n": 99}, parties=[], source_key=f"sec:{alliance_id}:after")
    after = await service.issue_checkpoint(session, alliance_id, at=now)
    await session.commit()

    assert before is not None and after is not None and new_vkey != old_vkey
    old_id, new_id = old_vkey.split("+")[1], new_vkey.split("+")[1]
    assert [signature.key_id.hex() for signature in SignedNote.parse(before.format()).signatures] == [old_id]
    assert [signature.key_id.hex() for signature in SignedNote.parse(after.format()).signatures] == [new_id]
    report = verify_export(await _export(session, alliance_id), trusted_log_keys=[old_vkey, new_vkey])
    assert report.ok, report.failure
    assert (report.checkpoints, report.attested_size) == (2, 5)


def test_the_rotate_key_command_then_verify_with_both_keys(tmp_path: Path, fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'rotate.db'}")
    runner = CliRunner()
    assert runner.invoke(main, ["migrate"], catch_exceptions=False).exit_code == 0
    alliance = json.loads(runner.invoke(main, ["admin", "create-alliance", "Rotating"], catch_exceptions=False).stdout)["alliance_id"]
    alliance_id = uuid.UUID(alliance)

    async def seed(session: AsyncSession) -> None:
        for index in range(3):
            await service.append(session, alliance_id, EntryType.SHIPPED, {"n": index}, parties=[], source_key=f"rot:{index}")
        await service.issue_checkpoint(session, alliance_id, at=utcnow() - timedelta(seconds=5))

    in_transaction(seed)
    old_vkey = service.log_signing_key(alliance_id, 1).verifier.vkey
    rotated = runner.invoke(main, ["ledger", "rotate-key", "--alliance", alliance], catch_exceptions=False)
    assert rotated.exit_code == 0
    new_vkey = rotated.stdout.strip().rsplit(" ", 1)[1]
    assert new_vkey == service.log_signing_key(alliance_id, 2).verifier.vkey
    time.sleep(0.01)  # the new checkpoint's time is after the rotation

    async def grow(session: AsyncSession) -> None:
        await service.append(session, alliance_id, EntryType.SHIPPED, {"n": 3}, parties=[], source_key="rot:3")

    in_transaction(grow)
    assert runner.invoke(main, ["ledger", "checkpoint", "--alliance", alliance], catch_exceptions=False).exit_code == 0
    out = tmp_path / "ledger.jsonl"
    assert runner.invoke(main, ["ledger", "export", "--alliance", alliance, str(out)], catch_exceptions=False).exit_code == 0

    both = runner.invoke(main, ["ledger", "verify", str(out), "--log-key", old_vkey, "--log-key", new_vkey, "--json"])
    assert both.exit_code == 0, both.output
    assert json.loads(both.stdout)["checkpoints"] == 2
    only_new = runner.invoke(main, ["ledger", "verify", str(out), "--log-key", new_vkey, "--json"])
    assert only_new.exit_code == 1
