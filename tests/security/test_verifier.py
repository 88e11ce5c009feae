"""The offline ledger verifier cannot be fooled by omission: it refuses without a pinned
log key (unless told to trust the export's keys), rejects an export cut back below a
pinned checkpoint or a minimum size, fails clearly when the chain holds no anchor or no
registry, and `ledger export` of an unknown alliance is an error, not an empty file.

Each case runs through `verify_export` and through `capool ledger verify`."""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.ext.asyncio import AsyncEngine

from capool.cli import main
from capool.db import create_session_factory
from capool.errors import NotFound
from settlement import service
from settlement.chain import AnchorRegistry, SettlementChain
from settlement.export import PinnedCheckpoint, VerificationReport, verify_export, write_export
from settlement.ledger.checkpoint import Checkpoint
from settlement.ledger.entries import EntryType
from tests.conftest import World
from tests.security.rpc_bridge import RpcBridge
from tests.settlement.ledger_scenario import LEDGER_ID, LedgerScenario, new_scenario

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def scenario() -> LedgerScenario:
    """26 entries with checkpoints at 13 and 26."""
    built = new_scenario()
    built.append_story(1)
    built.checkpoint()
    built.append_story(1)
    built.checkpoint()
    built.supplier_cosigns(6)
    return built


def _export(scenario: LedgerScenario, size: int | None = None) -> str:
    """The export as the operator would write it, optionally cut back to the first `size`
    entries and the checkpoints within them (a consistent earlier state)."""
    size = len(scenario.entries) if size is None else size
    out = io.StringIO()
    write_export(
        out,
        ledger_id=LEDGER_ID,
        origin=scenario.ledger.origin,
        keys=list(scenario.keyring),
        entries=scenario.entries[:size],
        checkpoints=[note for note in scenario.checkpoints if Checkpoint.from_text(note.text).tree_size <= size],
        cosignatures=[c for c in scenario.cosignatures if c.seq < size],
    )
    return out.getvalue()


def _pin(scenario: LedgerScenario, index: int) -> PinnedCheckpoint:
    checkpoint = Checkpoint.from_text(scenario.checkpoints[index].text)
    return PinnedCheckpoint(checkpoint.tree_size, checkpoint.root_hash)


def _verify(text: str, scenario: LedgerScenario, **options) -> VerificationReport:  # type: ignore[no-untyped-def]
    return verify_export(io.StringIO(text), trusted_log_keys=[scenario.log_key.verifier.vkey], **options)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / f"{uuid.uuid4().hex}.jsonl"
    path.write_text(text, encoding="utf-8")
    return path


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, ["ledger", "verify", *args], catch_exceptions=False)


