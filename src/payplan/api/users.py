"""Users and their credentials, for admins: list, add, disable, set a password, issue and revoke tokens.

`GET /users`, `POST /users` (the first token is answered once), `POST /users/{name}/disable`
(revokes every token and ends every session), `POST /users/{name}/role`, `POST
/users/{name}/password` (ends every session), `GET|POST /users/{name}/tokens` and `DELETE
/users/{name}/tokens/{id}`. Only admins; the same operations as `payplan users …`. A disable,
a role change or a revoke forgets this process's remembered tokens once more after its
commit (`payplan.access.token_cache`), so the next request sees it. Must stay thin: the
lifecycle is `payplan.access.credentials`, the password policy `payplan.access.passwords`.
"""

from __future__ import annotations

import msgspec
from litestar import Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter
from typing_extensions import Annotated

from payplan.access import credentials, token_cache
from payplan.access.credentials import TokenEntry, UserEntry
from payplan.access.users import DEFAULT_TOKEN_DAYS, add_user
from payplan.api.auth import ROLES, allow
from payplan.api.db import Database
from payplan.api.problems import TEXT, problem_responses
from payplan.errors import Conflict
from payplan.i18n import N_

ADMIN = allow("admin")
Name = Annotated[str, PathParameter(min_length=1, max_length=100, pattern=TEXT)]
TokenId = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
Days = Annotated[int, msgspec.Meta(ge=1, le=3650)]
_ERRORS = problem_responses(400, 401, 403, 404, 409, 422)


class NewUser(msgspec.Struct):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=TEXT)]
    role: Annotated[str, msgspec.Meta(pattern=f"^({'|'.join(ROLES)})$")]
    rep_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=TEXT)] | None = None
    password: Password | None = None
    days: Days | None = None


class NewPassword(msgspec.Struct):
    password: Password


class TokenRequest(msgspec.Struct):
    days: Days | None = None


class IssuedToken(msgspec.Struct):
    """A new API token: shown only in this answer."""

    name: str
    token: str


class Disabled(msgspec.Struct):
    name: str
    tokens_revoked: int


def _days(request: Request, days: int | None) -> int:
    return days or getattr(request.app.state.settings, "token_days", DEFAULT_TOKEN_DAYS)


@get("/users", guards=[ADMIN], sync_to_thread=True, tags=["users"], responses=problem_responses(401, 403))
def list_users(db: NamedDependency[Database]) -> list[UserEntry]:
    """Every user with their role, whether they are disabled and how many tokens still work."""
    return db.read(credentials.list_users)


@post("/users", guards=[ADMIN], sync_to_thread=True, status_code=201, tags=["users"], responses=_ERRORS)
def create_user(request: Request, data: JSONBody[NewUser], db: NamedDependency[Database]) -> IssuedToken:
    """Add a user (a password, if given, needs 12+ characters and not a common one); their token once."""
    actor, days = request.user.name, _days(request, data.days)
    token = db.write(lambda conn: add_user(conn, data.name, data.role, data.rep_id, data.password,
                                           actor=actor, token_days=days))
    return IssuedToken(data.name, token)


@post("/users/{name:str}/disable", guards=[ADMIN], sync_to_thread=True, status_code=200, tags=["users"],
      responses=_ERRORS)
def disable_user(request: Request, name: Name, db: NamedDependency[Database]) -> Disabled:
    """Disable a user: no login, every token revoked, every session ended (not yourself: 409)."""
    if name == request.user.name:
        raise Conflict(N_("you cannot disable yourself: ask another admin, or use payplan users disable"))
    revoked = db.write(credentials.disable_user, name, request.user.name)
    token_cache.forget()  # after the commit: a request that read the user meanwhile is not remembered
    return Disabled(name, revoked)


class NewRole(msgspec.Struct):
    role: Annotated[str, msgspec.Meta(pattern=f"^({'|'.join(ROLES)})$")]


@post("/users/{name:str}/role", guards=[ADMIN], sync_to_thread=True, status_code=204, tags=["users"],
      responses=_ERRORS)
def set_role(request: Request, name: Name, data: JSONBody[NewRole], db: NamedDependency[Database]) -> None:
    """Give a user another role; their tokens and sessions carry it from the next request on."""
    db.write(credentials.set_role, name, data.role, request.user.name)
    token_cache.forget()


@post("/users/{name:str}/password", guards=[ADMIN], sync_to_thread=True, status_code=204, tags=["users"],
      responses=_ERRORS)
def set_password(request: Request, name: Name, data: JSONBody[NewPassword], db: NamedDependency[Database]) -> None:
    """Set a user's password (12+ characters, not a common one); ends every session they hold."""
    db.write(credentials.set_password, name, data.password, request.user.name)


@get("/users/{name:str}/tokens", guards=[ADMIN], sync_to_thread=True, tags=["users"], responses=_ERRORS)
def list_tokens(name: Name, db: NamedDependency[Database]) -> list[TokenEntry]:
    """The user's tokens (ids and dates, never the tokens), newest first."""
    return db.read(credentials.list_tokens, name)


@post("/users/{name:str}/tokens", guards=[ADMIN], sync_to_thread=True, status_code=201, tags=["users"],
      responses=_ERRORS)
def issue_token(request: Request, name: Name, db: NamedDependency[Database],
                data: JSONBody[TokenRequest | None] = None) -> IssuedToken:
    """A new API token for the user, valid `days` (default PAYPLAN_TOKEN_DAYS) days."""
    days = _days(request, data.days if data else None)
    return IssuedToken(name, db.write(credentials.issue_token, name, request.user.name, days))


@delete("/users/{name:str}/tokens/{token_id:int}", guards=[ADMIN], sync_to_thread=True, tags=["users"],
        responses=_ERRORS)
def revoke_token(request: Request, name: Name, token_id: TokenId, db: NamedDependency[Database]) -> None:
    """Revoke one token of the user (204)."""
    db.write(credentials.revoke_token, name, token_id, request.user.name)
    token_cache.forget()


ROUTES = [list_users, create_user, disable_user, set_role, set_password, list_tokens, issue_token, revoke_token]
