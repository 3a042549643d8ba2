"""Digests of what business writes leave in the tables, recomputed by `audit verify`.

An object is named by its table and key: "runs 4" (the run row), "plan_versions 2",
"users 7", or "facts deals" (a whole fact table). Its digest is SHA-256 over the
canonical JSON of its rows, read in key order ("C" collation on PostgreSQL, so both
databases give byte order). A run's results are not hashed here: its row holds
`outputs_hash`, which `results_problems` recomputes from the stored results, and each
stored total must equal its result document's total. Must not write anything.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import msgspec
from sqlalchemy import Connection, LargeBinary, String, Table, select, type_coerce

from payplan.errors import Phrase
from payplan.i18n import N_
from payplan.store.packed import unpack
from payplan.store.records import canonical_json, canonical_lines as _lines
from payplan.store.schema import FACT_TABLES
from payplan.store.service_schema import plan_versions, run_results, runs, users

CHUNK = 5_000
USER_COLUMNS = ("id", "name", "role", "rep_id")  # what decides who someone is and may do
_ROW_TABLES = {"runs": runs, "plan_versions": plan_versions, "users": users}


class _Total(msgspec.Struct):
    total: Decimal


_total_decoder = msgspec.json.Decoder(_Total)


def digest(conn: Connection, name: str) -> str | None:
    """The digest of object `name` as the tables hold it now; None when it is gone."""
    table_name, _, key = name.partition(" ")
    if table_name == "facts":
        return _table_digest(conn, FACT_TABLES[key])
    table = _ROW_TABLES[table_name]
    columns = [table.c[c] for c in USER_COLUMNS] if table is users else list(table.columns)
    row = conn.execute(select(*columns).where(table.c.id == int(key))).mappings().first()
    return None if row is None else hashlib.sha256(canonical_json(dict(row)).encode()).hexdigest()


def objects(conn: Connection) -> list[str]:
    """Every object the tables hold now: each run, plan version and user, each non-empty fact table."""
    names = [f"{name} {id_}" for name, table in _ROW_TABLES.items()
             for id_ in conn.execute(select(table.c.id).order_by(table.c.id)).scalars()]
    names += [f"facts {kind}" for kind, table in FACT_TABLES.items()
              if conn.execute(select(1).select_from(table).limit(1)).first() is not None]
    return names


def _table_digest(conn: Connection, table: Table) -> str:
    """SHA-256 of every row as the driver returns it (no type conversion: ~4× faster), in key order."""
    digest = hashlib.sha256()
    order = ", ".join(_bytewise(conn, c) for c in table.primary_key.columns)
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(f'SELECT {columns} FROM "{table.name}" ORDER BY {order}')
        while rows := cursor.fetchmany(CHUNK):
            digest.update(_lines(rows))
    finally:
        cursor.close()
    return digest.hexdigest()


def _bytewise(conn: Connection, column) -> str:
    """The column in byte order: "C" collation for PostgreSQL text (SQLite compares bytes already)."""
    if conn.dialect.name == "postgresql" and isinstance(column.type, String):
        return f'"{column.name}" COLLATE "C"'
    return f'"{column.name}"'


def results_problems(conn: Connection, run_id: int, outputs_hash: str | None) -> list[Phrase]:
    """Run `run_id`'s stored results against its outputs hash and their documents' totals."""
    digest = hashlib.sha256()
    problems = []
    stored = type_coerce(run_results.c.result, LargeBinary())  # as stored: unpacked here, a bad one reported
    query = (select(run_results.c.rep_id, run_results.c.total, stored, run_results.c.state)
             .where(run_results.c.run_id == run_id)
             .order_by(run_results.c.rep_id.collate("C") if conn.dialect.name == "postgresql" else run_results.c.rep_id))
    for rep_id, total, packed, state in conn.execute(query.execution_options(yield_per=CHUNK)):
        try:
            result = unpack(packed)
        except ValueError:
            result = bytes(packed)
        digest.update(b"%s\t%s\t%s\n" % (rep_id.encode(), result, state.encode()))
        try:
            written = _total_decoder.decode(result).total
        except (msgspec.DecodeError, msgspec.ValidationError):
            written = None
        if written != total:
            problems.append(Phrase(N_("run %(run)s, rep %(rep)s: stored total %(total)s is not its result's total "
                                      "%(written)s"), {"run": run_id, "rep": rep_id, "total": total, "written": written}))
    if digest.hexdigest() != outputs_hash:
        problems.insert(0, Phrase(N_("run %(run)s: its stored results do not match the run's outputs hash (a result, "
                                     "a carried state or a rep was changed, added or removed)"), {"run": run_id}))
    return problems


def run_ids(conn: Connection) -> list[tuple[int, str | None]]:
    return [tuple(r) for r in conn.execute(select(runs.c.id, runs.c.outputs_hash).order_by(runs.c.id))]
