"""`capool dcm`: the Catena-X DCM exchange from the command line. capool.cli loads it lazily,
so only click and the light capool.clitools are imported at module level."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import click

from capool.clitools import JSON, QUIET, in_transaction, progress_bars

API_KEY = click.option("--api-key", envvar="CAPOOL_API_KEY", required=True, help="The organisation's API key (or CAPOOL_API_KEY).")
START = click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="a day of the first ISO week (default: this week)")
WEEKS = click.option("--weeks", type=click.IntRange(1, 104), default=12, show_default=True, help="ISO weeks")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(f"{path}: not a JSON document ({exc})") from exc


def _day(value: Any) -> date | None:
    return value.date() if value is not None else None


def _as_actor(api_key: str, work):
    """Run `work(session, actor)` in one transaction as the key's organisation."""
    from capool.tenancy.service import authenticate

    async def run(session):
        return await work(session, await authenticate(session, api_key))

    return in_transaction(run)


@click.group("dcm", help="Catena-X DCM (CX-0128): WeekBasedMaterialDemand in, WeekBasedCapacityGroup out, weekly comparison.")
def dcm_group() -> None:
    pass


@dcm_group.command("validate")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--aspect", type=click.Choice(["auto", "WeekBasedMaterialDemand", "WeekBasedCapacityGroup"]), default="auto", show_default=True)
@JSON
def validate(document: Path, aspect: str, as_json: bool) -> None:
    """Check DOCUMENT against the official schema; print each error at its JSON pointer.
    --json: {document, aspect, valid, errors: [{path, message}]} (exit 1 when not valid)."""
    from marketplace.integrations.catenax import validation

    data = _read_json(document)
    if aspect == "auto":
        aspect = validation.CAPACITY_GROUP if isinstance(data, dict) and "capacityGroupId" in data else validation.MATERIAL_DEMAND
    errors = validation.schema_errors(aspect, data)
    if as_json:
        click.echo(json.dumps({"document": str(document), "aspect": aspect, "valid": not errors,
                               "errors": [{"path": error.path or "/", "message": error.message} for error in errors]}, indent=2))
        if errors:
            raise SystemExit(1)
        return
    for error in errors:
        click.echo(f"{error.path or '/'}: {error.message}", err=True)
    if errors:
        raise click.ClickException(f"{document} is not a valid {aspect} 3.0 document ({len(errors)} errors)")
    click.echo(f"{document}: a valid {aspect} 3.0 document")


@dcm_group.command("import-demand")
@click.argument("documents", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@API_KEY
@QUIET
@JSON
def import_demand(documents: tuple[Path, ...], api_key: str, quiet: bool, as_json: bool) -> None:
    """Import WeekBasedMaterialDemand DOCUMENTS as the key's buyer demand (all or none).
    Prints what was stored as JSON (with or without --json)."""
    from marketplace.integrations.catenax import service

    loaded = [_read_json(path) for path in documents]
    with progress_bars(quiet) as progress:
        results = _as_actor(api_key, lambda session, actor: service.import_material_demands(session, actor, loaded, progress))
    click.echo(json.dumps([{"file": str(path), "id": str(result.demand.id), "material_demand_id": str(result.demand.material_demand_id),
                            "created": result.created, "weeks": result.weeks, "process": result.demand.process}
                           for path, result in zip(documents, results, strict=True)], indent=2))


@dcm_group.command("export-capacity")
@API_KEY
@click.option("--customer", type=click.UUID, default=None, help="one customer organisation (default: all)")
@START
@WEEKS
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None, help="write the JSON here")
@JSON
def export_capacity(api_key: str, customer: uuid.UUID | None, start: Any, weeks: int, output: Path | None, as_json: bool) -> None:
    """The key's factory capacity as WeekBasedCapacityGroup documents (a JSON list on stdout,
    or in --output; with --output, --json prints {output, groups, skipped})."""
    from marketplace.integrations.catenax import service

    export = _as_actor(api_key, lambda session, actor: service.export_capacity_groups(session, actor, customer, _day(start), weeks))
    for skipped in export.skipped:
        click.echo(f"skipped customer {skipped.customer_org_id}: {skipped.reason}", err=True)
    text = json.dumps(export.groups, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        if as_json:
            click.echo(json.dumps({"output": str(output), "groups": len(export.groups),
                                   "skipped": [{"customer_org_id": str(s.customer_org_id), "reason": s.reason} for s in export.skipped]}))
        else:
            click.echo(f"{len(export.groups)} capacity groups -> {output}", err=True)
    else:
        click.echo(text)


@dcm_group.command("compare")
@API_KEY
@START
@WEEKS
@click.option("--json", "as_json", is_flag=True, help="print the comparison as JSON")
def compare(api_key: str, start: Any, weeks: int, as_json: bool) -> None:
    """Demand against actual / maximum capacity per buyer, process and ISO week."""
    import dataclasses

    from marketplace.integrations.catenax import service

    result = _as_actor(api_key, lambda session, actor: service.compare(session, actor, _day(start), weeks))
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(result), indent=2, default=str))
        return
    marks = {"green": " ", "yellow": "!", "red": "X"}
    for row in result.rows:
        click.echo(f"{row.buyer} / {row.process}")
        for cell in row.weeks:
            trend = f"  volatility: {cell.volatility}" if cell.volatility else ""
            click.echo(f"  {marks[cell.colour]} {cell.iso_week}  demand {cell.demand:>10.0f}  actual {cell.actual:>10.0f}  "
                       f"max {cell.maximum:>10.0f}  {cell.status}{trend}")
    if result.not_compared:
        click.echo(f"{result.not_compared} active demands not compared (no process mapped or not in pieces)", err=True)
