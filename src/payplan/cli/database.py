"""The configured database for commands: one transaction per command, `--as USER`.

Every command that reads or changes the service database runs its work through
`transaction` (one transaction on PAYPLAN_DATABASE_URL) or `acting` (the same, on
behalf of the user named by `--as`, so the audit log names them and the API's
permission rules apply). Must not hold business rules.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import click
from sqlalchemy import Connection

from payplan.access.users import User, get_user
from payplan.settings import get_settings
from payplan.store.db import make_engine
from payplan.store.transaction import unit_of_work

as_user = click.option("--as", "as_name", required=True, metavar="USER",
                       help="The user on whose behalf this is done (named in the audit log).")


def transaction(work: Callable[[Connection], object]) -> object:
    """Run `work` in one transaction on the configured database (retried while it is busy)."""
    url = database_url()
    engine = make_engine(url)
    try:
        return unit_of_work(engine, work)
    finally:
        engine.dispose()


@lru_cache(maxsize=4)
def _checked(url: str) -> str:
    from payplan.store.migrate import require_current  # alembic loads only for database commands

    require_current(url)
    return url


def database_url() -> str:
    """The configured database's URL, once it is known to hold payplan's tables at the newest
    revision; otherwise a one-line error saying to run `payplan db upgrade` (nothing created)."""
    return _checked(get_settings().database_url)


def acting(name: str, work: Callable[[Connection, User], object]) -> object:
    return transaction(lambda conn: work(conn, get_user(conn, name)))


def safe_url(url: str) -> str:
    """The URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
