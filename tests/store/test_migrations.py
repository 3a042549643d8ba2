"""`alembic upgrade head` creates every fact and service table, matching the metadata, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from payplan.store.migrate import current, head, upgrade
from payplan.store.schema import FACT_TABLES, metadata
from payplan.store.service_schema import SERVICE_TABLES
from tests.service_db import db_url, engine  # noqa: F401 - the service database, not the fact store


def test_upgrade_creates_every_table(engine, db_url):
    names = set(inspect(engine).get_table_names())
    assert set(FACT_TABLES) | set(SERVICE_TABLES) <= names
    with engine.connect() as conn:
        assert current(conn) == head()
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == [], "the models changed without a migration: add an Alembic revision"
    upgrade(db_url)  # a second upgrade is a no-op


def test_sqlite_file_is_set_up_for_real_work(engine):
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


def test_0004_creds_gives_existing_tokens_ninety_days_and_users_a_session_version(db_url):
    from sqlalchemy import text

    from payplan.store.db import make_engine

    upgrade(db_url, "0001")
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, name, role, created_at) "
                              "VALUES (1, 'old', 'admin', '2026-11-01T08:00:00.000000Z')"))
            conn.execute(text("INSERT INTO tokens (user_id, token_hash, created_at) "
                              "VALUES (1, 'h', '2026-11-01T08:00:00.000000Z')"))
        upgrade(db_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT expires_at, revoked_at FROM tokens")).one() == \
                ("2027-01-30T08:00:00.000000Z", None)  # 1 November + 90 days
            assert conn.execute(text("SELECT session_version, disabled_at FROM users")).one() == (1, None)
    finally:
        engine.dispose()
