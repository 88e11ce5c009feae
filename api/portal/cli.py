"""`capool set-password EMAIL`: give a person a portal password (asked twice, never echoed)."""

from __future__ import annotations

import click
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from capool.clitools import in_transaction
from capool.tenancy.models import User
from capool.tenancy.sessions import change_password


@click.command("set-password")
@click.argument("email")
@click.password_option("--password", envvar="CAPOOL_NEW_PASSWORD", help="The new password (prompted when not given; env CAPOOL_NEW_PASSWORD).")
def set_password_command(email: str, password: str) -> None:
    """Set the portal password of the user with EMAIL; their open sessions end."""

    async def work(session: AsyncSession) -> str:
        user = (await session.execute(select(User).where(func.lower(User.email) == email.lower()))).scalar_one_or_none()
        if user is None:
            raise click.ClickException(f"no user with email {email!r}")
        await change_password(session, user, password)
        return user.email

    click.echo(f"password set for {in_transaction(work)}")


COMMANDS: list[click.Command] = [set_password_command]
