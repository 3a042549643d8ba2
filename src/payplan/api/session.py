"""Health, the login page, login/logout with a session cookie, and "who am I".

`GET /health` and the login page (`GET /login`, `POST /login`) are the only
routes that answer without authentication. Must not hold role policy.
"""

from __future__ import annotations

import html

import anyio
import anyio.to_thread
import msgspec
from litestar import Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, ServiceUnavailableException
from litestar.params import URLEncodedBody
from litestar.utils.scope.state import ScopeState
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from payplan.access.users import User
from payplan.api import logins
from payplan.api.auth import EVERYONE
from payplan.api.db import Database
from payplan.api.problems import problem_responses

PUBLIC: list = [{}]  # OpenAPI: these operations need no credentials


class Health(msgspec.Struct):
    status: str


class LoginForm(msgspec.Struct):
    name: str
    password: str


class Me(msgspec.Struct):
    """The authenticated user."""

    id: int
    name: str
    role: str
    rep_id: str | None


def me_of(user: User) -> Me:
    return Me(user.id, user.name, user.role, user.rep_id)


# /health must answer while every worker thread and pooled connection is busy (a pile of
# requests waiting on one lock): it has a connection and a thread of its own, and gives up
# after a second.
HEALTH_TIMEOUT = 1.0


@get("/health", exclude_from_auth=True, security=PUBLIC, tags=["session"],
     responses=problem_responses(500, 503))
async def health(state: State) -> Health:
    """{"status": "ok"} when the database answers within a second."""
    if state.get("health_threads") is None:  # made on the app's own event loop
        state.health_threads = anyio.CapacityLimiter(2)
    with anyio.move_on_after(HEALTH_TIMEOUT) as waited:
        answered = await anyio.to_thread.run_sync(_ping, state.health_engine, limiter=state.health_threads,
                                                  abandon_on_cancel=True)
    if waited.cancelled_caught or not answered:
        raise ServiceUnavailableException("the database does not answer")
    return Health("ok")


def _ping(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>payplan — log in</title></head>
<body><main><h1>payplan</h1><form method="post" action="/login">
<input type="hidden" name="_csrf_token" value="{token}">
<label>Name <input name="name" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button></form></main></body></html>"""


@get("/login", exclude_from_auth=True, security=PUBLIC, tags=["session"], media_type="text/html")
async def login_page(request: Request) -> str:
    """The login form (it carries the CSRF token the form post needs)."""
    token = ScopeState.from_scope(request.scope).csrf_token
    return _PAGE.format(token=html.escape(token if isinstance(token, str) else ""))


@post("/login", exclude_from_auth=True, security=PUBLIC, status_code=200, tags=["session"], sync_to_thread=True,
      responses=problem_responses(400, 401, 403, 429))
def login(request: Request, db: NamedDependency[Database], data: URLEncodedBody[LoginForm]) -> Me:
    """Check name and password; on success set the signed session cookie. Five wrong passwords
    for a name or from an address lock it (429 with Retry-After), longer after each further one."""
    found = logins.attempt(request, db, data.name, data.password)
    if found is None:
        raise NotAuthorizedException("unknown name or wrong password")
    user, session = found
    request.set_session(session)
    return me_of(user)


@post("/logout", status_code=204, guards=[EVERYONE], tags=["session"], sync_to_thread=True,
      responses=problem_responses(401, 403))
def logout(request: Request, db: NamedDependency[Database]) -> None:
    """End the session: every session cookie of the user stops working, here and on other devices
    (bearer tokens stay valid: revoke them with `payplan users revoke` or the /users API)."""
    logins.end_sessions(request, db)


@get("/me", guards=[EVERYONE], tags=["session"], responses=problem_responses(401, 403))
async def me(request: Request) -> Me:
    """The authenticated user: name, role and, for a rep, their rep id."""
    return me_of(request.user)


ROUTES = [health, login_page, login, logout, me]
