"""One login attempt, for `POST /login` and the sign-in page: throttled, checked, counted.

A locked name or address (`payplan.access.throttle`, kept in `app.state.throttle`)
gets 429 with Retry-After before any password is checked; a wrong password counts
against both; a right one clears them and returns the user with the session
version their new cookie carries (`payplan.api.auth.session_data`). Must not set
cookies nor render: the callers do.
"""

from __future__ import annotations

import time

from litestar import Request
from litestar.exceptions import TooManyRequestsException

from payplan.access import users
from payplan.access.throttle import Throttle, keys_for
from payplan.access.users import User
from payplan.api.auth import session_data
from payplan.api.db import Connection, Database


def attempt(request: Request, db: Database, name: str, password: str) -> tuple[User, dict[str, int]] | None:
    """(user, session cookie data) when `password` is `name`'s; None when wrong; 429 when locked."""
    throttle: Throttle = request.app.state.throttle
    keys = keys_for(name, request.client.host if request.client else None)
    wait = throttle.retry_after(keys, time.monotonic())
    if wait:
        raise TooManyRequestsException(f"too many failed logins: try again in {wait} seconds",
                                       headers={"Retry-After": str(wait)})
    found = db.read(_check, name, password)
    if found is None:
        throttle.failed(keys, time.monotonic())
        return None
    throttle.succeeded(keys)
    user, version = found
    return user, session_data(user.id, version)


def _check(conn: Connection, name: str, password: str) -> tuple[User, int] | None:
    user = users.check_password(conn, name, password)
    return (user, users.session_version(conn, user.id)) if user is not None else None


def end_sessions(request: Request, db: Database) -> None:
    """Log the requester out everywhere: their session version moves on, their cookie is cleared."""
    user: User = request.user
    if request.scope.get("session"):
        db.write(users.end_sessions, user.id)
    request.clear_session()