def _failed_with(result: Result, reason: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    # One line, naming the reason; no traceback.
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("FAILED ledger "), result.stderr
    assert reason in result.stderr, result.stderr


# --- the log key ------------------------------------------------------------------------


def test_without_a_pinned_log_key_it_refuses_unless_told_to_trust_the_export(scenario: LedgerScenario, tmp_path: Path) -> None:
    text = _export(scenario)
    refused = verify_export(io.StringIO(text))
    assert not refused.ok and refused.failure is not None
    assert refused.failure.reason.startswith("no log key is pinned")
    trusted = verify_export(io.StringIO(text), trust_embedded_keys=True)
    assert trusted.ok and trusted.attested_size == 26, trusted.failure
    assert _verify(text, scenario).ok

    path = _write(tmp_path, text)
    _failed_with(_cli(str(path)), "no log key is pinned")
    assert _cli(str(path), "--trust-embedded-keys").exit_code == 0
    pinned = _cli(str(path), "--log-key", scenario.log_key.verifier.vkey)
    assert pinned.exit_code == 0 and pinned.stdout.startswith(f"OK ledger {LEDGER_ID}: 26 entries, 2 checkpoints")
    # The pin to keep for next time is printed, in the form --pin-checkpoint takes.
    assert f"--pin-checkpoint {_pin(scenario, 1)}" in pinned.stdout


# --- pins: an export cut back to an earlier consistent state ------------------------------


def test_a_header_only_export_fails_against_a_pin_or_a_minimum_size(scenario: LedgerScenario, tmp_path: Path) -> None:
    header_only = _export(scenario, size=0)
    # Without a pin it is a valid empty ledger: that is exactly the omission pins catch.
    assert _verify(header_only, scenario).ok
    by_size = _verify(header_only, scenario, min_size=1)
    assert not by_size.ok and by_size.failure is not None
    assert by_size.failure.reason == "the newest checkpoint covers 0 entries, fewer than the required 1: the export is cut back"
    by_pin = _verify(header_only, scenario, pinned_checkpoints=[_pin(scenario, 0)])
    assert not by_pin.ok and by_pin.failure is not None
    assert by_pin.failure.reason.startswith("the pinned checkpoint covers 13 entries but the newest checkpoint only 0")

    path, vkey = _write(tmp_path, header_only), scenario.log_key.verifier.vkey
    assert _cli(str(path), "--log-key", vkey).exit_code == 0
    _failed_with(_cli(str(path), "--log-key", vkey, "--min-size", "1"), "fewer than the required 1")
    _failed_with(_cli(str(path), "--log-key", vkey, "--pin-checkpoint", str(_pin(scenario, 0))), "the export is cut back")


def test_an_export_cut_back_below_a_seen_checkpoint_is_rejected(scenario: LedgerScenario, tmp_path: Path) -> None:
    cut_back = _export(scenario, size=13)
    assert _verify(cut_back, scenario).ok  # consistent with itself
    report = _verify(cut_back, scenario, pinned_checkpoints=[_pin(scenario, 1)])
    assert not report.ok and report.failure is not None
    assert report.failure.reason.startswith("the pinned checkpoint covers 26 entries but the newest checkpoint only 13")
    assert not _verify(cut_back, scenario, min_size=26).ok
    # Pinned at exactly the size it has: the export carries that checkpoint.
    assert _verify(cut_back, scenario, pinned_checkpoints=[_pin(scenario, 0)], min_size=13).ok

    path, vkey = _write(tmp_path, cut_back), scenario.log_key.verifier.vkey
    _failed_with(_cli(str(path), "--log-key", vkey, "--pin-checkpoint", str(_pin(scenario, 1))), "the export is cut back")
    _failed_with(_cli(str(path), "--log-key", vkey, "--min-size", "26"), "fewer than the required 26")
    assert _cli(str(path), "--log-key", vkey, "--pin-checkpoint", str(_pin(scenario, 0)), "--min-size", "13").exit_code == 0


def test_a_longer_export_must_prove_consistency_with_the_pin(scenario: LedgerScenario, tmp_path: Path) -> None:
    full = _export(scenario)
    both = [_pin(scenario, 0), _pin(scenario, 1)]
    assert _verify(full, scenario, pinned_checkpoints=both, min_size=26).ok
    # What a party saw of a different history (same size, another root): the export is a fork.
    forked_pin = PinnedCheckpoint(13, hashlib.sha256(b"a different history").digest())
    report = _verify(full, scenario, pinned_checkpoints=[forked_pin])
    assert not report.ok and report.failure is not None
    assert report.failure.reason.startswith("the export does not extend the pinned checkpoint of size 13")
    # A pin between checkpoints is checked against the entries themselves.
    assert _verify(full, scenario, pinned_checkpoints=[PinnedCheckpoint(20, scenario.ledger.tree.root(20))]).ok
    assert not _verify(full, scenario, pinned_checkpoints=[PinnedCheckpoint(20, scenario.ledger.tree.root(19))]).ok

    path, vkey = _write(tmp_path, full), scenario.log_key.verifier.vkey
    assert _cli(str(path), "--log-key", vkey, *(f"--pin-checkpoint={pin}" for pin in both)).exit_code == 0
    _failed_with(_cli(str(path), "--log-key", vkey, "--pin-checkpoint", str(forked_pin)), "does not extend the pinned checkpoint")
    malformed = _cli(str(path), "--log-key", vkey, "--pin-checkpoint", "13:zz")
    assert malformed.exit_code == 2 and "--pin-checkpoint" in malformed.stderr


# --- anchors read from the chain ---------------------------------------------------------


@pytest.fixture(scope="module")
def chain() -> SettlementChain:
    return SettlementChain.in_process()


@pytest.fixture(scope="module")
def rpc(chain: SettlementChain) -> Iterator[RpcBridge]:
    with RpcBridge(chain) as bridge:
        yield bridge


def test_a_registry_without_an_anchor_for_the_ledger_fails(scenario: LedgerScenario, chain, rpc: RpcBridge, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    registry, _ = AnchorRegistry.deploy(chain)
    registry.anchor_checkpoint("another-ledger", scenario.checkpoints[0])
    text = _export(scenario)
    report = _verify(text, scenario, anchor_registry=registry)
    assert not report.ok and report.failure is not None
    assert report.failure.reason == f"the registry at {registry.address} holds no anchor for ledger {LEDGER_ID}"
    path, vkey = _write(tmp_path, text), scenario.log_key.verifier.vkey
    _failed_with(_cli(str(path), "--log-key", vkey, "--rpc-url", rpc.url, "--registry", registry.address), "holds no anchor for ledger")

    # Once the ledger is anchored, the same call passes.
    registry.anchor_checkpoint(LEDGER_ID, scenario.checkpoints[0])
    registry.anchor_checkpoint(LEDGER_ID, scenario.checkpoints[1])
    anchored = _verify(text, scenario, anchor_registry=registry)
    assert anchored.ok and anchored.onchain_anchors == 2, anchored.failure
    ok = _cli(str(path), "--log-key", vkey, "--rpc-url", rpc.url, "--registry", registry.address)
    assert ok.exit_code == 0 and ", 2 on-chain anchors;" in ok.stdout, ok.output
    # And a cut-back export is caught by the chain even without any pin.
    _failed_with(
        _cli(str(_write(tmp_path, _export(scenario, size=13))), "--log-key", vkey, "--rpc-url", rpc.url, "--registry", registry.address),
        "on-chain anchor 1 (size 26): anchor covers 26 entries but the ledger has 13",
    )


def test_no_contract_at_the_registry_address_fails(scenario: LedgerScenario, chain, rpc: RpcBridge, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    nobody = "0x" + "42" * 20
    report = _verify(_export(scenario), scenario, anchor_registry=AnchorRegistry(chain, nobody))
    assert not report.ok and report.failure is not None
    assert report.failure.reason.startswith("there is no contract at the registry address 0x4242")
    path, vkey = _write(tmp_path, _export(scenario)), scenario.log_key.verifier.vkey
    _failed_with(_cli(str(path), "--log-key", vkey, "--rpc-url", rpc.url, "--registry", nobody), "there is no contract at the registry address")
    not_an_address = _cli(str(path), "--log-key", vkey, "--rpc-url", rpc.url, "--registry", "0xnope")
    assert not_an_address.exit_code == 2 and "--registry" in not_an_address.stderr
    alone = _cli(str(path), "--log-key", vkey, "--rpc-url", rpc.url)
    assert alone.exit_code == 2 and "--rpc-url and --registry go together" in alone.stderr


def test_an_unreachable_node_fails_in_one_line(scenario: LedgerScenario, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    path, vkey = _write(tmp_path, _export(scenario)), scenario.log_key.verifier.vkey
    result = _cli(str(path), "--log-key", vkey, "--rpc-url", f"http://127.0.0.1:{port}", "--registry", "0x" + "42" * 20)
    _failed_with(result, "cannot read anchors from the registry at 0x4242")


# --- export of an unknown alliance --------------------------------------------------------


def _capool(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(REPO), "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-c", "from capool.cli import main; main()", *args],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )


async def test_exporting_an_unknown_alliance_is_a_clear_error(db: AsyncEngine, database_url: str, world: World, tmp_path: Path) -> None:
    unknown = uuid.uuid4()
    async with create_session_factory(db)() as session:
        with pytest.raises(NotFound):
            await service.export_ledger(session, unknown, io.StringIO())
    out = tmp_path / "ledger.jsonl"
    result = _capool(database_url, "ledger", "export", "--alliance", str(unknown), str(out))
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: alliance {unknown} not found"
    assert not out.exists() and list(tmp_path.iterdir()) == []

    # A known alliance exports, and the file verifies with the log key and a minimum size.
    async with create_session_factory(db)() as session:
        for index in range(3):
            await service.append(session, world.alliance_id, EntryType.SHIPPED, {"n": index}, parties=[], source_key=f"sec:{index}")
        await service.issue_checkpoint(session, world.alliance_id)
        vkey = service.log_signing_key(world.alliance_id, 1).verifier.vkey
        await session.commit()
    exported = _capool(database_url, "ledger", "export", "--alliance", str(world.alliance_id), str(out))
    assert exported.returncode == 0 and "exported 3 entries, 1 checkpoints" in exported.stdout, exported.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["ledger.jsonl"]
    verified = _cli(str(out), "--log-key", vkey, "--min-size", "3", "--json")
    assert verified.exit_code == 0 and json.loads(verified.stdout)["attestedSize"] == 3
