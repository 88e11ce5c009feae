"""What every `capool` command shares: one transaction per command, domain errors as clean
CLI errors. Area command modules import this, not capool.cli."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncSession

from capool.config import ConfigurationError, get_settings, require_secrets
from capool.errors import DomainError

T = TypeVar("T")


def in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """The CLI's unit of work: one transaction, committed only if `work` succeeds."""
    from capool.db import create_engine, create_session_factory

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
