"""One unit of work: BEGIN … COMMIT on the calling thread, retried when the database is busy.

Every request and command runs its database work as `unit_of_work(engine, work)`: the
connection is taken, the transaction begun, `work(conn)` run and the transaction
committed on one thread, with no await point in between, so a COMMIT never waits for
a thread that requests blocked on its locks are holding (PITFALLS: sync handlers and
PostgreSQL). A write unit on SQLite begins with `BEGIN IMMEDIATE`: it takes the write
lock first and waits for it (busy_timeout), instead of failing later on a snapshot
another writer changed. A transient failure — a serialization failure, a deadlock, a
lock or statement timeout, SQLite's "database is locked", a backend terminated mid-
transaction — rolls back and runs `work` again, up to `ATTEMPTS` times, then raises
`Busy` (HTTP 503 with Retry-After, CLI exit 1). So does a unique-key violation that no
domain check caught: a concurrent request stored the same key first (two identical
imports), and running `work` again sees its rows; if it persists it is a `Conflict`. `work` must therefore do nothing but
database work that a rollback undoes. Must not know what the work is.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from payplan.errors import Busy, Conflict
from payplan.i18n import N_

T = TypeVar("T")
ATTEMPTS = 4
# PostgreSQL SQLSTATEs worth a retry: serialization failure, deadlock, lock timeout,
# the backend terminated by an administrator (pg_terminate_backend) or crashed.
_RETRY_SQLSTATES = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03"}
_STATEMENT_TIMEOUT = "57014"
_UNIQUE_VIOLATION = "23505"
_SQLITE_BUSY = ("database is locked", "database table is locked", "database schema is locked")


def unit_of_work(engine: Engine, work: Callable[..., T], *args: object, write: bool = True) -> T:
    """`work(conn, *args)` in one transaction on this thread; retried while the database is busy."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with engine.connect() as conn:
                if write:
                    conn.execution_options(payplan_write=True)
                with conn.begin():
                    return work(conn, *args)
        except DBAPIError as exc:
            kind = transient(exc)
            if kind is None:
                raise
            if kind == "unique" and attempt == ATTEMPTS:
                raise Conflict(N_("the same record was being written by another request; nothing was changed")) from exc
            if attempt == ATTEMPTS or kind == "timeout":
                raise Busy(_busy_detail(kind)) from exc
            time.sleep(random.uniform(0.02, 0.08) * 2 ** attempt)  # jitter: racers do not collide again
    raise AssertionError("unreachable")


def transient(exc: DBAPIError) -> str | None:
    """"lock" for a failure that a retry may cure, "unique" for a key a concurrent writer
    stored first, "timeout" for a statement timeout, else None."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(getattr(exc.orig, "diag", None), "sqlstate", None)
    if code == _STATEMENT_TIMEOUT:
        return "timeout"
    if code == _UNIQUE_VIOLATION or "UNIQUE constraint failed" in str(exc.orig):
        return "unique"
    if code in _RETRY_SQLSTATES or exc.connection_invalidated:
        return "lock"
    text = str(exc.orig).lower()
    return "lock" if any(busy in text for busy in _SQLITE_BUSY) else None


def _busy_detail(kind: str) -> str:
    if kind == "timeout":
        return N_("the database took too long to answer; nothing was changed, try again later")
    return N_("the database is busy with other changes; nothing was changed, try again in a moment")
