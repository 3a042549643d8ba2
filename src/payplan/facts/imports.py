"""Import a validated `FactSet` into the fact tables: idempotent, all-or-nothing per file.

Each file is written inside its own SAVEPOINT with bulk inserts (`payplan.facts.inserts`). A
row whose external id is already stored with the same content is skipped, so
re-importing the same files changes nothing; the same id with different content
is a conflict: the file's savepoint is rolled back and a `FactError` names the
file, row and column. Must not parse files (that is `payplan.facts.read`) nor compute
metrics.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any, Callable, Iterable

import msgspec
from sqlalchemy import Connection, String, Table, func, select, tuple_

from payplan.errors import Phrase
from payplan.facts.changes import FactChange, apply, said
from payplan.facts.inserts import REBUILD_ROWS, Columns, insert_rows
from payplan.facts.problems import FactError, FactProblem
from payplan.facts.rows import FactSet
from payplan.gcpause import collector_paused
from payplan.i18n import N_
from payplan.store import schema

LOOKUP_CHUNK = 500  # ids per "already stored?" query

Record = dict[str, Any]
_FIELDS = msgspec.json.Decoder(dict[str, Decimal])


@collector_paused()  # lists of values for every row, no cycles (payplan.gcpause)
def import_facts(conn: Connection, facts: FactSet, changes: list[FactChange] | None = None) -> dict[str, int]:
    """Store `facts`; return the number of new rows per kind ("deals": 120, …).

    Files are imported in dependency order (reps first). The caller owns the outer
    transaction: commit it to keep what was imported. With a `changes` list, a row stored
    with other content is updated and its changed columns appended (`payplan.facts.changes`)
    instead of refusing the file.
    """
    inserted: dict[str, int] = {}
    for kind, columns in COLUMNS.items():
        rows = getattr(facts, kind)
        if kind == "reps":
            rows = managers_first(rows)
        source = facts.sources.get(kind, f"{kind}.csv")
        inserted[kind] = _import_file(conn, schema.FACT_TABLES[kind], source, list(rows), columns, changes)
    return inserted


def _import_file(conn: Connection, table: Table, source: str, rows: list[Any], columns: Columns,
                 changes: list[FactChange] | None = None) -> int:
    if not rows:
        return 0
    with conn.begin_nested():
        empty = conn.execute(select(1).select_from(table).limit(1)).first() is None
        nothing_to_look_up = empty or _none_in_range(conn, table, rows, columns)
        new = rows if nothing_to_look_up else _new_rows(conn, table, source, rows, columns, changes)
        insert_rows(conn, table, columns, new, rebuild=_few_stored(conn, table, len(new), empty))
    return len(new)


def _few_stored(conn: Connection, table: Table, adding: int, empty: bool) -> bool:
    """SQLite, a large file, and a table holding no more rows than it adds: building the indexes
    afresh after the insert beats updating them row by row."""
    if conn.dialect.name != "sqlite" or adding < REBUILD_ROWS:
        return False
    return empty or conn.execute(select(func.count()).select_from(table)).scalar_one() <= adding


def _none_in_range(conn: Connection, table: Table, rows: list[Any], columns: Columns) -> bool:
    """True when no stored id lies between the file's least and greatest: nothing to look up.

    SQLite only, for a single text key: its default (binary) order of UTF-8 text is Python's order
    of str; a PostgreSQL collation may order otherwise."""
    keys = list(table.primary_key.columns)
    if conn.dialect.name != "sqlite" or len(keys) != 1 or not isinstance(keys[0].type, String):
        return False
    ids = list(map(columns[keys[0].name], rows))
    found = select(1).select_from(table).where(keys[0].between(min(ids), max(ids))).limit(1)
    return conn.execute(found).first() is None


def _new_rows(conn: Connection, table: Table, source: str, rows: list[Any], columns: Columns,
              changes: list[FactChange] | None = None) -> list[Any]:
    """The rows not stored yet; FactError naming each row stored with other content (updated
    instead, its changes appended, when there is a `changes` list)."""
    records = [{column: get(row) for column, get in columns.items()} for row in rows]
    stored = _stored(conn, table, records)
    key_columns = [c.name for c in table.primary_key.columns]
    problems, new = [], []
    for row, record in zip(rows, records):
        old = stored.get(tuple(record[c] for c in key_columns))
        if old is None:
            new.append(row)
        elif changes is not None:
            found = _changed(str(table.name), key_columns, record, old)
            if found:
                apply(conn, table, key_columns, record)
                changes += found
        elif (problem := _conflict(source, row.row, str(table.name), key_columns, record, old)) is not None:
            problems.append(problem)
    if problems:
        raise FactError(problems)  # leaving the caller's `with` rolls this file back
    return new


def _stored(conn: Connection, table: Table, records: list[Record]) -> dict[tuple, Any]:
    """Rows already in `table` with the same primary keys as `records`, by key."""
    key_columns = list(table.primary_key.columns)
    key = tuple_(*key_columns) if len(key_columns) > 1 else key_columns[0]
    found: dict[tuple, Any] = {}
    for start in range(0, len(records), LOOKUP_CHUNK):
        chunk = records[start:start + LOOKUP_CHUNK]
        wanted = [tuple(r[c.name] for c in key_columns) for r in chunk]
        values = wanted if len(key_columns) > 1 else [w[0] for w in wanted]
        for row in conn.execute(select(table).where(key.in_(values))).mappings():
            found[tuple(row[c.name] for c in key_columns)] = row
    return found


CHANGED_ROW = N_("%(ident)s is already stored with %(stored)s, the file has %(value)s")  # `--update` records it


def _conflict(source: str, number: int, kind: str, keys: list[str], record: Record, old: Any) -> FactProblem | None:
    """The first column of `record` stored with other content (`_changed`), named and written as in the file."""
    found = _changed(kind, keys, record, old)
    if not found:
        return None
    first = found[0]
    return FactProblem(source, number, first.column, CHANGED_ROW,
                       {"ident": first.key, "stored": first.before or Phrase(N_("empty")),
                        "value": first.now or Phrase(N_("empty"))})


def _changed(kind: str, keys: list[str], record: Record, old: Any) -> list[FactChange]:
    """Every column of `record` stored with other content, named and written as in the file."""
    names = FILE_COLUMNS.get(kind, {})
    ident = ", ".join(f"{names.get(k, k)} {written(record[k])}" for k in keys)
    found = []
    for column, value in record.items():
        if column in keys or _same(column, old[column], value):
            continue
        if column == "fields":  # each extra column by its own name
            before, now = _FIELDS.decode(old[column]), _FIELDS.decode(value)
            found += [FactChange(kind, ident, k, said(written(before.get(k))), said(written(now.get(k))))
                      for k in sorted({*before, *now}) if before.get(k) != now.get(k)]
            continue
        earlier = old[column] if isinstance(old[column], date) and not isinstance(old[column], datetime) else None
        found.append(FactChange(kind, ident, str(names.get(column, column)), said(written(old[column])),
                                said(written(value)), earlier))
    return found


# A table column's name in the fact file, where the two differ (an instant is its day's column).
FILE_COLUMNS: dict[str, dict[str, str]] = {
    "reps": {"id": "rep_id"},
    "activities": {"id": "activity_id", "occurred_at_utc": "occurred_at"},
    "deals": {"id": "deal_id", "created_at_utc": "created_at", "closed_at_utc": "closed_at",
              "cancelled_at_utc": "cancelled_at"},
    "nps": {"id": "response_id", "answered_at_utc": "answered_at"},
    "fx_rates": {"day": "date", "from_currency": "from", "to_currency": "to"},
}


def written(value: Any) -> str | Phrase:
    """A stored or read value as a fact file writes it: 2026-04-12, 0.90, an instant in UTC with Z;
    nothing (NULL or an empty text) as the word "empty", said in the reader's language."""
    if value is None or value == "":
        return Phrase(N_("empty"))
    if isinstance(value, datetime):  # naive UTC, as stored
        return f"{value.isoformat()}Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _same(column: str, old: Any, new: Any) -> bool:
    if column == "fields":  # compare the numbers, not their spelling (12.5 == 12.50)
        return _FIELDS.decode(old) == _FIELDS.decode(new)
    if column.endswith("_utc") and old is None:
        return True  # stored before instants were kept (migration 0006): the stored day stands
    return old == new


