"""`payplan db upgrade`: create or migrate the database at PAYPLAN_DATABASE_URL."""

from __future__ import annotations

import click

from payplan.cli.database import safe_url
from payplan.settings import get_settings


@click.group("db")
def db() -> None:
    """Create and migrate the database (PAYPLAN_DATABASE_URL)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create the tables or migrate them to the newest revision (alembic upgrade head)."""
    from payplan.store.migrate import upgrade  # alembic loads only for this command

    url = get_settings().database_url
    upgrade(url)
    click.echo(f"database at {safe_url(url)} is up to date")
