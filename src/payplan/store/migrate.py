"""Run Alembic migrations from code: `upgrade(url)` is `alembic upgrade head` for payplan.

The Alembic configuration is built here (script location inside the installed
package), so no alembic.ini is needed at run time. Must not define tables (that is
`schema` and `service_schema`) nor hold revisions (that is `payplan.store.migrations`).
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

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
