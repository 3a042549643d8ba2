"""Who is asking: bearer tokens, signed session cookies, CSRF, and role guards.

Every request but `/health` and the login page must authenticate, either with
`Authorization: Bearer <token>` (looked up hashed via `payplan.access.users`) or with the
encrypted, signed session cookie set by `POST /login` (it holds only the user id;
the user and role are read from the database on each request, so a changed role
or a removed user takes effect at once). Cookie-authenticated unsafe requests
must carry the CSRF token (double-submit cookie, Litestar's `CSRFMiddleware`);
bearer requests are exempt, since a browser never adds that header on its own.
What a role may do is declared per route with `allow(...)`; ownership (a rep sees
only their own results) is enforced by the domain queries, not here.
"""

from __future__ import annotations

import hashlib
from typing import Any

import anyio.to_thread
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import (
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import Engine

from payplan.access import users
from payplan.access.users import User

SESSION_COOKIE = "payplan_session"
CSRF_COOKIE = "payplan_csrf"
CSRF_HEADER = "x-csrf-token"
ROLES = ("admin", "finance", "hr", "manager", "rep")


def session_config(secret: str, secure: bool = False) -> CookieBackendConfig:
    """Client-side session: AES-GCM with a key derived from the settings secret (stateless replicas).
    `secure` (PAYPLAN_SECURE_COOKIES) sends the cookie over HTTPS only."""
    key = hashlib.sha256(b"payplan-session:" + secret.encode()).digest()
    return CookieBackendConfig(secret=key, key=SESSION_COOKIE, httponly=True, samesite="lax",
                               max_age=8 * 3600, secure=secure)


def csrf_middleware(secret: str, secure: bool = False) -> DefineMiddleware:
    """CSRF protection for cookie-authenticated requests; bearer requests pass straight through."""
    config = CSRFConfig(secret=hashlib.sha256(b"payplan-csrf:" + secret.encode()).hexdigest(),
                        cookie_name=CSRF_COOKIE, header_name=CSRF_HEADER, cookie_samesite="strict",
                        cookie_secure=secure)
    return DefineMiddleware(CsrfUnlessBearer, config=config)


class CsrfUnlessBearer:
    """Litestar's CSRFMiddleware, skipped when the request authenticates with a bearer token."""

    def __init__(self, app: ASGIApp, config: CSRFConfig) -> None:
        self.app = app
        self.csrf = CSRFMiddleware(app, config)

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
        engine: Engine = connection.app.state.engine
        token = _bearer(connection.scope)
        if token is not None:
            user = await anyio.to_thread.run_sync(_user_for_token, engine, token)
            if user is None:
                raise NotAuthorizedException("the bearer token is not valid")
            return AuthenticationResult(user=user, auth="bearer")
        user_id = _session_user_id(connection)
        if user_id is not None:
            user = await anyio.to_thread.run_sync(_user_by_id, engine, user_id)
            if user is not None:
                return AuthenticationResult(user=user, auth="session")
        raise NotAuthorizedException("authentication required: send 'Authorization: Bearer <token>' or log in")


def is_anonymous_miss(request: ASGIConnection, exc: Exception) -> bool:
    """A request without any credentials that matched no route: answer 401, not 404/405."""
    if not isinstance(exc, (NotFoundException, MethodNotAllowedException)) or "user" in request.scope:
        return False
    return _bearer(request.scope) is None and SESSION_COOKIE not in request.cookies


def _bearer(scope: Scope) -> str | None:
    """The token of an `Authorization: Bearer …` header; '' for another or malformed scheme."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").strip().partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return None


def _session_user_id(connection: ASGIConnection) -> int | None:
    session: Any = connection.scope.get("session")
    user_id = session.get("user_id") if isinstance(session, dict) else None
    return user_id if isinstance(user_id, int) else None


def _user_for_token(engine: Engine, token: str) -> User | None:
    with engine.connect() as conn:
        return users.user_for_token(conn, token)


def _user_by_id(engine: Engine, user_id: int) -> User | None:
    with engine.connect() as conn:
        return users.user_by_id(conn, user_id)


def allow(*roles: str):
    """A route guard letting only `roles` through (403 otherwise)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        # async: it does no I/O, and a sync guard costs a hop to a worker thread per request
        user = connection.user
        if not isinstance(user, User) or user.role not in allowed:
            role = getattr(user, "role", "anonymous")
            allowed_text = ", ".join(sorted(allowed))
            raise PermissionDeniedException(f"the role {role!r} may not do this (allowed: {allowed_text})")

    guard.__name__ = f"allow_{'_'.join(sorted(allowed))}"
    return guard


EVERYONE = allow(*ROLES)
