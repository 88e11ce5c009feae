"""`ledger` commands: `export` writes an alliance's ledger from the database; `verify`
needs nothing but the export file; `anchor` anchors the latest checkpoint on chain."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import click

from capool.clitools import JSON
from settlement.export import AnchorHistory, PinnedCheckpoint, verify_export


@click.group()
def ledger() -> None:
    """Settlement ledger: offline verification of exports."""


def _pinned_checkpoints(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[PinnedCheckpoint]:
    try:
        return [PinnedCheckpoint.parse(value) for value in values]
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@ledger.command()
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--log-key",
    "log_keys",
    multiple=True,
    metavar="VKEY",
    help="Trusted log verifier key (<name>+<key id>+<base64 key>), obtained out of band; repeat for rotated keys.",
)
@click.option(
    "--trust-embedded-keys",
    is_flag=True,
    help="Without --log-key, trust the keys inside the export (proves internal consistency only, not who signed).",
)
@click.option(
    "--pin-checkpoint",
    "pins",
    multiple=True,
    metavar="SIZE:ROOTHEX",
    callback=_pinned_checkpoints,
    help="A tree size and root seen before (e.g. printed by an earlier verify): the export must extend it. Repeatable.",
)
@click.option(
    "--min-size",
    type=click.IntRange(min=0),
    default=0,
    help="The newest checkpoint must cover at least this many entries.",
)
@click.option(
    "--allow-unattested-tail",
    is_flag=True,
    help="Accept entries newer than the newest checkpoint (a truncated tail then goes unnoticed).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--rpc-url", default=None, help="JSON-RPC endpoint: also check the anchors read from the chain itself.")
@click.option("--registry", default=None, help="Address of the anchor registry (with --rpc-url).")
def verify(
    export: Path,
    log_keys: tuple[str, ...],
    trust_embedded_keys: bool,
    pins: list[PinnedCheckpoint],
    min_size: int,
    allow_unattested_tail: bool,
    as_json: bool,
    rpc_url: str | None,
    registry: str | None,
) -> None:
    """Recompute the chain, tree, signatures, proofs and anchors of EXPORT.

    Exits 1 and names the first bad entry or record when anything does not verify, when
    no log key is pinned (unless --trust-embedded-keys), or when the export does not reach
    what was pinned.
    """
    if bool(rpc_url) != bool(registry):
        raise click.UsageError("--rpc-url and --registry go together")
    report = verify_export(
        export,
        trusted_log_keys=log_keys or None,
        trust_embedded_keys=trust_embedded_keys,
        allow_unattested_tail=allow_unattested_tail,
        pinned_checkpoints=pins,
        min_size=min_size,
        anchor_registry=_anchor_registry(rpc_url, registry) if rpc_url and registry else None,
    )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": report.ok,
                    "ledgerId": report.ledger_id,
                    "entries": report.entries,
                    "checkpoints": report.checkpoints,
                    "cosignatures": report.cosignatures,
                    "anchors": report.anchors,
                    "onchainAnchors": report.onchain_anchors,
                    "attestedSize": report.attested_size,
                    "headRoot": report.head_root.hex() if report.head_root else None,
                    "failure": None
                    if report.failure is None
                    else {"seq": report.failure.seq, "line": report.failure.line, "reason": report.failure.reason},
                    "warnings": report.warnings,
                }
            )
        )
    elif report.ok:
        onchain = "" if report.onchain_anchors is None else f", {report.onchain_anchors} on-chain anchors"
        click.echo(
            f"OK ledger {report.ledger_id}: {report.entries} entries, {report.checkpoints} checkpoints, "
            f"{report.cosignatures} co-signatures, {report.anchors} anchors{onchain}; "
            f"root at size {report.attested_size}: {report.head_root.hex() if report.head_root else '-'}"
        )
        if report.head_root:
            click.echo(f"pin this state next time: --pin-checkpoint {report.attested_size}:{report.head_root.hex()}")
        for warning in report.warnings:
            click.echo(f"warning: {warning}")
    else:
        click.echo(f"FAILED ledger {report.ledger_id or '-'}: {report.failure}", err=True)
    if not report.ok:
        raise SystemExit(1)


def _anchor_registry(rpc_url: str, address: str) -> AnchorHistory:
    from web3 import Web3

    from settlement.chain import AnchorRegistry, ChainAccount, SettlementChain

    if not Web3.is_address(address):
        raise click.BadParameter(f"not an address: {address!r}", param_hint="--registry")
    # Reading needs no key; a throwaway account satisfies the client.
    web3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": 30}))
    return AnchorRegistry(SettlementChain(web3, [ChainAccount.from_key(bytes(31) + b"\x01")]), address)


@ledger.command()
@click.option("--alliance", "alliance_id", required=True, type=click.UUID, help="The alliance whose ledger to export.")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@JSON
def export(alliance_id: uuid.UUID, out: Path, as_json: bool) -> None:
    """Write the complete ledger (keys, entries, co-signatures, checkpoints, anchors) to OUT."""
    from capool.clitools import in_transaction
    from settlement import service

    # Written beside OUT and moved into place only when complete, so a failed export
    # leaves no empty or partial file (and no earlier export overwritten) behind.
    partial = out.with_name(f".{out.name}.partial")

    async def work(session):
        with partial.open("w", encoding="utf-8") as handle:
            return await service.export_ledger(session, alliance_id, handle)

    try:
        counts = in_transaction(work)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(out)
    if as_json:
        click.echo(json.dumps({"file": str(out), "entries": counts.entries, "checkpoints": counts.checkpoints, "cosignatures": counts.cosignatures,
                               "anchors": counts.anchors, "keys": counts.keys}))
        return
    click.echo(
        f"exported {counts.entries} entries, {counts.checkpoints} checkpoints, {counts.cosignatures} co-signatures, "
        f"{counts.anchors} anchors, {counts.keys} keys to {out}"
    )


@ledger.command()
@click.option("--alliance", "alliance_id", required=True, type=click.UUID)
@JSON
def checkpoint(alliance_id: uuid.UUID, as_json: bool) -> None:
    """Sign a checkpoint of the ledger head now (--json: {"checkpoint": the signed note, or null when the ledger is empty})."""
    from capool.clitools import in_transaction
    from settlement import service

    note = in_transaction(lambda session: service.issue_checkpoint(session, alliance_id))
    if as_json:
        click.echo(json.dumps({"checkpoint": note.format() if note else None}))
    else:
        click.echo(note.format() if note else "ledger is empty")


@ledger.command()
@click.option("--alliance", "alliance_id", required=True, type=click.UUID)
@JSON
def anchor(alliance_id: uuid.UUID, as_json: bool) -> None:
    """Anchor the latest checkpoint on the configured chain (settings.chain: CAPOOL_CHAIN_RPC_URL ...)."""
    from capool.clitools import in_transaction
    from capool.config import get_settings
    from settlement.anchoring import anchor_latest, default_registry
    from settlement.chain import ChainError

    if not get_settings().chain.rpc_url:
        # The in-process chain lives and dies with its process: one started by this command
        # would hold the anchor only until the command exits.
        raise click.ClickException(
            "no chain is configured (CAPOOL_CHAIN_RPC_URL, CAPOOL_CHAIN_PRIVATE_KEY): the embedded chain lives inside the "
            "process that runs the schedule (`capool serve`, `capool scheduler` or a worker), which anchors every ledger every 10 minutes"
        )
    try:
        registry = default_registry()
        row = in_transaction(lambda session: anchor_latest(session, alliance_id, registry))
    except (ChainError, ConnectionError, OSError) as exc:
        raise click.ClickException(f"anchoring failed: {exc}") from exc
    if as_json:
        click.echo(json.dumps({"registry": registry.address, "registry_configured": bool(get_settings().anchor.registry),
                               "anchored": None if row is None else {"tree_size": row.tree_size, "position": row.position, "tx_hash": row.tx_hash}}))
        return
    click.echo(f"anchored size {row.tree_size} at position {row.position} in tx {row.tx_hash}" if row else "nothing new to anchor")
    if not get_settings().anchor.registry:
        # Without the setting every process deploys its own registry: anchors scatter over many.
        click.echo(f"deployed a new anchor registry at {registry.address}; set CAPOOL_ANCHOR_REGISTRY={registry.address} to keep anchoring there")


@ledger.command("rotate-key")
@click.option("--alliance", "alliance_id", required=True, type=click.UUID)
@JSON
def rotate_key(alliance_id: uuid.UUID, as_json: bool) -> None:
    """Retire the ledger's log key now and start a new one (a new key id) from the current
    ledger secret. Checkpoints signed before keep verifying with the retired key; give
    verifiers the new key as another --log-key. See docs/operations.md."""
    from capool.clitools import in_transaction
    from settlement import service

    vkey = in_transaction(lambda session: service.rotate_log_key(session, alliance_id))
    if as_json:
        click.echo(json.dumps({"log_key": vkey}))
        return
    click.echo(f"new log key (pin it with --log-key, beside the old ones): {vkey}")




@ledger.command("escrow-mode")
@click.option("--alliance", "alliance_id", required=True, type=click.UUID)
@click.option("--mode", type=click.Choice(["invoice", "escrow"]), required=True)
@click.option("--currency", required=True, help="the one currency settled in escrow (ISO 4217), e.g. CNY")
@click.option("--currency-decimals", type=int, required=True, help="decimals of its minor unit: 2 for CNY (fen)")
@click.option("--token-decimals", type=int, required=True, help="decimals of the chain's token: 18 for native ETH value (wei)")
@JSON
def escrow_mode(alliance_id: uuid.UUID, mode: str, currency: str, currency_decimals: int, token_decimals: int, as_json: bool) -> None:
    """Set how an alliance settles from now on. Escrow also needs the chain and the escrow
    contract configured (CAPOOL_CHAIN_RPC_URL, CAPOOL_ESCROW_CONTRACT, CAPOOL_ESCROW_PRIVATE_KEY);
    allocations confirmed earlier keep the mode they were confirmed in."""
    from capool.clitools import in_transaction
    from capool.errors import DomainError
    from settlement import escrow_ops
    from settlement.models import SettlementMode

    try:
        row = in_transaction(lambda session: escrow_ops.set_alliance_settlement(
            session, alliance_id, mode=SettlementMode(mode), currency=currency, currency_decimals=currency_decimals, token_decimals=token_decimals))
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc
    if as_json:
        click.echo(json.dumps({"alliance_id": str(alliance_id), "mode": row.mode.value, "currency": row.currency, "currency_decimals": row.currency_decimals,
                               "token_decimals": row.token_decimals, "escrow_configured": escrow_ops.configured()}))
        return
    click.echo(f"alliance {alliance_id} settles by {row.mode.value}: 1 {row.currency} minor unit = "
               f"10^{row.token_decimals - row.currency_decimals} token units")
    if mode == "escrow" and not escrow_ops.configured():
        click.echo("warning: no escrow chain is configured; allocations settle by invoice until it is")


@ledger.command("escrow-deploy")
@JSON
def escrow_deploy(as_json: bool) -> None:
    """Deploy the milestone escrow contract on the configured chain, with the escrow account
    (CAPOOL_ESCROW_PRIVATE_KEY) as owner and arbiter; prints the address for CAPOOL_ESCROW_CONTRACT."""
    from capool.config import get_settings
    from settlement.chain import ChainAccount, MilestoneEscrow, SettlementChain

    settings = get_settings()
    if not settings.chain.rpc_url or settings.escrow.private_key is None:
        raise click.ClickException("set CAPOOL_CHAIN_RPC_URL and CAPOOL_ESCROW_PRIVATE_KEY first")
    key = settings.escrow.private_key.get_secret_value()
    chain = SettlementChain.connect(settings.chain.rpc_url, key)
    contract, tx = MilestoneEscrow.deploy(chain, ChainAccount.from_key(key).address)
    if as_json:
        click.echo(json.dumps({"address": contract.address, "tx_hash": tx.tx_hash}))
        return
    click.echo(f"deployed the escrow at {contract.address} (tx {tx.tx_hash}); set CAPOOL_ESCROW_CONTRACT={contract.address}")


@ledger.command("escrow-status")
@click.option("--alliance", "alliance_id", required=True, type=click.UUID)
@JSON
def escrow_status(alliance_id: uuid.UUID, as_json: bool) -> None:
    """Escrow operations of an alliance by status, and every one not confirmed with its last error
    (--json: {"counts": ..., "open": [...]})."""
    from sqlalchemy import select

    from capool.clitools import in_transaction
    from settlement.models import EscrowOperation, EscrowStatus

    async def work(session):
        return list((await session.execute(select(EscrowOperation).where(EscrowOperation.alliance_id == alliance_id).order_by(EscrowOperation.id))).scalars())

    operations = in_transaction(work)
    counts = {status.value: sum(op.status is status for op in operations) for status in EscrowStatus}
    if as_json:
        click.echo(json.dumps({"counts": counts, "open": [
            {"id": str(op.id), "kind": op.kind.value, "status": op.status.value, "allocation_id": str(op.allocation_id), "attempts": op.attempts,
             "nonce": op.nonce, "tx_hash": op.tx_hash, "next_attempt_at": op.next_attempt_at.isoformat(), "last_error": op.last_error}
            for op in operations if op.status is not EscrowStatus.CONFIRMED]}))
        return
    click.echo(json.dumps(counts))
    for op in operations:
        if op.status is not EscrowStatus.CONFIRMED:
            click.echo(f"{op.id} {op.kind.value} {op.status.value} allocation={op.allocation_id} attempts={op.attempts} nonce={op.nonce} "
                       f"tx={op.tx_hash} next={op.next_attempt_at.isoformat()} error={op.last_error}")
