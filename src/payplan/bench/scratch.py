"""Scratch databases for the benchmarks: fresh copies of a prepared database, SQLite or PostgreSQL.

SQLite: a page-for-page copy (SQLite's backup API) at a new path in a folder.
PostgreSQL: `CREATE DATABASE … TEMPLATE` on the server of the source URL (a file-level
copy, statistics included), named `payplan_bench_…`. `fact_database` gives the
PostgreSQL database the synthetic facts are generated into once and reused
(`payplan_bench_<reps>_<facts>`); `remove` drops a scratch database (or deletes the
file and its WAL); `audit_key` gives the benchmark's processes a throw-away audit key on
PostgreSQL. Must not write to or drop any database but those named here.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import sqlite3

from sqlalchemy import text
from sqlalchemy.engine import make_url

PREFIX = "payplan_bench_"


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def copy_database(source_url: str, folder: str, name: str) -> str:
    """A fresh copy of the database at `source_url`, called `name`; its URL.

    SQLite: the file `name`.sqlite in `folder`. PostgreSQL: the database
    payplan_bench_`name` on the same server (`name` must be new and, for a
    PostgreSQL identifier, lower-case letters, digits and underscores)."""
    if is_postgres(source_url):
        return _copy_postgres(source_url, PREFIX + name)
    source = make_url(source_url)
    if source.get_backend_name() != "sqlite" or not source.database or source.database == ":memory:":
        raise ValueError(f"the benchmark needs a SQLite file or a PostgreSQL database, not {source_url!r}")
    path = os.path.join(folder, name + ".sqlite")
    if os.path.exists(path):
        raise FileExistsError(f"{path} exists: the benchmark only writes to a fresh scratch database")
    with contextlib.closing(sqlite3.connect(source.database)) as src, contextlib.closing(sqlite3.connect(path)) as dst:
        src.backup(dst)
    return "sqlite:///" + path


def fact_database(server_url: str, reps: int, facts: int) -> str:
    """The URL of the PostgreSQL database the synthetic facts of this size live in (created empty
    when missing: `stage1._ensure_data` generates into it once)."""
    name = f"{PREFIX}{reps}_{facts}"
    with _admin(server_url) as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    return _url_of(server_url, name)


def remove(url: str) -> None:
    """Drop a scratch PostgreSQL database, or delete a scratch SQLite file and its WAL files."""
    if is_postgres(url):
        name = _checked(make_url(url).database or "")
        with _admin(url) as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        return
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(make_url(url).database + suffix)


def count_results(url: str, run_id: int) -> tuple[int, int]:
    """(results the run persisted, reps in the database)."""
    from payplan.store import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return (conn.execute(text("SELECT count(*) FROM run_results WHERE run_id = :id"), {"id": run_id}).scalar(),
                    conn.execute(text("SELECT count(*) FROM reps")).scalar())
    finally:
        engine.dispose()


@contextlib.contextmanager
def audit_key():
    """A throw-away audit key (PAYPLAN_AUDIT_KEY) for this process and its children, unless one is
    configured: on PostgreSQL, `payplan.keyfiles` has no file beside the database to keep it in."""
    from payplan.settings import get_settings

    if os.environ.get("PAYPLAN_AUDIT_KEY") or os.environ.get("PAYPLAN_KEY_DIR"):
        yield
        return
    os.environ["PAYPLAN_AUDIT_KEY"] = secrets.token_hex(32)
    get_settings.cache_clear()
    try:
        yield
    finally:
        del os.environ["PAYPLAN_AUDIT_KEY"]
        get_settings.cache_clear()


def _copy_postgres(source_url: str, name: str) -> str:
    source = _checked(make_url(source_url).database or "")
    with _admin(source_url) as conn:
        conn.execute(text(f'CREATE DATABASE "{_checked(name)}" TEMPLATE "{source}"'))
    return _url_of(source_url, name)


def _checked(name: str) -> str:
    if not re.fullmatch(PREFIX + r"[a-z0-9_]+", name):
        raise ValueError(f"{name!r} is not a benchmark database (payplan_bench_…)")
    return name


def _url_of(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@contextlib.contextmanager
def _admin(url: str):
    """An autocommit connection to the server's `postgres` database (CREATE/DROP DATABASE)."""
    from payplan.store import make_engine

    engine = make_engine(make_url(url).set(database="postgres").render_as_string(hide_password=False),
                         isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()
