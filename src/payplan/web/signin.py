"""Signing in and out with a name and password, the home page, and the pages' stylesheet.

The sign-in form posts to `/signin`, which checks the password (`payplan.access.users`) and
sets the same encrypted session cookie as `POST /login` (user id and session version,
throttled the same way: `payplan.api.logins`); the CSRF middleware checks the form's
`_csrf_token`. A wrong name or password shows the form again with a message (status
401), a locked name or address too (status 429, with Retry-After). Signing out ends
every session of the user (`payplan.api.logins.end_sessions`). `/` sends each role to its pages.
`/signin` and `/web.css` are the only pages that answer without signing in.
Must not hold role policy beyond which page is a role's home.
"""

from __future__ import annotations

from functools import lru_cache

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, TooManyRequestsException
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template
from typing_extensions import Annotated

from payplan.api import logins
from payplan.api.auth import EVERYONE
from payplan.api.db import Database
from payplan.settings import template_file
from payplan.web.errors import SIGN_IN, wants_html
from payplan.web.templating import gettext, ngettext, page

# a rep's and a manager's home is their progress in the period (the estimate, what moves their pay)
HOME = {"rep": "/progress", "manager": "/progress", "finance": "/finance/runs", "admin": "/finance/runs",
        "hr": "/hr/simulation"}


class SignIn(msgspec.Struct):
    name: str = ""
    password: str = ""
    next: str = "/"


def safe_next(path: str | None) -> str:
    """A local path to return to after signing in; anything else (another site) is '/'."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path if path.isprintable() else "/"


@get("/", guards=[EVERYONE], sync_to_thread=False)
def home(request: Request) -> Redirect:
    """Each role's first page."""
    return Redirect(path=HOME.get(request.user.role, SIGN_IN), status_code=303)


@get(SIGN_IN, exclude_from_auth=True, sync_to_thread=False)
def sign_in_page(request: Request,
                 next: Annotated[str | None, QueryParameter(max_length=2000)] = None) -> Template:
    """The sign-in form."""
    return page(request, "signin.html", name="", next=safe_next(next), message="")


@post(SIGN_IN, exclude_from_auth=True, sync_to_thread=True, status_code=303)
def sign_in(request: Request, db: NamedDependency[Database], data: URLEncodedBody[SignIn]) -> Response:
    """Check name and password: on success the session cookie and a 303 to the page asked for."""
    try:
        found = logins.attempt(request, db, data.name.strip(), data.password) if data.name and data.password \
            else None
    except TooManyRequestsException as locked:
        if not wants_html(request):
            raise
        wait = int((locked.headers or {}).get("Retry-After", "60"))
        message = ngettext("Too many wrong passwords: try again in %(num)s second.",
                           "Too many wrong passwords: try again in %(num)s seconds.", wait)
        return page(request, "signin.html", status=429, name=data.name, next=safe_next(data.next),
                    message=message, headers=dict(locked.headers or {}))
    if found is None:
        if not wants_html(request):
            raise NotAuthorizedException("unknown name or wrong password")
        message = gettext("Unknown name or wrong password.") if data.name and data.password \
            else gettext("Enter your name and your password.")
        return page(request, "signin.html", status=401, name=data.name, next=safe_next(data.next),
                    message=message)
    request.set_session(found[1])
    return Redirect(path=safe_next(data.next), status_code=303)


@post("/signout", guards=[EVERYONE], sync_to_thread=True, status_code=303)
def sign_out(request: Request, db: NamedDependency[Database]) -> Redirect:
    """End the session (every session of the user) and show the sign-in form."""
    logins.end_sessions(request, db)
    return Redirect(path=SIGN_IN, status_code=303)


@lru_cache(maxsize=1)
def _css() -> str:
    return template_file("web/web.css").read_text(encoding="utf-8")


@get("/web.css", exclude_from_auth=True, sync_to_thread=False, cache_control=CacheControlHeader(max_age=3600))
def stylesheet() -> Response[str]:
    """The pages' stylesheet (no data in it: the sign-in page needs it before signing in), the one
    response that may be cached (the app's default is no-store)."""
    return Response(_css(), media_type="text/css; charset=utf-8")


ROUTES = [home, sign_in_page, sign_in, sign_out, stylesheet]
