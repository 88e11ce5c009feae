"""The `capool` command line: serve, worker, migrate, demo, member administration, and the
engines' own commands. Every verb goes through the same service layer as the API."""

from __future__ import annotations

import importlib
import json
import logging
import uuid
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from capool.clitools import JSON, QUIET, in_transaction, load_wiring, progress_bars

if TYPE_CHECKING:
    from capool.config import Settings
    from marketplace.models import ProcessCode

# Every area's commands, imported only when click asks for them by name (the click docs'
# "Lazily Loading Subcommands"): importing them all up front pulled in the whole platform
# (web3, OR-Tools, onnxruntime, pandas ...) and made even `capool --help` take 15-25 s.
# `capool --help` still imports these modules for the one-line help of each, so they
# import only click at module level and the rest inside their command functions.
LAZY_COMMANDS: dict[str, str] = {
    "match": "matching.cli:match",
    "ledger": "settlement.cli:ledger",
    "quality": "quality.cli:quality",
    "inspection": "inspection.cli:inspection",
    "forecast": "forecasting.cli:forecast_command",
    "forecasts-refresh": "forecasting.cli:refresh_command",
    "exchange": "marketplace.integrations.cli:exchange_group",
    "webhooks": "marketplace.integrations.cli:webhooks_group",
    "connectors": "marketplace.integrations.cli:connectors_group",
    "dcm": "marketplace.integrations.catenax.cli:dcm_group",
    "orders": "marketplace.cli:orders_group",
    "offers": "marketplace.cli:offers_group",
    "set-password": "capool.tenancy.cli:set_password_command",
    "simulate": "capool.simulation.cli:simulate",
}


