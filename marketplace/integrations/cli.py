"""`capool` verbs of the integrations; capool.cli loads them lazily, so only click and the
light capool.clitools are imported at module level."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import click

from capool.clitools import JSON, QUIET, in_transaction, load_wiring, progress_bars

API_KEY = click.option("--api-key", envvar="CAPOOL_API_KEY", required=True, help="The importing organisation's API key (or CAPOOL_API_KEY).")


@click.group("exchange", help="File exchange: CSV / Excel imports and the drop folder.")
def exchange_group() -> None:
    pass


@exchange_group.command("import")
@click.argument("kind", type=click.Choice(["offers", "orders", "progress"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@API_KEY
@click.option("--system", default=None, help="External system whose codes the file uses (code mapping).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), default=None, help="Default: from FILE's suffix (.xlsx, .json; else csv).")
@QUIET
@JSON
def import_command(kind: str, file: Path, api_key: str, system: str | None, fmt: str | None, quiet: bool, as_json: bool) -> None:
    """Import FILE as KIND, exactly as POST /v1/exchange/KIND/import does: all rows or none;
    a rejected file's bad rows are printed as /rows/N/column on stderr (exit 1)."""
    from capool.tenancy.service import authenticate
    from marketplace.integrations import exchange

    fmt = fmt or {".xlsx": "xlsx", ".json": "json"}.get(file.suffix.lower(), "csv")
    content = file.read_bytes()
    with progress_bars(quiet) as progress:
        async def work(session):
            return await exchange.import_file(session, await authenticate(session, api_key), kind, content, fmt, system, progress)

        ids = in_transaction(work)
    if as_json:
        click.echo(json.dumps({"kind": kind, "file": str(file), "imported": len(ids), "ids": [str(i) for i in ids]}))
    else:
        click.echo(f"{kind}: imported {len(ids)} rows from {file}")


@exchange_group.command("watch")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@API_KEY
@click.option("--system", default=None, help="External system whose codes the files use (code mapping).")
@click.option("--interval", default=60.0, show_default=True, help="Seconds between scans.")
@click.option("--once", is_flag=True, help="Scan once and exit.")
@JSON
def watch(directory: Path, api_key: str, system: str | None, interval: float, once: bool, as_json: bool) -> None:
    """Import files dropped in DIRECTORY/{offers,orders,progress}/ and move them to done/ or failed/.
    --json: one JSON line per file (kind, file, moved_to, ok, imported, errors)."""
    import asyncio

    from capool.config import get_settings, require_secrets
    from capool.db import create_engine, create_session_factory
    from marketplace.integrations.dropfolder import process_drop_folder

    load_wiring()  # imports commit outbox events that other areas consume

    for kind in ("offers", "orders", "progress"):
        (directory / kind).mkdir(parents=True, exist_ok=True)

    async def run() -> None:
        engine = create_engine(require_secrets(get_settings()).database_url)
        try:
            while True:
                for result in await process_drop_folder(create_session_factory(engine), directory, api_key, system, settle_s=0 if once else 2):
                    if as_json:
                        click.echo(json.dumps({"kind": result.kind, "file": result.path.name, "moved_to": str(result.path.parent), "ok": result.ok,
                                               "imported": result.imported, "errors": [str(e) for e in result.errors]}))
                        continue
                    state = f"imported {result.imported} rows" if result.ok else f"rejected ({len(result.errors)} errors)"
                    click.echo(f"{result.kind}: {result.path.name} {state} -> {result.path.parent}")
                if once:
                    return
                await asyncio.sleep(interval)
        finally:
            await engine.dispose()

    asyncio.run(run())


@click.group("webhooks", help="Operator tasks for webhook endpoints.")
def webhooks_group() -> None:
    pass


@webhooks_group.command("allow-private")
@click.argument("endpoint_id", type=click.UUID)
@click.option("--deny", is_flag=True, help="Withdraw the permission again.")
@JSON
def allow_private(endpoint_id: uuid.UUID, deny: bool, as_json: bool) -> None:
    """Let one endpoint reach private / loopback / link-local addresses (on-premises receivers)."""
    from marketplace.integrations import webhooks

    row = in_transaction(lambda s: webhooks.set_allow_private(s, endpoint_id, not deny))
    if as_json:
        click.echo(json.dumps({"endpoint_id": str(row.id), "allow_private": row.allow_private}))
    else:
        click.echo(f"endpoint {row.id} allow_private={row.allow_private}")


@webhooks_group.command("sweep")
@JSON
def sweep(as_json: bool) -> None:
    """Re-enqueue due webhook deliveries whose message was lost and due capacity pulls (cron: every minute).
    Prints the counts as JSON (with or without --json)."""
    from marketplace.integrations import schedule

    click.echo(json.dumps(in_transaction(schedule.sweep)))


@click.group("connectors", help="Operator tasks for connectors.")
def connectors_group() -> None:
    pass


@connectors_group.command("allow-private")
@click.argument("connector_id", type=click.UUID)
@click.option("--deny", is_flag=True)
@JSON
def connector_allow_private(connector_id: uuid.UUID, deny: bool, as_json: bool) -> None:
    """Let one connector reach a factory system on a private network address."""
    from marketplace.integrations import connectors

    row = in_transaction(lambda s: connectors.set_allow_private(s, connector_id, not deny))
    if as_json:
        click.echo(json.dumps({"connector_id": str(row.id), "allow_private": row.allow_private}))
    else:
        click.echo(f"connector {row.id} allow_private={row.allow_private}")

