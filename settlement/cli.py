"""`ledger` commands: `export` writes an alliance's ledger from the database; `verify`
needs nothing but the export file; `anchor` anchors the latest checkpoint on chain."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import click

from settlement.export import verify_export


@click.group()
def ledger() -> None:
    """Settlement ledger: offline verification of exports."""


@ledger.command()
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--log-key",
    "log_keys",
    multiple=True,
    metavar="VKEY",
    help="Trusted log verifier key (<name>+<key id>+<base64 key>); repeat for rotated keys. "
    "Without it the keys inside the export are trusted.",
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
    export: Path, log_keys: tuple[str, ...], allow_unattested_tail: bool, as_json: bool, rpc_url: str | None, registry: str | None
) -> None:
    """Recompute the chain, tree, signatures, proofs and anchors of EXPORT.

    Exits 1 and names the first bad entry or record when anything does not verify.
    """
    report = verify_export(
        export, trusted_log_keys=log_keys or None, allow_unattested_tail=allow_unattested_tail
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
        click.echo(
            f"OK ledger {report.ledger_id}: {report.entries} entries, {report.checkpoints} checkpoints, "
            f"{report.cosignatures} co-signatures, {report.anchors} anchors; "
            f"root at size {report.attested_size}: {report.head_root.hex() if report.head_root else '-'}"
        )
        for warning in report.warnings:
            click.echo(f"warning: {warning}")
    else:
        click.echo(f"FAILED ledger {report.ledger_id}: {report.failure}", err=True)
    if not report.ok:
        raise SystemExit(1)
    if rpc_url:
        from web3 import Web3

        from settlement.anchoring import check_onchain_anchors
        from settlement.chain import AnchorRegistry, ChainAccount, SettlementChain

        if not registry:
            raise click.UsageError("--registry is required with --rpc-url")
        # Reading needs no key; a throwaway account satisfies the client.
        chain = SettlementChain(Web3(Web3.HTTPProvider(rpc_url)), [ChainAccount.from_key(bytes(31) + b"\x01")])
        check = check_onchain_anchors(export, AnchorRegistry(chain, registry))
        if not check.ok:
            click.echo(f"FAILED on-chain anchors: {check.failure}", err=True)
            raise SystemExit(1)
        click.echo(f"OK {check.anchors} on-chain anchors are consistent with the exported tree")

@ledger.command()
@click.option("--alliance", "alliance_id", required=True, type=click.UUID, help="The alliance whose ledger to export.")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def export(alliance_id: uuid.UUID, out: Path) -> None:
    """Write the complete ledger (keys, entries, co-signatures, checkpoints, anchors) to OUT."""
    from capool.clitools import in_transaction
    from settlement import service

    async def work(session):  # type: ignore[no-untyped-def]
        with out.open("w", encoding="utf-8") as handle:
            return await service.export_ledger(session, alliance_id, handle)

    counts = in_transaction(work)
    click.echo(
        f"exported {counts.entries} entries, {counts.checkpoints} checkpoints, {counts.cosignatures} co-signatures, "
        f"{counts.anchors} anchors, {counts.keys} keys to {out}"
    )


@ledger.command()
@click.option("--alliance", "alliance_id", required=True, type=click.UUID)
def checkpoint(alliance_id: uuid.UUID) -> None:
    """Sign a checkpoint of the ledger head now."""
    from capool.clitools import in_transaction
    from settlement import service

    note = in_transaction(lambda session: service.issue_checkpoint(session, alliance_id))
    click.echo(note.format() if note else "ledger is empty")


@ledger.command()
@click.option("--alliance", "alliance_id", required=True, type=click.UUID)
def anchor(alliance_id: uuid.UUID) -> None:
    """Anchor the latest checkpoint on the configured chain (settings.chain: CAPOOL_CHAIN_RPC_URL ...)."""
    from capool.clitools import in_transaction
    from settlement.anchoring import anchor_latest, default_registry

    row = in_transaction(lambda session: anchor_latest(session, alliance_id, default_registry()))
    click.echo(f"anchored size {row.tree_size} at position {row.position} in tx {row.tx_hash}" if row else "nothing new to anchor")


@ledger.command("rotate-key")
@click.option("--alliance", "alliance_id", required=True, type=click.UUID)
def rotate_key(alliance_id: uuid.UUID) -> None:
    """Retire the ledger's log key now and start a new one (a new key id) from the current
    ledger secret. Checkpoints signed before keep verifying with the retired key; give
    verifiers the new key as another --log-key. See docs/operations.md."""
    from capool.clitools import in_transaction
    from settlement import service

    vkey = in_transaction(lambda session: service.rotate_log_key(session, alliance_id))
    click.echo(f"new log key (pin it with --log-key, beside the old ones): {vkey}")


COMMANDS: list[click.Command] = [ledger]
