"""Facts the CRM changed after they were imported: stored rows updated, on request, and said.

An import asked to record changes (`payplan import --update`, `POST /facts/{kind}?update=true`)
takes a row whose key is stored with other content as a change, not a conflict: the stored row
gets the file's values, and every column that changed is kept as a `FactChange` (written as the
file writes it) for the import's audit row and its answer. A deal won in March and cancelled in
May then arrives with May's export, as the CRM has it, and the next run claws it back. Without
the request the file is refused, as before. Must not decide who may import
(`payplan.facts.audited`) nor read files.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from sqlalchemy import Connection, Table, update

from payplan.errors import Phrase

MAX_LISTED = 200  # changes named in one audit row; the count is always whole


class FactChange(msgspec.Struct, frozen=True):
    """One column of one stored row that an import changed."""

    kind: str  # "deals"
    key: str  # the row's key as the file writes it: "deal_id D0900"
    column: str  # the file's column ("status", an extra deal column by its own name)
    before: str
    now: str
    earlier_day: date | None = None  # a day the row counted on before (a date column's old value)


def apply(conn: Connection, table: Table, keys: list[str], record: dict[str, Any]) -> None:
    """The stored row of `record`'s key takes `record`'s other values."""
    where = [table.c[k] == record[k] for k in keys]
    conn.execute(update(table).where(*where).values({c: v for c, v in record.items() if c not in keys}))


def said(value: Any) -> str:
    """A written value (`imports.written`) as the audit row keeps it: the empty word as ""."""
    return "" if isinstance(value, Phrase) else str(value)


def counts(changes: list[FactChange]) -> dict[str, int]:
    """kind → how many rows the changes touched."""
    rows: dict[str, set[str]] = {}
    for change in changes:
        rows.setdefault(change.kind, set()).add(change.key)
    return {kind: len(keys) for kind, keys in rows.items()}


def audit_detail(changes: list[FactChange], kind: str) -> dict[str, Any]:
    """What an import's audit row says of `kind`'s changes: how many rows, and the first columns."""
    mine = [c for c in changes if c.kind == kind]
    if not mine:
        return {}
    listed = [{"key": c.key, "column": c.column, "before": c.before, "now": c.now} for c in mine[:MAX_LISTED]]
    return {"changed_rows": counts(mine)[kind], "changes": listed}
