"""Run Alembic migrations from code: `upgrade(url)` is `alembic upgrade head` for payplan.

The Alembic configuration is built here (script location inside the installed
package), so no alembic.ini is needed at run time. Must not define tables (that is
`schema` and `service_schema`) nor hold revisions (that is `payplan.store.migrations`).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from payplan.errors import NoDatabase
from payplan.i18n import N_
from payplan.store.db import is_memory, make_engine

SCRIPT_LOCATION = "payplan.store:migrations"


def alembic_config(url: str, connection: Connection | None = None) -> Config:
    """The Alembic Config for `url` (an open `connection` is used instead when given)."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Create or migrate the database at `url` to `revision`."""
    command.upgrade(alembic_config(url), revision)


def head() -> str:
    """The newest revision id shipped with this payplan."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current(connection: Connection) -> str | None:
    """The revision the connected database is at (None before the first upgrade)."""
    return MigrationContext.configure(connection).get_current_revision()


def stamp(url: str) -> None:
    """Record the newest revision in a database whose tables `create_schema` made (benchmarks)."""
    command.stamp(alembic_config(url), "head")


def require_current(url: str) -> None:
    """Raise `NoDatabase` (one line, saying what to run) unless a payplan database at the
    newest revision is at `url`; creates nothing, not even an empty SQLite file."""
    parsed = make_url(url)
    where = parsed.render_as_string(hide_password=True)
    fix = N_("run `payplan db upgrade` first")
    if parsed.get_backend_name() == "sqlite" and not is_memory(parsed.database, parsed.query):
        if not Path(parsed.database).is_file():
            raise NoDatabase(N_("no payplan database at %(database)s: %(fix)s"), database=parsed.database, fix=fix,
                             words=("fix",))
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            revision = current(conn)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "it does not answer"
        raise NoDatabase(N_("cannot open the payplan database at %(database)s (%(reason)s): %(fix)s"), database=where,
                         reason=reason, fix=fix, words=("fix",)) from None
    finally:
        engine.dispose()
    if revision is None:
        raise NoDatabase(N_("no payplan database at %(database)s (it has no payplan tables): %(fix)s"), database=where,
                         fix=fix, words=("fix",))
    newest = head()
    if revision != newest:
        raise NoDatabase(N_("the payplan database at %(database)s is at revision %(revision)s, "
                            "this payplan needs %(newest)s: %(fix)s"), database=where, revision=revision,
                         newest=newest, fix=fix, words=("fix",))
