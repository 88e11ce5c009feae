"""`capool set-password EMAIL`: give a person a portal password (asked twice, never echoed).

Here rather than in api.portal, whose package import builds the whole portal (Litestar and
every area's services): capool.cli loads this module lazily, also for `capool --help`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from capool.clitools import JSON, in_transaction

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


@click.command("set-password")
@click.argument("email")
@click.password_option("--password", envvar="CAPOOL_NEW_PASSWORD", help="The new password (prompted when not given; env CAPOOL_NEW_PASSWORD).")
@JSON
def set_password_command(email: str, password: str, as_json: bool) -> None:
    """Set the portal password of the user with EMAIL; their open sessions end."""
    from sqlalchemy import func, select

    from capool.tenancy.models import User
    from capool.tenancy.sessions import change_password

    async def work(session: AsyncSession) -> str:
        user = (await session.execute(select(User).where(func.lower(User.email) == email.lower()))).scalar_one_or_none()
        if user is None:
            raise click.ClickException(f"no user with email {email!r}")
        await change_password(session, user, password)
        return user.email

    changed = in_transaction(work)
    if as_json:
        import json

        click.echo(json.dumps({"email": changed, "password_set": True}))
    else:
        click.echo(f"password set for {changed}")

