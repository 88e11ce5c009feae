"""What every `capool` command shares: one transaction per command, domain errors as clean
CLI errors. Area command modules import this, not capool.cli.

Only click is imported at module level: `capool --help` imports every area's command
module, and through them this one, so anything heavier here slows every command's help."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

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
        raise click.ClickException(exc.detail) from exc
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc
