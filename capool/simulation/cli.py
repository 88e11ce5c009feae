"""`capool simulate`: the whole-market simulation (capool.simulation.market). Only click at
module level: `capool --help` imports this module for the command's one-line help."""

from __future__ import annotations

import click

from capool.clitools import JSON


@click.command("simulate")
@click.option("--days", default=5, show_default=True, type=click.IntRange(min=1), help="simulated days")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--orders-per-day", default=20, show_default=True, type=click.IntRange(min=1))
@click.option("--workers", default=0, show_default=True, type=click.IntRange(min=0),
              help="real `capool worker` processes on Redis (REDIS_URL); 0: the embedded job system")
@click.option("--database-url", default=None, help="default: the settings' DATABASE_URL (migrated to head first)")
@click.option("--redis-url", default=None, help="default: the settings' REDIS_URL (with --workers)")
@click.option("--time-limit", "time_limit_s", default=2.0, show_default=True, type=click.FloatRange(min=0.1, max=120), help="seconds per matching solve")
@click.option("--utilisation", default=0.6, show_default=True, type=click.FloatRange(min=0.05, max=5),
              help="share of a day's capacity the day's orders ask for (above 1: a short market)")
@click.option("--api-url", "api_urls", multiple=True, metavar="URL",
              help="drive these running API processes (repeat for several: requests go round-robin) instead of the app in-process; "
              "their workers (on REDIS_URL) run the jobs, --workers must be 0")
@click.option("--ready-timeout", "ready_timeout_s", default=120.0, show_default=True, type=click.FloatRange(min=0),
              help="seconds to wait for the --api-url processes to answer /ready")
@click.option("--factories", default=6, show_default=True, type=click.IntRange(min=2), help="factories in the simulated alliance")
@click.option("--retry-share", default=0.15, show_default=True, type=click.FloatRange(min=0, max=1), help="share of POSTs retried with the same Idempotency-Key")
@JSON
def simulate(days: int, seed: int, orders_per_day: int, workers: int, database_url: str | None, redis_url: str | None, time_limit_s: float, utilisation: float, retry_share: float,
             api_urls: tuple[str, ...], factories: int, ready_timeout_s: float, as_json: bool) -> None:
    """Drive a seeded market through the real API and job system; check the invariants after
    every day. Prints a JSON summary (with or without --json; a line per day on stderr);
    exits 1 on any violation."""
    import asyncio
    import json
    import logging
    import os

    from capool.clitools import load_wiring
    from capool.config import ConfigurationError, get_settings, require_secrets
    from capool.migrate import upgrade
    from capool.simulation.market import SimulationConfig
    from capool.simulation.market import simulate as run

    # The workers read the same settings from the environment; the simulation's clients are
    # many requests a second, far above the per-key rate limit real clients get.
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    os.environ.setdefault("API_RATE_LIMIT", "1000000/minute")
    os.environ["CAPOOL_MATCHING_DEFAULT_TIME_LIMIT_S"] = str(time_limit_s)
    get_settings.cache_clear()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = require_secrets(get_settings())
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc
    if workers and not settings.redis_url:
        raise click.ClickException("--workers needs Redis: set REDIS_URL or --redis-url")
    if workers and api_urls:
        raise click.ClickException("--api-url drives a running deployment, whose own workers run the jobs: give no --workers")
    load_wiring()
    settings.ensure_sqlite_directory()
    upgrade(settings.database_url)
    config = SimulationConfig(days=days, seed=seed, database_url=settings.database_url, orders_per_day=orders_per_day, workers=workers,
                              redis_url=settings.redis_url, time_limit_s=time_limit_s, retry_share=retry_share, utilisation=utilisation,
                              api_urls=list(api_urls), factories=factories, ready_timeout_s=ready_timeout_s)
    summary = asyncio.run(run(config, settings, progress=lambda line: click.echo(line, err=True)))
    click.echo(json.dumps(summary, indent=2))
    if not summary["ok"]:
        raise SystemExit(1)
