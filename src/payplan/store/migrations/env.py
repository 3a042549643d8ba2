"""Alembic environment: migrate payplan's tables with the engine settings the service uses.

The connection comes from `config.attributes["connection"]` when the caller passes
one (tests, `payplan.store.migrate`), else an engine is made for the configured
URL with `payplan.store.db.make_engine` (WAL, foreign keys, real transactions on
SQLite). Batch mode renders ALTERs SQLite can run. Must not define tables.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.pool import NullPool

import payplan.store.service_schema  # noqa: F401 - registers the service tables in `metadata`
from payplan.store.db import make_engine
from payplan.store.schema import metadata

config = context.config


def _configure(**kwargs: object) -> None:
    context.configure(target_metadata=metadata, render_as_batch=True, compare_type=True, **kwargs)


def run_offline() -> None:
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _run(connection: object) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
