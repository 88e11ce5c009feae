"""`capool` verbs of quality; capool.cli loads them lazily, so only click and the
stdlib-only AQL tables (the options' choices) are imported at module level."""

from __future__ import annotations

import json

import click

from capool.clitools import JSON
from quality import aql


@click.group(name="quality")
def quality() -> None:
    """Acceptance sampling (ISO 2859-1), SPC and supplier quality scores."""


@quality.command(name="plan")
@click.option("--lot-size", type=int, required=True, help="Units in the lot.")
@click.option("--level", default="II", show_default=True, type=click.Choice(list(aql.t.LEVELS)), help="Inspection level.")
@click.option("--aql", "aql_value", type=float, required=True, help="AQL from the ISO 2859-1 series (0 = zero acceptance).")
@click.option("--severity", default="normal", show_default=True, type=click.Choice([s.value for s in aql.Severity]))
@JSON
def plan_command(lot_size: int, level: str, aql_value: float, severity: str, as_json: bool) -> None:
    """Print the single-sampling plan as JSON (with or without --json): code letter, sample size, Ac and Re."""
    try:
        found = aql.plan(lot_size, aql_value, level, severity)
    except aql.AqlError as exc:
        raise click.BadParameter(str(exc), param_hint=f"--{exc.field.replace('_', '-')}") from exc
    click.echo(json.dumps(found.as_dict()))

