"""Users, their roles and their credentials: API tokens, passwords and session versions.

A token is `secrets.token_urlsafe(32)`, shown once; only its SHA-256 is stored, so
a copy of the database yields no usable token. A token expires (PAYPLAN_TOKEN_DAYS,
90 by default) and can be revoked; a disabled user has no working token, session or
login. Passwords meet `payplan.access.passwords`' policy and are hashed with scrypt.
Each user has a session version, stored in their session cookie: bumping it (logout,
disable, password change) ends every session they hold. Must not decide what a role
may do: `payplan.runs.lifecycle`, `payplan.plans.versions` and the API guards do.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

import msgspec
from sqlalchemy import Connection, bindparam, insert, select, update

from payplan.access.passwords import check_policy, hash_password, password_matches
from payplan.errors import Invalid, NotFound
from payplan.i18n import N_
from payplan.store import audit
from payplan.store.records import now_text, races
from payplan.store.schema import reps
from payplan.store.service_schema import ROLES, tokens, users

__all__ = ["User", "add_user", "check_password", "get_user", "hash_password", "new_token", "session_user",
           "token_hash", "token_holder", "user_by_id", "user_for_token"]

DEFAULT_TOKEN_DAYS = 90
_DUMMY_SALT = bytes(16)
_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"  # payplan.store.records.now_text's format: ordered as text


class User(msgspec.Struct, frozen=True):
    id: int
    name: str
    role: str  # admin / finance / hr / manager / rep
    rep_id: str | None = None


def add_user(conn: Connection, name: str, role: str, rep_id: str | None = None,
             password: str | None = None, *, actor: str = "system", token_days: int = DEFAULT_TOKEN_DAYS) -> str:
    """Create a user and their first API token; returns the token (shown once)."""
    _check_new_user(conn, name, role, rep_id)
    if password is not None:
        check_policy(password, name)
    hashed = hash_password(password) if password else None
    with races(f"user {name!r}"):
        user_id = conn.execute(insert(users).values(
            name=name, role=role, rep_id=rep_id, password_hash=hashed, created_at=now_text(),
        ).returning(users.c.id)).scalar_one()
    token = new_token(conn, user_id, token_days)
    audit.record(conn, actor, "user.add", f"user {name}", {"role": role, "rep_id": rep_id},
                 covers=[f"users {user_id}"])
    return token


def new_token(conn: Connection, user_id: int, days: int = DEFAULT_TOKEN_DAYS) -> str:
    """A fresh API token for the user, valid `days` days; only its SHA-256 is stored."""
    if not 1 <= days <= 3650:
        raise Invalid(N_("a token lives 1 to 3650 days, not %(days)s"), days=days)
    token = secrets.token_urlsafe(32)
    expires = (datetime.now(timezone.utc) + timedelta(days=days)).strftime(_TIME)
    conn.execute(insert(tokens).values(user_id=user_id, token_hash=token_hash(token), created_at=now_text(),
                                       expires_at=expires))
    return token


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_token(conn: Connection, token: str) -> User | None:
    """The user holding `token` while it is unexpired, unrevoked and its user enabled; else None."""
    holder = token_holder(conn, token)
    return holder[0] if holder else None


def token_holder(conn: Connection, token: str) -> tuple[User, str] | None:
    """`user_for_token`'s user and the token's expiry ("2026-06-30T12:00:00.000000Z"), or None."""
    if not token:
        return None
    row = conn.execute(_BY_TOKEN, {"token_hash": token_hash(token), "now": now_text()}).first()
    return (User(*row[:4]), row[4]) if row else None


# Built once (every authenticated request runs it): the statement, its hash as a parameter.
_BY_TOKEN = (select(users.c.id, users.c.name, users.c.role, users.c.rep_id, tokens.c.expires_at)
             .join(tokens, tokens.c.user_id == users.c.id)
             .where(tokens.c.token_hash == bindparam("token_hash"), tokens.c.revoked_at.is_(None),
                    tokens.c.expires_at > bindparam("now"), users.c.disabled_at.is_(None)))


def session_user(conn: Connection, user_id: int, version: int) -> User | None:
    """The enabled user `user_id` when `version` is their current session version, else None."""
    row = conn.execute(_BY_SESSION, {"user_id": user_id, "version": version}).first()
    return User(*row) if row else None


_BY_SESSION = (select(users.c.id, users.c.name, users.c.role, users.c.rep_id)
               .where(users.c.id == bindparam("user_id"), users.c.session_version == bindparam("version"),
                      users.c.disabled_at.is_(None)))


def check_password(conn: Connection, name: str, password: str) -> User | None:
    """The user when `password` is theirs and they are enabled, else None (same work either way)."""
    row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    stored = row["password_hash"] if row and row["disabled_at"] is None else None
    if not stored:
        hash_password((password or "x")[:1024], _DUMMY_SALT)  # keep the timing of a real check
        return None
    if not password_matches(stored, password):
        return None
    return User(row["id"], row["name"], row["role"], row["rep_id"])


def session_version(conn: Connection, user_id: int) -> int:
    """The version a new session cookie of `user_id` carries."""
    return conn.execute(select(users.c.session_version).where(users.c.id == user_id)).scalar_one()


def end_sessions(conn: Connection, user_id: int) -> None:
    """Bump the user's session version: every session cookie they hold stops working."""
    conn.execute(update(users).where(users.c.id == user_id).values(session_version=users.c.session_version + 1))


def get_user(conn: Connection, name: str) -> User:
    """The user called `name`; NotFound otherwise (`--as USER` on the command line)."""
    row = conn.execute(select(users.c.id, users.c.name, users.c.role, users.c.rep_id)
                       .where(users.c.name == name)).first()
    if row is None:
        raise NotFound(N_("no user named %(name)r (add one with: payplan users add NAME --role ROLE)"), name=name)
    return User(*row)


def user_by_id(conn: Connection, user_id: int) -> User | None:
    row = conn.execute(select(users.c.id, users.c.name, users.c.role, users.c.rep_id)
                       .where(users.c.id == user_id)).first()
    return User(*row) if row else None


def check_role(role: str, rep_id: str | None) -> None:
    """Invalid unless `role` is a role, and a rep has the rep id whose results they see."""
    if role not in ROLES:
        raise Invalid(N_("unknown role %(role)r; expected one of: %(roles)s"), role=role, roles=", ".join(ROLES))
    if role == "rep" and not rep_id:
        raise Invalid(N_("a user with the rep role needs --rep-id: the rep whose results they see"))


def _check_new_user(conn: Connection, name: str, role: str, rep_id: str | None) -> None:
    if not name or len(name) > 100 or name != name.strip() or any(c in name for c in "\r\n\t"):
        raise Invalid(N_("user name %(name)r must be 1-100 characters without surrounding spaces"), name=name)
    check_role(role, rep_id)
    if rep_id and conn.execute(select(reps.c.id).where(reps.c.id == rep_id)).first() is None:
        raise Invalid(N_("rep %(rep)r is not in the facts (import reps.csv first)"), rep=rep_id)
