"""Idempotency keys: the same key, user and scope gives the first response, and does the work once.

`claim` is the first write of the caller's transaction: it inserts the key (inside a
SAVEPOINT) before the work is done, so a concurrent request with the same key
waits on the unique index and then reads the response the first one stored. The
request's fingerprint is stored with the response: reusing a key for a different
request is a Conflict. Must not know what the work is.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from payplan.errors import Conflict, Invalid
from payplan.i18n import N_
from payplan.store.records import canonical_json, now_text
from payplan.store.service_schema import idempotency_keys as keys

MAX_KEY = 200
_PENDING = "{}"


def claim(conn: Connection, key: str, user_id: int, scope: str, request: Any) -> dict | None:
    """None when this key is new (do the work, then `remember`), else the first response."""
    if not key or len(key) > MAX_KEY:
        raise Invalid(N_("an idempotency key must be 1-%(limit)s characters"), limit=MAX_KEY)
    try:
        with conn.begin_nested():
            conn.execute(insert(keys).values(key=key, user_id=user_id, scope=scope, response=_PENDING,
                                             created_at=now_text()))
        return None
    except IntegrityError:
        pass
    stored = conn.execute(select(keys.c.response).where(
        keys.c.key == key, keys.c.user_id == user_id, keys.c.scope == scope)).scalar_one()
    document = msgspec.json.decode(stored)
    if document.get("request") != msgspec.json.decode(canonical_json(request)):
        raise Conflict(N_("idempotency key %(key)r was already used for a different request"), key=key)
    return document["response"]


def remember(conn: Connection, key: str, user_id: int, scope: str, request: Any, response: Any) -> None:
    """Store the response of the work done under a claimed key (same transaction)."""
    document = canonical_json({"request": request, "response": response})
    conn.execute(update(keys).where(keys.c.key == key, keys.c.user_id == user_id, keys.c.scope == scope)
                 .values(response=document))
