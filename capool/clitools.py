"""What every `capool` command shares: one transaction per command, domain errors as clean
CLI errors. Area command modules import this, not capool.cli.

Only click is imported at module level: `capool --help` imports every area's command
module, and through them this one, so anything heavier here slows every command's help."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from capool.progress import Progress

T = TypeVar("T")


def load_wiring() -> None:
    """Import every table and outbox consumer. A command that touches the database or runs
    jobs calls this first (in_transaction does), so that a commit's outbox events find
    their consumers and every mapper is configured; help and pure commands skip it."""
    from capool import wiring  # noqa: F401


def in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """The CLI's unit of work: one transaction, committed only if `work` succeeds."""
    import asyncio

    from capool.config import ConfigurationError, get_settings, require_secrets
    from capool.db import create_engine, create_session_factory
    from capool.errors import DomainError

    load_wiring()

    async def run() -> T:
        engine = create_engine(require_secrets(get_settings()).database_url)
        try:
            async with create_session_factory(engine)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except DomainError as exc:
        # Each bad field on its own line (an import's /rows/N/column), then the summary.
        for error in exc.errors:
            click.echo(f"{error.path or '/'}: {error.message}", err=True)
        raise click.ClickException(exc.detail) from exc
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc


QUIET = click.option("--quiet", "-q", is_flag=True, help="No progress bars on stderr (there are none when stderr is not a terminal).")
JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON on stdout, and nothing else there.")


@contextmanager
def progress_bars(quiet: bool = False) -> Iterator[Progress]:
    """A `Progress` callback (capool.progress) for a service's work loop, shown as tqdm bars on
    stderr, one per phase. Silent with --quiet and when stderr is not a terminal (a pipe,
    a log file, a test runner): stdout stays the command's output alone in every case."""
    from capool.progress import silent

    if quiet or not sys.stderr.isatty():
        yield silent
        return
    from tqdm import tqdm

    bars: list[tqdm] = []

    def report(phase: str, done: int, total: int | None = None) -> None:
        if not bars or bars[-1].desc != phase:
            if bars:
                bars.pop().close()
            bars.append(tqdm(total=total, desc=phase, file=sys.stderr, dynamic_ncols=True, leave=True))
        bar = bars[-1]
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield report
    finally:
        for bar in bars:
            bar.close()
