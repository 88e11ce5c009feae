"""`ledger` commands. `verify` needs nothing but the export file; writing an export from
the database is wired by the persistence layer, which calls `settlement.export.write_export`."""

from __future__ import annotations

import json
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
def verify(export: Path, log_keys: tuple[str, ...], allow_unattested_tail: bool, as_json: bool) -> None:
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

COMMANDS: list[click.Command] = [ledger]