class LazyGroup(click.Group):
    """A group whose subcommands named in `lazy_subcommands` ("module:attribute") are
    imported on first use."""

    def __init__(self, *args: object, lazy_subcommands: dict[str, str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy_subcommands = lazy_subcommands or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_subcommands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_subcommands and cmd_name not in self.commands:
            module_name, attribute = self.lazy_subcommands[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{self.lazy_subcommands[cmd_name]} is not a click command")
            # Cached: a second lookup (help, then invoke) costs nothing.
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy_subcommands=LAZY_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="capool", message="%(package)s %(version)s")
def main() -> None:
    """capool: pooled manufacturing capacity for an alliance of factories and brands."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _settings_with_secrets() -> Settings:
    """The settings of a command that hashes, signs or derives keys: refused, with the
    missing settings named, when the deployment lacks its secrets."""
    from capool.config import ConfigurationError, get_settings, require_secrets

    try:
        return require_secrets(get_settings())
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@JSON
def migrate(as_json: bool) -> None:
    """Apply database migrations up to the newest."""
    from capool.config import get_settings
    from capool.migrate import upgrade

    load_wiring()
    settings = get_settings()
    settings.ensure_sqlite_directory()
    upgrade(settings.database_url)
    if as_json:
        from capool.migrate import heads

        click.echo(json.dumps({"database_url": _without_password(settings.database_url), "heads": heads(settings.database_url)}))
    else:
        click.echo(f"database at head: {settings.database_url}")


@main.command()
@click.option("--host", default=None)
@click.option("--port", default=None, type=int)
def serve(host: str | None, port: int | None) -> None:
    """Run the API (REST, GraphQL, OpenAPI). Without REDIS_URL it also runs the job worker."""
    import uvicorn

    from api.app import create_app
    from capool.observability import configure_logging

    settings = _settings_with_secrets()
    configure_logging(settings.log_format, settings.log_level)
    settings.ensure_sqlite_directory()
    host, port = host or settings.host, port or settings.port
    click.echo(f"capool API:     http://{host}:{port}/v1/offers")
    click.echo(f"OpenAPI:        http://{host}:{port}/schema")
    click.echo(f"GraphQL:        http://{host}:{port}/graphql")
    click.echo(f"Health / ready: http://{host}:{port}/health  http://{host}:{port}/ready")
    demo_keys = Path("var/demo-keys.json")
    if demo_keys.exists():
        keys = json.loads(demo_keys.read_text())
        click.echo(f"Demo API keys:  {demo_keys} (buyer: {keys.get('buyer (Inkwell Tees)', '?')})")
        click.echo(f"Portal:         http://{host}:{port}/portal/ (demo sign-in: buyer@inkwell.example / capool-demo)")
    # proxy_headers off: uvicorn would trust X-Forwarded-* from 127.0.0.1 by default; the app
    # honours them from TRUSTED_PROXIES only (api/app.py).
    uvicorn.run(create_app(settings), host=host, port=port, log_level=settings.log_level.lower(), proxy_headers=False, log_config=None)


@main.command()
@click.option("--threads", default=4, show_default=True)
@click.option(
    "--scheduler/--no-scheduler",
    "run_scheduler",
    default=True,
    show_default=True,
    help="Also run the periodic tasks that are due. Each runs once per interval across all processes "
    "(a lease in the database), so this is safe with any number of workers.",
)
@click.option("--metrics-port", type=int, default=None,
              help="Serve this worker's Prometheus metrics (/metrics) and health (/health, what `capool health` asks) on 127.0.0.1:PORT.")
@click.option("--metrics-host", default="127.0.0.1", show_default=True, help="Address of the metrics port (0.0.0.0 in a container a scraper reaches).")
def worker(threads: int, run_scheduler: bool, metrics_port: int | None, metrics_host: str) -> None:
    """Consume jobs from Redis (REDIS_URL must be set). SIGTERM or Ctrl-C: finish the running
    jobs, requeue the rest, exit 0."""
    import asyncio

    from capool import jobs, scheduler
    from capool.observability import ProcessHealth, configure_logging, start_metrics_server

    load_wiring()  # the worker runs every area's jobs and outbox consumers
    settings = _settings_with_secrets()
    configure_logging(settings.log_format, settings.log_level)
    if not settings.redis_url:
        raise click.ClickException("REDIS_URL is not set; without it `capool serve` runs the jobs in-process")
    broker = jobs.use_broker(settings.redis_url)
    jobs.job_database.configure(settings.database_url)
    running = jobs.start_worker(broker, threads=threads)

    def threads_alive() -> str | None:
        dead = [thread.name for thread in [*running.consumers.values(), *running.workers] if not thread.is_alive()]
        return f"dead worker threads: {', '.join(dead)}" if dead else None

    health = ProcessHealth("worker", settings.health_stale_seconds, probes=[threads_alive])
    if metrics_port:
        start_metrics_server(metrics_port, host=metrics_host, health=health)
    click.echo(f"worker consuming {settings.redis_url} with {threads} threads{', running the schedule' if run_scheduler else ''}; SIGTERM or Ctrl-C stops")

    async def until_stopped() -> None:
        stop = asyncio.Event()
        scheduler.stop_on_signals(stop)
        loops = [scheduler.worker_heartbeat(settings.database_url, broker, health, stop, every=timedelta(seconds=settings.worker_heartbeat_seconds))]
        if run_scheduler:
            loops.append(scheduler.run_schedule(
                settings.database_url, stop, tick=timedelta(seconds=settings.scheduler_tick_seconds), lease=timedelta(seconds=settings.scheduler_lease_seconds)
            ))
        await asyncio.gather(*loops)

    try:
        asyncio.run(until_stopped())
    finally:
        health.stopping = True
        click.echo("worker stopping: finishing the running jobs", err=True)
        running.stop(timeout=int(settings.worker_drain_seconds * 1000))
        broker.close()
    click.echo("worker stopped", err=True)


@main.command("scheduler")
@click.option("--status", is_flag=True, help="Print every periodic task's stored schedule as JSON and exit.")
@click.option("--metrics-port", type=int, default=None,
              help="Serve this scheduler's Prometheus metrics (/metrics) and health (/health, what `capool health` asks) on 127.0.0.1:PORT.")
@click.option("--metrics-host", default="127.0.0.1", show_default=True, help="Address of the metrics port (0.0.0.0 in a container a scraper reaches).")
def scheduler_command(status: bool, metrics_port: int | None, metrics_host: str) -> None:
    """Run the periodic tasks (forecast refresh, anchoring, capacity pulls, sweeps) when due.
    Any number may run beside any number of workers: each task runs once per interval (a
    lease in the database). SIGTERM or Ctrl-C: finish the task in progress, exit 0."""
    import asyncio

    from capool import jobs, scheduler

    load_wiring()  # every area's periodic tasks
    settings = _settings_with_secrets()
    if status:
        rows = in_transaction(scheduler.schedule_of)
        intervals = {task.name: task.every.total_seconds() for task in jobs.periodic_tasks()}
        click.echo(
            json.dumps(
                [
                    {
                        "name": row.name,
                        "every_s": intervals.get(row.name),
                        "last_run_at": row.last_run_at and row.last_run_at.isoformat(),
                        "next_due_at": row.next_due_at.isoformat(),
                        "runs": row.runs,
                        "last_error": row.last_error,
                        "lease_owner": row.lease_owner,
                        "lease_until": row.lease_until and row.lease_until.isoformat(),
                    }
                    for row in rows
                ],
                indent=2,
            )
        )
        return
    # Jobs the tasks enqueue go to Redis; without it they would go to an in-process broker nobody consumes.
    if not settings.redis_url:
        raise click.ClickException("REDIS_URL is not set; without it `capool serve` runs the schedule in-process")
    from capool.observability import ProcessHealth, configure_logging, start_metrics_server

    configure_logging(settings.log_format, settings.log_level)
    # Healthy while its ticks read the schedule: a tick runs the due tasks one after another.
    health = ProcessHealth("scheduler", settings.health_stale_seconds)
    if metrics_port:
        start_metrics_server(metrics_port, host=metrics_host, health=health)
    jobs.use_broker(settings.redis_url)
    click.echo(f"scheduler running {len(jobs.periodic_tasks())} periodic tasks; SIGTERM or Ctrl-C stops")

    async def until_stopped() -> None:
        stop = asyncio.Event()
        scheduler.stop_on_signals(stop)
        await scheduler.run_schedule(
            settings.database_url, stop, tick=timedelta(seconds=settings.scheduler_tick_seconds), lease=timedelta(seconds=settings.scheduler_lease_seconds),
            health=health,
        )

    asyncio.run(until_stopped())
    health.stopping = True
    click.echo("scheduler stopped", err=True)


@main.command("health")
@click.option("--port", type=int, default=None, help="Ask the worker or scheduler whose --metrics-port this is: http://127.0.0.1:PORT/health.")
@click.option("--url", default=None, help="Ask this URL instead (e.g. an API process's http://127.0.0.1:8000/ready).")
@click.option("--timeout", "timeout_s", default=5.0, show_default=True, type=float)
@JSON
def health_command(port: int | None, url: str | None, timeout_s: float, as_json: bool) -> None:
    """Exit 0 when the process answers healthy (HTTP 200), 1 otherwise, printing its answer: a
    container's or orchestrator's health check (the image has no curl). --json: one object
    {url, healthy, status, body (the answer, parsed when it is JSON), error}."""
    import urllib.error
    import urllib.request

    if (port is None) == (url is None):
        raise click.UsageError("give --port (a worker's or scheduler's metrics port) or --url")
    target = url or f"http://127.0.0.1:{port}/health"
    status: int | None = None
    body: str | None = None
    error: str | None = None
    try:
        with urllib.request.urlopen(target, timeout=timeout_s) as response:  # noqa: S310 (an operator's own URL)
            status, body = response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read().decode(errors="replace")
    except (OSError, ValueError) as exc:
        error = f"{target}: {exc}"
    healthy = status == 200
    if as_json:
        try:
            parsed = json.loads(body) if body is not None else None
        except ValueError:
            parsed = body
        click.echo(json.dumps({"url": target, "healthy": healthy, "status": status, "body": parsed, "error": error}))
    elif error:
        click.echo(error, err=True)
    else:
        click.echo(body)
    if not healthy:
        raise SystemExit(1)


@main.command()
@click.option("--orders", default=300, show_default=True, help="historical orders to generate")
@click.option("--seed", default=7, show_default=True)
@QUIET
@JSON
def demo(orders: int, seed: int, quiet: bool, as_json: bool) -> None:
    """Load a demo alliance (a brand with 3 workshops, 5 partners, 20 floating factories).
    Prints the summary and the demo keys as JSON (with or without --json)."""
    from capool.config import get_settings
    from capool.demo import load_demo

    settings = get_settings()
    settings.ensure_sqlite_directory()
    with progress_bars(quiet) as progress:
        summary = in_transaction(lambda session: load_demo(session, orders=orders, seed=seed, progress=progress))
    click.echo(json.dumps(summary, indent=2))


def openapi_document() -> str:
    """The app's OpenAPI document as committed in clients/python/openapi.json."""
    from api.app import create_app

    return json.dumps(create_app(run_worker=False).openapi_schema.to_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@main.command("openapi")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write the document here instead of stdout.")
@JSON
def openapi_command(output: Path | None, as_json: bool) -> None:
    """Print the REST API's OpenAPI document (JSON, with or without --json) from the app itself,
    no server needed: clients/python is generated from it (`make client`). With --output and
    --json: {"output": path} on stdout."""
    document = openapi_document()
    if output is None:
        click.echo(document, nl=False)
        return
    output.write_text(document, encoding="utf-8")
    if as_json:
        click.echo(json.dumps({"output": str(output)}))


@main.group()
def admin() -> None:
    """Create alliances, organisations, users and API keys; keep alliances' process catalogues."""


@admin.command("create-alliance")
@click.argument("name")
@JSON
def create_alliance(name: str, as_json: bool) -> None:
    """Create an alliance; prints it as JSON (with or without --json)."""
    from capool.tenancy import service

    alliance = in_transaction(lambda s: service.create_alliance(s, name))
    click.echo(json.dumps({"alliance_id": str(alliance.id), "name": alliance.name}))


@admin.command("processes")
@click.option("--alliance", "alliance_id", required=True, type=click.UUID)
@click.option("--include-retired", is_flag=True, help="list retired codes too")
@JSON
def list_processes(alliance_id: uuid.UUID, include_retired: bool, as_json: bool) -> None:
    """The alliance's process catalogue, one JSON object a line (--json: one JSON list)."""
    from marketplace import catalogue

    rows = [_process_json(row) for row in in_transaction(lambda s: catalogue.alliance_processes(s, alliance_id, include_retired=include_retired))]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False))


@admin.command("add-process")
@click.option("--alliance", "alliance_id", required=True, type=click.UUID)
@click.option("--en", "name_en", required=True, help="the English name")
@click.option("--zh-cn", "name_zh_cn", required=True, help="the Simplified Chinese name")
@click.argument("code")
@JSON
def add_process(alliance_id: uuid.UUID, name_en: str, name_zh_cn: str, code: str, as_json: bool) -> None:
    """Add a process code to the alliance's catalogue (or bring a retired one back); prints it as JSON (with or without --json)."""
    import msgspec

    from marketplace import catalogue
    from marketplace.schemas import ProcessIn

    try:
        data = msgspec.convert({"code": code, "names": {"en": name_en, "zh-CN": name_zh_cn}}, ProcessIn)
    except msgspec.ValidationError as exc:
        raise click.BadParameter(str(exc)) from exc
    row = in_transaction(lambda s: catalogue.add_to_alliance(s, alliance_id, data))
    click.echo(json.dumps(_process_json(row), ensure_ascii=False))


@admin.command("retire-process")
@click.option("--alliance", "alliance_id", required=True, type=click.UUID)
@click.argument("code")
@JSON
def retire_process(alliance_id: uuid.UUID, code: str, as_json: bool) -> None:
    """Retire a process code: rows that name it keep it; nothing new may name it. Prints it as JSON (with or without --json)."""
    from marketplace import catalogue

    row = in_transaction(lambda s: catalogue.retire_in_alliance(s, alliance_id, code))
    click.echo(json.dumps(_process_json(row), ensure_ascii=False))


def _process_json(row: ProcessCode) -> dict[str, object]:
    return {"process_id": str(row.id), "code": row.code, "names": {"en": row.name_en, "zh-CN": row.name_zh_cn},
            "retired_at": row.retired_at.isoformat() if row.retired_at else None}


@admin.command("create-org")
@click.option("--alliance", "alliance_id", required=True, type=click.UUID)
@click.option("--kind", type=click.Choice(["factory", "buyer", "both"]), required=True)
@click.option("--region", default=None)
@click.argument("name")
@JSON
def create_org(alliance_id: uuid.UUID, kind: str, region: str | None, name: str, as_json: bool) -> None:
    """Create a member organisation; prints it as JSON (with or without --json)."""
    from capool.tenancy import service
    from capool.tenancy.models import OrgKind

    org = in_transaction(lambda s: service.create_organisation(s, alliance_id, name, OrgKind(kind), region))
    click.echo(json.dumps({"organisation_id": str(org.id), "name": org.name, "kind": org.kind.value}))


@admin.command("create-user")
@click.option("--org", "org_id", required=True, type=click.UUID)
@click.option("--role", type=click.Choice(["org_admin", "supplier_operator", "buyer", "alliance_admin", "auditor"]), required=True)
@click.option("--name", required=True)
@click.argument("email")
@JSON
def create_user(org_id: uuid.UUID, role: str, name: str, email: str, as_json: bool) -> None:
    """Create a user of an organisation; prints it as JSON (with or without --json)."""
    from capool.tenancy import service
    from capool.tenancy.models import Role

    user = in_transaction(lambda s: service.create_user(s, org_id, email, name, Role(role)))
    click.echo(json.dumps({"user_id": str(user.id), "email": user.email, "role": user.role.value}))


@admin.command("create-key")
@click.option("--user", "user_id", required=True, type=click.UUID)
@click.option("--scope", "scopes", multiple=True, help="permission such as orders:write; default all of the role's")
@click.argument("name")
@JSON
def create_key(user_id: uuid.UUID, scopes: tuple[str, ...], name: str, as_json: bool) -> None:
    """Issue an API key; the secret is printed once (JSON, with or without --json) and stored only as a hash."""
    from capool.tenancy import service

    issued = in_transaction(lambda s: service.issue_api_key(s, user_id, name, list(scopes) or None))
    click.echo(json.dumps({"api_key_id": str(issued.key.id), "api_key": issued.token, "scopes": issued.key.scopes}))


if __name__ == "__main__":
    main()
