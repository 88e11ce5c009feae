"""`capool` verbs of matching; capool.cli loads them lazily, so only click is imported at
module level (the engine and OR-Tools load when a verb runs)."""

from __future__ import annotations

import json
import sys

import click

from capool.clitools import JSON, QUIET, progress_bars


@click.command("match")
@click.argument("problem", type=click.File("r"))
@click.option("--time-limit", type=float, default=10.0, show_default=True, help="Seconds for the whole solve.")
@click.option("--workers", type=int, default=2, show_default=True, help="CP-SAT search workers.")
@QUIET
@JSON
def match(problem, time_limit: float, workers: int, quiet: bool, as_json: bool) -> None:  # noqa: ANN001
    """Match PROBLEM.json (orders, offers, optional pairs) and print the result as JSON (with
    or without --json). examples/match/ holds both forms.

    Pure engine: no database is touched."""
    from matching.engine.generic import ProblemError, solve_json

    try:
        data = json.load(problem)
    except json.JSONDecodeError as exc:
        raise click.UsageError(f"{problem.name} is not valid JSON: {exc}") from exc
    try:
        with progress_bars(quiet) as progress:
            result = solve_json(data, time_limit=time_limit, workers=workers, progress=progress)
    except ProblemError as exc:
        raise click.UsageError(f"{problem.name}{exc.path or '/'}: {exc.message}") from exc
    json.dump(result, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")

