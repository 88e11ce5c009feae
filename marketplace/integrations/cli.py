"""`capool` verbs of the integrations; capool.cli adds every command in COMMANDS."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
