"""Users, their roles and their credentials: API tokens and optional passwords.

A token is `secrets.token_urlsafe(32)`, shown once; only its SHA-256 is stored, so
a copy of the database yields no usable token. Passwords are hashed with scrypt and
a per-user salt. Must not decide what a role may do: `payplan.runs.lifecycle`,
`payplan.plans.versions` and the API guards do.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import msgspec
from sqlalchemy import Connection, bindparam, insert, select

from payplan.errors import Invalid, NotFound
from payplan.store import audit
from payplan.store.records import now_text, races
from payplan.store.schema import reps
from payplan.store.service_schema import ROLES, tokens, users

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_DUMMY_SALT = bytes(16)


class User(msgspec.Struct, frozen=True):
    id: int
    name: str
    role: str  # admin / finance / hr / manager / rep
    rep_id: str | None = None


def add_user(conn: Connection, name: str, role: str, rep_id: str | None = None,
             password: str | None = None, *, actor: str = "system") -> str:
    """Create a user and their first API token; returns the token (shown once)."""
    _check_new_user(conn, name, role, rep_id)
    hashed = hash_password(password) if password else None
    with races(f"user {name!r}"):
        user_id = conn.execute(insert(users).values(
            name=name, role=role, rep_id=rep_id, password_hash=hashed, created_at=now_text(),
        ).returning(users.c.id)).scalar_one()
    token = new_token(conn, user_id)
    audit.record(conn, actor, "user.add", f"user {name}", {"role": role, "rep_id": rep_id},
                 covers=[f"users {user_id}"])
    return token


def new_token(conn: Connection, user_id: int) -> str:
    """A fresh API token for the user; only its SHA-256 is stored."""
    token = secrets.token_urlsafe(32)
    conn.execute(insert(tokens).values(user_id=user_id, token_hash=token_hash(token), created_at=now_text()))
    return token


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_token(conn: Connection, token: str) -> User | None:
    """The user holding `token`, or None."""
    if not token:
        return None
    row = conn.execute(_BY_TOKEN, {"token_hash": token_hash(token)}).first()
    return User(*row) if row else None


# Built once (every authenticated request runs it): the statement, its hash as a parameter.
_BY_TOKEN = (select(users.c.id, users.c.name, users.c.role, users.c.rep_id)
             .join(tokens, tokens.c.user_id == users.c.id).where(tokens.c.token_hash == bindparam("token_hash")))


def check_password(conn: Connection, name: str, password: str) -> User | None:
    """The user when `password` is theirs, else None (same work either way)."""
    row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    stored = row["password_hash"] if row else None
    if not stored:
        hash_password(password or "x", _DUMMY_SALT)  # keep the timing of a real check
        return None
    if not _password_matches(stored, password):
        return None
    return User(row["id"], row["name"], row["role"], row["rep_id"])


def get_user(conn: Connection, name: str) -> User:
    """The user called `name`; NotFound otherwise (`--as USER` on the command line)."""
    row = conn.execute(select(users.c.id, users.c.name, users.c.role, users.c.rep_id)
                       .where(users.c.name == name)).first()
    if row is None:
        raise NotFound(f"no user named {name!r} (add one with: payplan users add NAME --role ROLE)")
    return User(*row)


def user_by_id(conn: Connection, user_id: int) -> User | None:
    row = conn.execute(select(users.c.id, users.c.name, users.c.role, users.c.rep_id)
                       .where(users.c.id == user_id)).first()
    return User(*row) if row else None


def hash_password(password: str, salt: bytes | None = None) -> str:
    """"scrypt$n$r$p$salt$hash", hex encoded."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def _password_matches(stored: str, password: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(actual.hex(), digest)


def _check_new_user(conn: Connection, name: str, role: str, rep_id: str | None) -> None:
    if not name or len(name) > 100 or name != name.strip() or any(c in name for c in "\r\n\t"):
        raise Invalid(f"user name {name!r} must be 1-100 characters without surrounding spaces")
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}; expected one of: {', '.join(ROLES)}")
    if role == "rep" and not rep_id:
        raise Invalid("a user with the rep role needs --rep-id: the rep whose results they see")
    if rep_id and conn.execute(select(reps.c.id).where(reps.c.id == rep_id)).first() is None:
        raise Invalid(f"rep {rep_id!r} is not in the facts (import reps.csv first)")
