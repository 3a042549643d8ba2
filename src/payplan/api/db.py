"""One unit of work per request: the `db` dependency every data route takes.

The engine is made once per app (`create_app`) and kept in `app.state.engine`. A
handler runs its database work as `db.read(work, *args)` or `db.write(work, *args)`:
`work(conn, *args)` runs in one transaction, begun and committed on the handler's own
worker thread with no await point in between, and is retried while the database is
busy (`payplan.store.transaction`); any exception rolls the whole request back, so an
import or a state change is all-or-nothing. Must not run queries itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from litestar.datastructures import State
from litestar.di import Provide
from sqlalchemy import Connection, Engine

from payplan.store.transaction import unit_of_work

T = TypeVar("T")


class Database:
    """The app's engine, lent to a request one unit of work at a time."""

    __slots__ = ("engine",)

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def read(self, work: Callable[..., T], *args: object) -> T:
        """`work(conn, *args)` in a read transaction."""
        return unit_of_work(self.engine, work, *args, write=False)

    def write(self, work: Callable[..., T], *args: object) -> T:
        """`work(conn, *args)` in a write transaction (SQLite: BEGIN IMMEDIATE)."""
        return unit_of_work(self.engine, work, *args, write=True)


def provide_db(state: State) -> Database:
    """The app's `Database` (no I/O: a transaction begins only inside `read`/`write`)."""
    return state.db


DEPENDENCIES = {"db": Provide(provide_db, sync_to_thread=False)}
__all__ = ["Connection", "DEPENDENCIES", "Database"]
