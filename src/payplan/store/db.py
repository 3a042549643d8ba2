"""Database engines for the fact store: SQLite set up for real work, or PostgreSQL.

`make_engine(url)` returns an engine whose SQLite connections use WAL (for files),
enforce foreign keys, wait on locks (busy_timeout) and run real transactions and
SAVEPOINTs (the pysqlite driver's legacy transaction handling is switched off with
SQLAlchemy's documented event hooks); a connection marked for writing
(`payplan_write`, see `payplan.store.transaction`) begins with BEGIN IMMEDIATE.
PostgreSQL sessions get a lock timeout, a statement timeout and an idle-in-transaction
timeout from the settings, so nothing waits forever. `create_schema(engine)` creates
the fact tables. Must not know about facts or metrics.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from payplan.settings import get_settings
from payplan.store.schema import metadata

BUSY_TIMEOUT_MS = 5000


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url` (e.g. "sqlite://", "sqlite:///payplan.sqlite", "postgresql+psycopg://…")."""
    parsed = make_url(url)
    engine = create_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        _configure_sqlite(engine, in_memory=is_memory(parsed.database, parsed.query))
    elif parsed.get_backend_name() == "postgresql":
        _configure_postgres(engine)
    return engine


def create_schema(engine: Engine) -> None:
    """Create the fact tables and their indexes if they do not exist."""
    metadata.create_all(engine)


def is_memory(database: str | None, query: Any) -> bool:
    return database in (None, "", ":memory:") or query.get("mode") == "memory"


def _configure_sqlite(engine: Engine, *, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # A writer takes the write lock first (waiting up to busy_timeout), instead of
        # failing later on a snapshot that another writer changed meanwhile.
        write = connection.get_execution_options().get("payplan_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _configure_postgres(engine: Engine) -> None:
    settings = get_settings()
    limits = (("lock_timeout", settings.lock_timeout_ms), ("statement_timeout", settings.statement_timeout_ms),
              ("idle_in_transaction_session_timeout", settings.idle_in_transaction_timeout_ms))

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        # SQLAlchemy's recipe for session settings: outside any transaction.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            for name, milliseconds in limits:
                cursor.execute(f"SET SESSION {name} = {int(milliseconds)}")
        dbapi_connection.autocommit = autocommit
