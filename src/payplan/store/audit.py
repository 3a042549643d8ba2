"""The audit log: append-only and hash-chained, one row per import, publication and state change.

`record` is called inside the transaction that makes the change, so the change and
its audit row commit or roll back together. Each row's `hash` is
SHA-256(prev_hash + canonical JSON of the row's id, time, actor, action, object and
detail); `verify` walks the chain and names the first broken link. On PostgreSQL
writers take a transaction-scoped advisory lock so two transactions never chain onto
the same row (SQLite's single writer does that already; a unique `prev_hash` backs
both). Must not decide who may do what: callers check permissions first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select, text

from payplan.store.records import canonical_json, now_text, sha256_text
from payplan.store.service_schema import audit_log

GENESIS = ""
_LOCK_KEY = 0x7061797061  # "paypa": the advisory lock that serialises audit writers


def record(conn: Connection, actor: str, action: str, object: str, detail: dict[str, Any] | None = None) -> int:
    """Append one audit row chained to the last one; returns its id."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    last = conn.execute(select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)).first()
    row = {"id": (last.id + 1) if last else 1, "at": now_text(), "actor": actor, "action": action,
           "object": object, "detail": canonical_json(detail or {})}
    prev = last.hash if last else GENESIS
    conn.execute(insert(audit_log).values(**row, prev_hash=prev, hash=row_hash(prev, row)))
    return row["id"]


def row_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """SHA-256 of the previous hash followed by the row's canonical JSON."""
    fields = {k: row[k] for k in ("id", "at", "actor", "action", "object", "detail")}
    return sha256_text(prev_hash + canonical_json(fields))


def verify(conn: Connection) -> list[str]:
    """[] when the chain is whole, else one message naming the first broken link."""
    prev, prev_id = GENESIS, None
    for row in conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings():
        if row["prev_hash"] != prev:
            after = f"row {prev_id}" if prev_id is not None else "the start of the log"
            return [f"audit row {row['id']}: does not follow {after} (a row was deleted, inserted or reordered)"]
        if row_hash(prev, dict(row)) != row["hash"]:
            return [f"audit row {row['id']}: its content does not match its hash (the row was edited)"]
        prev, prev_id = row["hash"], row["id"]
    return []


def entries(conn: Connection, *, object: str | None = None, limit: int = 100,
            before: int | None = None) -> list[dict[str, Any]]:
    """Audit rows newest first, optionally for one object ("run 12"), for finance's views."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if object is not None:
        query = query.where(audit_log.c.object == object)
    if before is not None:
        query = query.where(audit_log.c.id < before)
    return [dict(row) for row in conn.execute(query).mappings()]


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
