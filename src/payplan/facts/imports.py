"""Import a validated `FactSet` into the fact tables: idempotent, all-or-nothing per file.

Each file is written inside its own SAVEPOINT with bulk (executemany) inserts. A
row whose external id is already stored with the same content is skipped, so
re-importing the same files changes nothing; the same id with different content
is a conflict: the file's savepoint is rolled back and a `FactError` names the
file, row and column. Must not parse files (that is `payplan.facts.read`) nor compute
metrics.
"""

from __future__ import annotations

from decimal import Decimal
from operator import itemgetter
from typing import Any, Callable, Iterable

import msgspec
from sqlalchemy import Connection, Table, select, tuple_

from payplan.facts.problems import FactError, FactProblem
from payplan.facts.rows import FactSet
from payplan.i18n import N_
from payplan.store import schema
from payplan.store.schema import to_units

_LIMIT = Decimal("1e20")  # as payplan.core.money.check

CHUNK = 20_000  # rows per executemany
LOOKUP_CHUNK = 500  # ids per "already stored?" query

Record = dict[str, Any]
_FIELDS = msgspec.json.Decoder(dict[str, Decimal])


def import_facts(conn: Connection, facts: FactSet) -> dict[str, int]:
    """Store `facts`; return the number of new rows per kind ("deals": 120, …).

    Files are imported in dependency order (reps first). The caller owns the outer
    transaction: commit it to keep what was imported.
    """
    inserted: dict[str, int] = {}
    for kind, to_record in _RECORDS.items():
        rows = getattr(facts, kind)
        if kind == "reps":
            rows = managers_first(rows)
        source = facts.sources.get(kind, f"{kind}.csv")
        inserted[kind] = _import_file(conn, schema.FACT_TABLES[kind], source, rows, to_record)
    return inserted


def _import_file(conn: Connection, table: Table, source: str, rows: Iterable[Any],
                 to_record: Callable[[Any], Record]) -> int:
    records = [(row.row, to_record(row)) for row in rows]
    if not records:
        return 0
    with conn.begin_nested():
        stored = _stored(conn, table, [r for _, r in records])
        key_columns = [c.name for c in table.primary_key.columns]
        problems, new = [], []
        for number, record in records:
            old = stored.get(tuple(record[c] for c in key_columns))
            if old is None:
                new.append(record)
            elif (problem := _conflict(source, number, key_columns, record, old)) is not None:
                problems.append(problem)
        if problems:
            raise FactError(problems)  # leaving the `with` rolls this file back
        insert_rows(conn, table, new)
    return len(new)


def insert_rows(conn: Connection, table: Table, records: list[Record]) -> None:
    """Bulk insert; on SQLite straight through the driver's executemany with the columns' own bind
    processors (the same values SQLAlchemy would send, without its per-row parameter building)."""
    if conn.dialect.paramstyle != "qmark" or not records:
        for start in range(0, len(records), CHUNK):
            conn.execute(table.insert(), records[start:start + CHUNK])
        return
    names = list(records[0])
    get = itemgetter(*names) if len(names) > 1 else (lambda record: (record[names[0]],))
    converted = [(i, p) for i, c in enumerate(names) if (p := _processor(table.c[c].type, conn.dialect))]
    quoted = ", ".join(f'"{name}"' for name in names)
    sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(names))})'
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for start in range(0, len(records), CHUNK):
            rows = []
            for record in records[start:start + CHUNK]:
                values = list(get(record))
                for i, process in converted:
                    if values[i] is not None:
                        values[i] = process(values[i])
                rows.append(values)
            cursor.executemany(sql, rows)
    finally:
        cursor.close()


def _processor(kind: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """A column type's bind processor; for a scaled Decimal, a shortcut for the checked Decimals the
    readers produce (anything else, and any doubt, goes through the type's own processor)."""
    # The dialect's own type (SQLite's DATETIME writes "… 04:00:00.000000", as every query's
    # parameter is written: the generic type's processor is None and the driver's would not).
    process = kind.dialect_impl(dialect).bind_processor(dialect)
    if not isinstance(kind, schema.Scaled) or process is None:
        return process
    places = kind.places

    def scaled(value: Any) -> Any:
        if type(value) is Decimal and value.is_finite() and -_LIMIT < value < _LIMIT:
            return to_units(value, places)
        return process(value)

    return scaled


def _stored(conn: Connection, table: Table, records: list[Record]) -> dict[tuple, Any]:
    """Rows already in `table` with the same primary keys as `records`, by key."""
    if conn.execute(select(1).select_from(table).limit(1)).first() is None:
        return {}
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


def _conflict(source: str, number: int, keys: list[str], record: Record, old: Any) -> FactProblem | None:
    for column, value in record.items():
        if column not in keys and not _same(column, old[column], value):
            ident = ", ".join(f"{k} {record[k]!r}" for k in keys)
            return FactProblem(source, number, column,
                               N_("%(ident)s is already stored with %(stored)r, the file has %(value)r"),
                               {"ident": ident, "stored": old[column], "value": value})
    return None


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


_RECORDS: dict[str, Callable[[Any], Record]] = {
    "reps": lambda r: {"id": r.rep_id, "name": r.name, "email": r.email, "role": r.role, "team": r.team,
                       "manager_id": r.manager_id, "hired_on": r.hired_on, "terminated_on": r.terminated_on,
                       "currency": r.currency, "salary": r.salary, "payroll_id": r.payroll_id},
    "activities": lambda a: {"id": a.activity_id, "rep_id": a.rep_id, "kind": a.kind, "occurred_at": a.occurred_at,
                             "occurred_at_utc": a.occurred_at_utc},
    "deals": lambda d: {"id": d.deal_id, "rep_id": d.rep_id, "created_at": d.created_at, "closed_at": d.closed_at,
                        "status": d.status, "amount": d.amount, "cost": d.cost, "currency": d.currency,
                        "product": d.product, "cancelled_at": d.cancelled_at, "fields": fields_json(d.fields),
                        "created_at_utc": d.created_at_utc, "closed_at_utc": d.closed_at_utc,
                        "cancelled_at_utc": d.cancelled_at_utc},
    "credits": lambda c: {"deal_id": c.deal_id, "rep_id": c.rep_id, "share": c.share,
                          "counts_for": c.counts_for},
    "scores": lambda s: {"rep_id": s.rep_id, "period": s.period, "kind": s.kind, "value": s.value},
    "nps": lambda n: {"id": n.response_id, "rep_id": n.rep_id, "answered_at": n.answered_at, "score": n.score,
                      "answered_at_utc": n.answered_at_utc},
    "targets": lambda t: {"scope": t.scope, "scope_id": t.scope_id, "period": t.period, "metric": t.metric,
                          "target": t.target},
    "parameters": lambda p: {"rep_id": p.rep_id, "key": p.key, "effective_from": p.effective_from, "value": p.value},
    "fx_rates": lambda f: {"day": f.day, "from_currency": f.from_currency, "to_currency": f.to_currency,
                           "rate": f.rate},
}