def managers_first(reps: Iterable[Any]) -> list[Any]:
    """Reps ordered so that every manager precedes their reports (the FK needs it)."""
    by_id = {r.rep_id: r for r in reps}
    ordered: list[Any] = []
    placed: set[str] = set()

    def place(rep: Any) -> None:
        chain = []
        while rep is not None and rep.rep_id not in placed:
            chain.append(rep)
            placed.add(rep.rep_id)
            rep = by_id.get(rep.manager_id) if rep.manager_id else None
        ordered.extend(reversed(chain))

    for rep in by_id.values():
        place(rep)
    return ordered


def fields_json(fields: dict[str, Decimal]) -> str:
    """Extra deal fields as a JSON object of decimal strings, keys sorted."""
    if not fields:
        return "{}"
    return msgspec.json.encode({k: format(v, "f") for k, v in sorted(fields.items())}).decode()


def _columns(*fields: str | tuple[str, str | Callable[[Any], Any]]) -> Columns:
    """A table's columns read from a fact row: a field of the same name, or (column, field or function)."""
    pairs = [(f, f) if isinstance(f, str) else f for f in fields]
    return {column: attrgetter(get) if isinstance(get, str) else get for column, get in pairs}


# In the order a conflict is looked for (the first differing column is named).
COLUMNS: dict[str, Columns] = {
    "reps": _columns(("id", "rep_id"), "name", "email", "role", "team", "manager_id", "hired_on", "terminated_on",
                     "currency", "salary", "payroll_id"),
    "activities": _columns(("id", "activity_id"), "rep_id", "kind", "occurred_at", "occurred_at_utc"),
    "deals": _columns(("id", "deal_id"), "rep_id", "created_at", "closed_at", "status", "amount", "cost", "currency",
                      "product", "cancelled_at", ("fields", lambda d: fields_json(d.fields)), "created_at_utc",
                      "closed_at_utc", "cancelled_at_utc"),
    "credits": _columns("deal_id", "rep_id", "share", "counts_for"),
    "scores": _columns("rep_id", "period", "kind", "value"),
    "nps": _columns(("id", "response_id"), "rep_id", "answered_at", "score", "answered_at_utc"),
    "targets": _columns("scope", "scope_id", "period", "metric", "target"),
    "parameters": _columns("rep_id", "key", "effective_from", "value"),
    "fx_rates": _columns("day", "from_currency", "to_currency", "rate"),
}
