"""`capool` verbs of forecasting; capool.cli loads them lazily, so only click is imported at
module level (pandas and the models load when a verb runs)."""

from __future__ import annotations

import click


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
@click.option("--quiet", is_flag=True, help="no progress bar on stderr")
def forecast_command(train_csv: str, horizon: int, season_length: int, output: str, levels: str, cv_windows: int, max_history: int,
                     no_ensemble: bool, jobs: int, report: str | None, no_global: bool, quiet: bool) -> None:
    """Forecast every series of TRAIN_CSV (unique_id,ds,y) HORIZON steps ahead."""
    import pandas as pd

    from forecasting.engine import ForecastConfig, forecast

    try:
        level_values = tuple(int(v) for v in levels.split(",") if v.strip())
        config = ForecastConfig(horizon=horizon, season_length=season_length, levels=level_values, cv_windows=cv_windows,
                                max_history=max_history or None, ensemble=not no_ensemble, n_jobs=jobs,
                                global_model=not no_global, progress=not quiet)
        history = pd.read_csv(train_csv, dtype={"unique_id": str})
        result = forecast(history, config)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    result.points.to_csv(output, index=False)
    if report:
        pd.DataFrame({"unique_id": list(result.chosen), "kind": [result.kinds[u] for u in result.chosen],
                      "model": list(result.chosen.values())}).to_csv(report, index=False)
    counts = pd.Series(result.chosen).value_counts()
    click.echo(f"{len(result.chosen)} series, horizon {horizon}: " + ", ".join(f"{m} {n}" for m, n in counts.items()), err=True)


@click.command("forecasts-refresh")
@click.option("--granularity", type=click.Choice(["daily", "weekly"]), default="daily", show_default=True)
@click.option("--horizon-days", type=click.IntRange(7, 28), default=28, show_default=True)
def refresh_command(granularity: str, horizon_days: int) -> None:
    """Refresh every buyer's stored demand forecast from its order history (for cron)."""
    from capool.clitools import in_transaction
    from forecasting import repository
    from forecasting.jobs import refresh_one
    from forecasting.models import Granularity

    async def work(session):  # type: ignore[no-untyped-def]
        done = 0
        for organisation_id, alliance_id in await repository.buyers_with_orders(session):
            if await refresh_one(session, organisation_id, alliance_id, Granularity(granularity), horizon_days) is not None:
                done += 1
        return done

    click.echo(f"refreshed {in_transaction(work)} buyer forecast(s)")

