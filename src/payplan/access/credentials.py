"""The credential lifecycle of existing users: list, disable, change a role, set a password, issue and revoke tokens.

Each change is audited in the caller's transaction. Disabling a user revokes every
token they hold and ends every session (their session version is bumped); a password
change ends every session too. Tokens are revoked one by one (by id) or all at once.
Disabling, revoking and a role change also `token_cache.forget()` what this process
remembers of bearer tokens; the caller forgets once more after its commit (a request
that read the old row between the two is not remembered). Must not decide who may do
this: the CLI is the operator's, the API allows admins only.
"""

from __future__ import annotations

import msgspec
from sqlalchemy import Connection, func, select, update

from payplan.access import token_cache
from payplan.access.passwords import check_policy, hash_password
from payplan.access.users import DEFAULT_TOKEN_DAYS, User, check_role, end_sessions, get_user, new_token
from payplan.errors import Conflict, NotFound
from payplan.i18n import N_
from payplan.store import audit
from payplan.store.records import now_text
from payplan.store.service_schema import tokens, users


class UserEntry(msgspec.Struct, frozen=True):
    """One user as `payplan users list` and `GET /users` show them."""

    name: str
    role: str
    rep_id: str | None
    has_password: bool
    disabled_at: str | None
    active_tokens: int


class TokenEntry(msgspec.Struct, frozen=True):
    """One token's record (never the token itself)."""

    id: int
    created_at: str
    expires_at: str
    revoked_at: str | None


def list_users(conn: Connection) -> list[UserEntry]:
    """Every user by name, with how many tokens of theirs still work."""
    now = now_text()
    active = (select(tokens.c.user_id, func.count().label("n"))
              .where(tokens.c.revoked_at.is_(None), tokens.c.expires_at > now)
              .group_by(tokens.c.user_id).subquery())
    query = (select(users.c.name, users.c.role, users.c.rep_id, users.c.password_hash.is_not(None),
                    users.c.disabled_at, func.coalesce(active.c.n, 0))
             .outerjoin(active, active.c.user_id == users.c.id).order_by(users.c.name))
    return [UserEntry(n, r, rep, bool(pw), d, int(c)) for n, r, rep, pw, d, c in conn.execute(query)]


def list_tokens(conn: Connection, name: str) -> list[TokenEntry]:
    """The user's tokens, newest first."""
    user = get_user(conn, name)
    query = (select(tokens.c.id, tokens.c.created_at, tokens.c.expires_at, tokens.c.revoked_at)
             .where(tokens.c.user_id == user.id).order_by(tokens.c.id.desc()))
    return [TokenEntry(*row) for row in conn.execute(query)]


def issue_token(conn: Connection, name: str, actor: str, days: int = DEFAULT_TOKEN_DAYS) -> str:
    """A new token for an enabled user (shown once by the caller)."""
    user = _enabled(conn, name)
    token = new_token(conn, user.id, days)
    audit.record(conn, actor, "token.issue", f"user {name}", {"days": days})
    return token


def revoke_token(conn: Connection, name: str, token_id: int, actor: str) -> None:
    """Revoke one of the user's tokens by id; NotFound when it is not theirs."""
    user = get_user(conn, name)
    changed = conn.execute(update(tokens).where(tokens.c.id == token_id, tokens.c.user_id == user.id,
                                                tokens.c.revoked_at.is_(None))
                           .values(revoked_at=now_text())).rowcount
    if changed != 1:
        raise NotFound(N_("user %(name)s has no unrevoked token %(token)s (see: payplan users tokens %(name)s)"),
                       name=name, token=token_id)
    token_cache.forget()
    audit.record(conn, actor, "token.revoke", f"user {name}", {"token": token_id})


def revoke_all(conn: Connection, user: User) -> int:
    """Revoke every token the user still holds; returns how many."""
    token_cache.forget()
    return conn.execute(update(tokens).where(tokens.c.user_id == user.id, tokens.c.revoked_at.is_(None))
                        .values(revoked_at=now_text())).rowcount


def disable_user(conn: Connection, name: str, actor: str) -> int:
    """Disable a user: no login, every token revoked, every session ended. Returns tokens revoked."""
    user = get_user(conn, name)
    changed = conn.execute(update(users).where(users.c.id == user.id, users.c.disabled_at.is_(None))
                           .values(disabled_at=now_text())).rowcount
    if changed != 1:
        raise Conflict(N_("user %(name)s is disabled already"), name=name)
    revoked = revoke_all(conn, user)
    end_sessions(conn, user.id)
    audit.record(conn, actor, "user.disable", f"user {name}", {"tokens_revoked": revoked})
    return revoked


def set_role(conn: Connection, name: str, role: str, actor: str) -> None:
    """Give the user another role (a rep or manager keeps the rep id they were added with); their
    tokens and sessions carry the new role from the next request on."""
    user = get_user(conn, name)
    check_role(role, user.rep_id)
    conn.execute(update(users).where(users.c.id == user.id).values(role=role))
    token_cache.forget()
    audit.record(conn, actor, "user.role", f"user {name}", {"role": role, "was": user.role})


def set_password(conn: Connection, name: str, password: str, actor: str) -> None:
    """Give the user a new password (the policy applies) and end every session they hold."""
    user = _enabled(conn, name)
    check_policy(password, name)
    conn.execute(update(users).where(users.c.id == user.id).values(password_hash=hash_password(password)))
    end_sessions(conn, user.id)
    audit.record(conn, actor, "user.password", f"user {name}", {})


def _enabled(conn: Connection, name: str) -> User:
    user = get_user(conn, name)
    if conn.execute(select(users.c.disabled_at).where(users.c.id == user.id)).scalar_one() is not None:
        raise Conflict(N_("user %(name)s is disabled"), name=name)
    return user
