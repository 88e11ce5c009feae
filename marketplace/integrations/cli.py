"""`capool` verbs of the integrations; capool.cli loads them lazily, so only click and the
light capool.clitools are imported at module level."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import click

from capool.clitools import in_transaction, load_wiring


@click.group("exchange", help="File exchange: CSV / Excel imports and the drop folder.")
def exchange_group() -> None:
    pass


@exchange_group.command("watch")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--api-key", envvar="CAPOOL_API_KEY", required=True, help="The importing organisation's API key (or CAPOOL_API_KEY).")
@click.option("--system", default=None, help="External system whose codes the files use (code mapping).")
@click.option("--interval", default=60.0, show_default=True, help="Seconds between scans.")
@click.option("--once", is_flag=True, help="Scan once and exit.")
def watch(directory: Path, api_key: str, system: str | None, interval: float, once: bool) -> None:
    """Import files dropped in DIRECTORY/{offers,orders,progress}/ and move them to done/ or failed/."""
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
def allow_private(endpoint_id: uuid.UUID, deny: bool) -> None:
    """Let one endpoint reach private / loopback / link-local addresses (on-premises receivers)."""
    from marketplace.integrations import webhooks

    row = in_transaction(lambda s: webhooks.set_allow_private(s, endpoint_id, not deny))
    click.echo(f"endpoint {row.id} allow_private={row.allow_private}")


@webhooks_group.command("sweep")
def sweep() -> None:
    """Re-enqueue due webhook deliveries whose message was lost and due capacity pulls (cron: every minute)."""
    from marketplace.integrations import schedule

    click.echo(json.dumps(in_transaction(schedule.sweep)))


@click.group("connectors", help="Operator tasks for connectors.")
def connectors_group() -> None:
    pass


@connectors_group.command("allow-private")
@click.argument("connector_id", type=click.UUID)
@click.option("--deny", is_flag=True)
def connector_allow_private(connector_id: uuid.UUID, deny: bool) -> None:
    """Let one connector reach a factory system on a private network address."""
    from marketplace.integrations import connectors

    row = in_transaction(lambda s: connectors.set_allow_private(s, connector_id, not deny))
    click.echo(f"connector {row.id} allow_private={row.allow_private}")

