"""`capool` verbs of forecasting; capool.cli loads them lazily, so only click is imported at
module level (pandas and the models load when a verb runs)."""

from __future__ import annotations

import click

from capool.clitools import JSON, QUIET, progress_bars


@click.command("forecast")
@click.argument("train_csv", type=click.Path(exists=True, dir_okay=False))
# No short flag: -h is help on every capool command.
@click.option("--horizon", "horizon", type=click.IntRange(1, 10_000), required=True, help="steps to forecast")
@click.option("--season-length", type=click.IntRange(1, 10_000), default=1, show_default=True, help="season length in steps (7 daily, 52 weekly, 12 monthly, 24 hourly)")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), required=True, help="CSV of unique_id,step,yhat (+ intervals)")
@click.option("--levels", default="80,95", show_default=True, help="prediction-interval levels in percent, comma separated")
@click.option("--cv-windows", type=click.IntRange(1, 20), default=1, show_default=True)
@click.option("--max-history", type=click.IntRange(0, 10_000_000), default=1000, show_default=True, help="newest points kept per series (0 = all)")
@click.option("--no-ensemble", is_flag=True, help="do not offer the median-of-models ensemble as a candidate")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="worker processes for model fitting")
@click.option("--report", type=click.Path(dir_okay=False, writable=True), help="also write unique_id,kind,model per series")
@click.option("--no-global", is_flag=True, help="leave the global LightGBM model out of the candidate pool")
@QUIET
@JSON
def forecast_command(train_csv: str, horizon: int, season_length: int, output: str, levels: str, cv_windows: int, max_history: int,
                     no_ensemble: bool, jobs: int, report: str | None, no_global: bool, quiet: bool, as_json: bool) -> None:
    """Forecast every series of TRAIN_CSV (unique_id,ds,y) HORIZON steps ahead into --output;
    --json prints the series' chosen models as JSON."""
    import pandas as pd

    from forecasting.engine import ForecastConfig, forecast

    try:
        level_values = tuple(int(v) for v in levels.split(",") if v.strip())
        config = ForecastConfig(horizon=horizon, season_length=season_length, levels=level_values, cv_windows=cv_windows,
                                max_history=max_history or None, ensemble=not no_ensemble, n_jobs=jobs,
                                global_model=not no_global)
        history = pd.read_csv(train_csv, dtype={"unique_id": str})
        with progress_bars(quiet) as progress:
            result = forecast(history, config, progress)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    result.points.to_csv(output, index=False)
    if report:
        pd.DataFrame({"unique_id": list(result.chosen), "kind": [result.kinds[u] for u in result.chosen],
                      "model": list(result.chosen.values())}).to_csv(report, index=False)
    counts = pd.Series(result.chosen).value_counts()
    if as_json:
        import json

        click.echo(json.dumps({"series": len(result.chosen), "horizon": horizon, "output": output, "report": report,
                               "models": {str(m): int(n) for m, n in counts.items()},
                               "chosen": {uid: {"model": model, "kind": result.kinds[uid]} for uid, model in result.chosen.items()}}, indent=2))
        return
    click.echo(f"{len(result.chosen)} series, horizon {horizon}: " + ", ".join(f"{m} {n}" for m, n in counts.items()), err=True)


@click.command("forecasts-refresh")
@click.option("--granularity", type=click.Choice(["daily", "weekly"]), default="daily", show_default=True)
@click.option("--horizon-days", type=click.IntRange(7, 28), default=28, show_default=True)
@QUIET
@JSON
def refresh_command(granularity: str, horizon_days: int, quiet: bool, as_json: bool) -> None:
    """Refresh (train again) every buyer's stored demand forecast from its order history (for cron)."""
    from capool.clitools import in_transaction
    from forecasting.jobs import refresh_all
    from forecasting.models import Granularity

    with progress_bars(quiet) as progress:
        refreshed = in_transaction(lambda session: refresh_all(session, Granularity(granularity), horizon_days, progress))
    if as_json:
        import json

        click.echo(json.dumps({"refreshed": refreshed, "granularity": granularity, "horizon_days": horizon_days}))
    else:
        click.echo(f"refreshed {refreshed} buyer forecast(s)")

