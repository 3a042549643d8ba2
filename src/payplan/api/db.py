"""One transaction per request: the `conn` dependency every data route takes.

The engine is made once per app (`create_app`) and kept in `app.state.engine`.
`provide_conn` opens a connection, begins a transaction, yields it to the handler
and commits when the handler (and its response) succeeded; any exception rolls
the whole request back, so an import or a state change is all-or-nothing. Must
not run queries itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from litestar.datastructures import State
from litestar.di import Provide
from sqlalchemy import Connection, Engine


def provide_conn(state: State) -> Iterator[Connection]:
    """A connection inside a transaction, committed after a successful response."""
    engine: Engine = state.engine
    with engine.begin() as conn:
        yield conn


DEPENDENCIES = {"conn": Provide(provide_conn)}
