"""The audit log for admin and finance: read it (newest first) and verify its hash chain.

Must stay thin: the log is `payplan.store.audit`.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from typing_extensions import Annotated

from payplan.api.auth import allow
from payplan.api.db import Database
from payplan.api.problems import TEXT, problem_responses
from payplan.store import audit

AUDITORS = allow("admin", "finance")


class AuditEntry(msgspec.Struct):
    id: int
    at: str
    actor: str
    action: str
    object: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class ChainCheck(msgspec.Struct):
    """`ok` when every row follows the previous one and matches its hash."""

    ok: bool
    entries: int
    problems: list[str]


def entry_of(row: dict[str, Any]) -> AuditEntry:
    detail: Any = msgspec.Raw(row["detail"].encode())  # canonical JSON, passed through as stored
    return AuditEntry(row["id"], row["at"], row["actor"], row["action"], row["object"], detail,
                      row["prev_hash"], row["hash"])


@get("/audit", guards=[AUDITORS], sync_to_thread=True, tags=["audit"], responses=problem_responses(400, 401, 403))
def list_audit(db: NamedDependency[Database],
               object: Annotated[str | None, QueryParameter(max_length=300, pattern=TEXT,
                                                            description="e.g. 'run 12'")] = None,
               limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
               before: Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)] = None) -> list[AuditEntry]:
    """Audit rows newest first; `before` (a row id) pages."""
    rows = db.read(lambda conn: audit.entries(conn, object=object, limit=limit, before=before))
    return [entry_of(row) for row in rows]


@get("/audit/verify", guards=[AUDITORS], sync_to_thread=True, tags=["audit"],
     responses=problem_responses(400, 401, 403))
def verify_audit(db: NamedDependency[Database]) -> ChainCheck:
    """Walk the hash chain; `problems` names the first broken link."""
    problems, count = db.read(lambda conn: (audit.verify(conn), audit.count(conn)))
    return ChainCheck(not problems, count, problems)


ROUTES = [list_audit, verify_audit]
