"""Who is asking: bearer tokens, signed session cookies, CSRF, and role guards.

Every request but `/health` and the login page must authenticate, either with
`Authorization: Bearer <token>` (looked up hashed via `payplan.access.users`, remembered
for a few seconds by `payplan.access.token_cache`, which forgets at once when a user is
disabled, a role changes or a token is revoked in this process) or with the
encrypted, signed session cookie set by `POST /login` (it holds only the user id and
their session version; the user and role are read from the database on each request,
so a changed role, a disabled user, a logout or a password change takes effect at
once). While the secret is rotated, cookies and CSRF tokens made with
PAYPLAN_PREVIOUS_SECRET are still accepted (and re-issued with the new secret).
Cookie-authenticated unsafe requests
must carry the CSRF token (double-submit cookie, Litestar's `CSRFMiddleware`);
bearer requests are exempt, since a browser never adds that header on its own, and a
bearer read (GET, HEAD) without a session cookie skips the session middleware too (nothing
to decrypt; its session is empty). A bearer request whose holder is remembered costs no
query and no thread; otherwise one query on a worker thread.
What a role may do is declared per route with `allow(...)`; ownership (a rep sees
only their own results) is enforced by the domain queries, not here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

import anyio.to_thread
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import (
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
)
from litestar.handlers.base import BaseRouteHandler
from litestar.handlers.http_handlers.base import HTTPRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from litestar.middleware.session.base import SessionMiddleware
from litestar.middleware.session.client_side import ClientSideSessionBackend, CookieBackendConfig
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import Engine

from payplan.access import token_cache, users
from payplan.access.users import User
from payplan.errors import Forbidden, Phrase
from payplan.i18n import N_

SESSION_COOKIE = "payplan_session"
CSRF_COOKIE = "payplan_csrf"
CSRF_HEADER = "x-csrf-token"
ROLES = ("admin", "finance", "hr", "manager", "rep")


def session_middleware(secret: str, secure: bool = False, previous: str | None = None) -> DefineMiddleware:
    """The session cookie middleware (`session_config`), skipped by bearer requests that carry no cookie."""
    config = session_config(secret, secure, previous)
    return DefineMiddleware(SessionUnlessBearer, backend=config._backend_class(config=config))


class SessionUnlessBearer(SessionMiddleware):
    """Litestar's session middleware, passed straight through by a bearer read (GET, HEAD) without a
    session cookie: nothing to decrypt, and no handler of a read sets a session (a login is a POST)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["method"] in _READS and _bearer(scope) is not None
                and not _has_session_cookie(scope)):
            scope["session"] = {}
            await self.app(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


_READS = frozenset({"GET", "HEAD"})


def _has_session_cookie(scope: Scope) -> bool:
    return any(name == b"cookie" and SESSION_COOKIE.encode() in value for name, value in scope["headers"])


def session_config(secret: str, secure: bool = False, previous: str | None = None) -> CookieBackendConfig:
    """Client-side session: AES-GCM with a key derived from the settings secret (stateless replicas).
    `secure` (PAYPLAN_SECURE_COOKIES) sends the cookie over HTTPS only; cookies made with the
    `previous` secret (PAYPLAN_PREVIOUS_SECRET) are still read."""
    return RotatingCookieConfig(secret=_session_key(secret), key=SESSION_COOKIE, httponly=True, samesite="lax",
                                max_age=8 * 3600, secure=secure,
                                previous_secret=_session_key(previous) if previous else None)


def _session_key(secret: str) -> bytes:
    return hashlib.sha256(b"payplan-session:" + secret.encode()).digest()


class RotatingSessionBackend(ClientSideSessionBackend):
    """Litestar's cookie backend that also decrypts cookies made with the previous key."""

    def load_data(self, data: list[bytes]) -> dict[str, Any]:
        try:
            return super().load_data(data)
        except InvalidTag:
            previous = getattr(self.config, "previous_secret", None)
            if previous is None:
                raise
            # no await between the swap and its undoing: other requests never see the old key
            current, self.aesgcm = self.aesgcm, AESGCM(previous)
            try:
                return super().load_data(data)
            finally:
                self.aesgcm = current


@dataclass
class RotatingCookieConfig(CookieBackendConfig):
    """`CookieBackendConfig` with a previous key still accepted for reading."""

    _backend_class = RotatingSessionBackend
    previous_secret: bytes | None = None


def csrf_middleware(secret: str, secure: bool = False, previous: str | None = None) -> DefineMiddleware:
    """CSRF protection for cookie-authenticated requests; bearer requests pass straight through."""
    config = CSRFConfig(secret=_csrf_key(secret), cookie_name=CSRF_COOKIE, header_name=CSRF_HEADER,
                        cookie_samesite="strict", cookie_secure=secure)
    return DefineMiddleware(CsrfUnlessBearer, config=config, previous=_csrf_key(previous) if previous else None)


def _csrf_key(secret: str) -> str:
    return hashlib.sha256(b"payplan-csrf:" + secret.encode()).hexdigest()


class RotatingCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRFMiddleware that also accepts tokens signed with the previous secret."""

    def __init__(self, app: ASGIApp, config: CSRFConfig, previous: str | None = None) -> None:
        super().__init__(app, config)
        self.previous = CSRFMiddleware(app, replace(config, secret=previous)) if previous else None

    def _decode_csrf_token(self, token: str) -> str | None:
        decoded = super()._decode_csrf_token(token)
        if decoded is None and self.previous is not None:
            return self.previous._decode_csrf_token(token)
        return decoded


class CsrfUnlessBearer:
    """The CSRF check, skipped when the request authenticates with a bearer token."""

    def __init__(self, app: ASGIApp, config: CSRFConfig, previous: str | None = None) -> None:
        self.app = app
        self.csrf = RotatingCSRFMiddleware(app, config, previous)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Dispatch to the app directly for bearer requests, else through the CSRF check."""
        if scope["type"] == "http" and _bearer(scope) is not None:
            await self.app(scope, receive, send)
        else:
            await self.csrf(scope, receive, send)


class Authenticate(AbstractAuthenticationMiddleware):
    """Sets `request.user` to a `payplan.access.users.User` or answers 401."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        """A bearer token wins over the session cookie; a bad token is never retried as a cookie."""
        state = connection.app.state
        engine: Engine = state.engine
        token = _bearer(connection.scope)
        if token is not None:
            user = state.tokens.user(token) or await anyio.to_thread.run_sync(_user_for_token, engine,
                                                                              state.tokens, token)
            if user is None:
                raise NotAuthorizedException("the bearer token is not valid")
            return AuthenticationResult(user=user, auth="bearer")
        session = _session_ids(connection)
        if session is not None:
            user = await anyio.to_thread.run_sync(_session_user, engine, *session)
            if user is not None:
                return AuthenticationResult(user=user, auth="session")
            raise NotAuthorizedException("the session has ended (logged out, disabled or password changed): "
                                         "log in again")
        raise NotAuthorizedException("authentication required: send 'Authorization: Bearer <token>' or log in")


def is_anonymous_miss(request: ASGIConnection, exc: Exception) -> bool:
    """A request without any credentials that matched no route: answer 401, not 404/405."""
    if not isinstance(exc, (NotFoundException, MethodNotAllowedException)) or "user" in request.scope:
        return False
    return _bearer(request.scope) is None and SESSION_COOKIE not in request.cookies


def _bearer(scope: Scope) -> str | None:
    """The token of an `Authorization: Bearer …` header; '' for another or malformed scheme.
    Read once per request (three middlewares ask), kept in the scope."""
    try:
        return scope[_BEARER_KEY]  # type: ignore[literal-required]
    except KeyError:
        pass
    token = None
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, rest = value.decode("latin-1").strip().partition(" ")
            token = rest.strip() if scheme.lower() == "bearer" else ""
            break
    scope[_BEARER_KEY] = token  # type: ignore[literal-required]
    return token


_BEARER_KEY = "payplan.bearer"


def session_data(user_id: int, version: int) -> dict[str, int]:
    """What a session cookie holds: the user's id and their session version at login."""
    return {"user_id": user_id, "sv": version}


def _session_ids(connection: ASGIConnection) -> tuple[int, int] | None:
    session: Any = connection.scope.get("session")
    if not isinstance(session, dict) or "user_id" not in session:
        return None
    user_id, version = session.get("user_id"), session.get("sv")
    valid = all(isinstance(v, int) and not isinstance(v, bool) for v in (user_id, version))
    return (user_id, version) if valid else (0, 0)


def _user_for_token(engine: Engine, tokens: token_cache.TokenCache, token: str) -> User | None:
    read_in = token_cache.generation()  # before the query: a change committed meanwhile voids this read
    with engine.connect() as conn:
        holder = users.token_holder(conn, token)
    if holder is None:
        return None
    tokens.remember(token, *holder, read_in)
    return holder[0]


def _session_user(engine: Engine, user_id: int, version: int) -> User | None:
    with engine.connect() as conn:
        return users.session_user(conn, user_id, version)


def allow(*roles: str):
    """A route guard letting only `roles` through (403 otherwise)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    allowed = frozenset(roles)
    allowed_words = word_list(sorted(allowed))

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        # async: it does no I/O, and a sync guard costs a hop to a worker thread per request
        user = connection.user
        if not isinstance(user, User) or user.role not in allowed:
            role = getattr(user, "role", "anonymous")
            # a domain Forbidden (not Litestar's): its reason is a message id a page can say in its
            # language, the roles by their words (the role ids are the catalog's message ids)
            raise Forbidden(N_("the role '%(role)s' may not do this (allowed: %(allowed)s)"), role=role,
                            allowed=allowed_words, words=("role",))

    guard.__name__ = f"allow_{'_'.join(sorted(allowed))}"
    return guard


def word_list(words: list[str]) -> Phrase:
    """Words of ours as one field of a reason: "admin, finance", each said in the reader's language."""
    fields = {f"w{i}": word for i, word in enumerate(words)}
    return Phrase(", ".join(f"%({name})s" for name in fields), fields, words=tuple(fields))


EVERYONE = allow(*ROLES)


class UncopiedGuards(HTTPRouteHandler):
    """A route handler (`UncopiedGuards(path, http_method="GET", …)`) whose guards are handed the
    handler itself: Litestar copies the handler for every guard call (a fifth of a kept
    breakdown's request), and `allow`'s guards never look at it."""

    async def authorize_connection(self, connection: ASGIConnection) -> None:
        for guard in self.resolve_guards():
            await guard(connection, self)
