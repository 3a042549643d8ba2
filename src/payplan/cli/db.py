"""`payplan db upgrade`: create or migrate the database at PAYPLAN_DATABASE_URL."""

from __future__ import annotations

import click

from payplan.cli.database import safe_url
from payplan.cli.language import _
from payplan.settings import get_settings


@click.group("db")
def db() -> None:
    """Create and migrate the database (PAYPLAN_DATABASE_URL)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create the tables or migrate them to the newest revision (alembic upgrade head)."""
    from sqlalchemy import create_engine

    from payplan.store.migrate import current, head, upgrade  # alembic loads only for this command

    url = get_settings().database_url
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            before = current(conn)
    finally:
        engine.dispose()
    upgrade(url)
    where, newest = safe_url(url), head()
    said = (_("database at %(url)s is up to date (revision %(revision)s)", url=where, revision=newest)
            if before == newest else
            _("database at %(url)s created at revision %(revision)s", url=where, revision=newest) if before is None
            else _("database at %(url)s upgraded from revision %(old)s to %(revision)s", url=where, old=before,
                   revision=newest))
    click.echo(said)
