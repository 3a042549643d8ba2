"""Bulk inserts of checked fact rows: column by column into storage form, then one executemany per chunk.

On SQLite the values go straight to the driver's executemany, each column through
its own dialect's bind processor (the very values SQLAlchemy would send: DATETIME
with its microseconds, money in integer cents), inside the caller's transaction.
A large file into a table holding no more rows than it adds (an empty one, say)
is written with the table's secondary indexes dropped and created again
afterwards from their stored SQL (sorting once beats updating five B-trees row by
row); the caller's SAVEPOINT covers that too, so a failure leaves the indexes as
they were. No PRAGMA is changed. PostgreSQL gets
SQLAlchemy's own executemany. Must not check rows nor decide what is new:
`payplan.facts.imports` does.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Iterator

from sqlalchemy import Connection, Date, Table

from payplan.store import schema
from payplan.store.schema import to_units

_LIMIT = Decimal("1e20")  # as payplan.core.money.check

CHUNK = 20_000  # rows per executemany
REBUILD_ROWS = 10_000  # new rows from which the indexes may be built after the insert

Columns = dict[str, Callable[[Any], Any]]  # table column → its value from a fact row, in the row's order


def insert_rows(conn: Connection, table: Table, columns: Columns, rows: list[Any], *, rebuild: bool = False) -> None:
    """Insert `rows` (fact rows; `columns` says how to read each column); `rebuild` (SQLite): drop the
    table's indexes and build them after the insert (the caller's savepoint must cover it)."""
    if not rows:
        return
    names = list(columns)
    raw = [list(map(get, rows)) for get in columns.values()]
    if conn.dialect.paramstyle != "qmark":
        records = [dict(zip(names, values)) for values in zip(*raw)]
        for start in range(0, len(records), CHUNK):
            conn.execute(table.insert(), records[start:start + CHUNK])
        return
    _sqlite_insert(conn, table, names, raw, rebuild)


def _sqlite_insert(conn: Connection, table: Table, names: list[str], raw: list[list[Any]], rebuild: bool) -> None:
    """Straight to the driver, in storage form, within the connection's transaction (and savepoint)."""
    # A column that is NULL in every row and has no default is left out: NULL all the same, bound for nothing.
    kept = [i for i, (name, column) in enumerate(zip(names, raw))
            if table.c[name].server_default is not None or not table.c[name].nullable or any(v is not None for v in column)]
    names, raw = [names[i] for i in kept], [raw[i] for i in kept]
    stored = [_stored(column, table.c[name].type, conn.dialect) for name, column in zip(names, raw)]
    quoted = ", ".join(f'"{name}"' for name in names)
    sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(names))})'
    values = list(zip(*stored))
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with _indexes_later(cursor, table.name, rebuild):
            for start in range(0, len(values), CHUNK):
                cursor.executemany(sql, values[start:start + CHUNK])
    finally:
        cursor.close()


def _stored(column: list[Any], kind: Any, dialect: Any) -> list[Any]:
    """A column's values as the driver receives them (None stays NULL)."""
    process = _processor(kind, dialect)
    if process is None:
        return column
    if isinstance(kind, schema.Scaled):
        try:
            return _units(column, kind.places, process)
        except (ArithmeticError, TypeError, AttributeError):  # not all checked Decimals: value by value
            pass
    elif isinstance(kind.dialect_impl(dialect), Date) and process(date(1, 2, 3)) == "0001-02-03":
        iso = date.isoformat  # the same text without a Python call per day
        return [None if v is None else iso(v) if type(v) is date else process(v) for v in column]
    return [None if value is None else process(value) for value in column]


def _units(column: list[Any], places: int, process: Callable[[Any], Any]) -> list[Any]:
    """Checked Decimals in integer units (an inexact or out-of-range value goes to `process`, which refuses)."""
    return [None if v is None else units if -_LIMIT < v < _LIMIT and (units := int(scaled := v.scaleb(places))) == scaled
            else process(v) for v in column]


@contextmanager
def _indexes_later(cursor: Any, table: str, rebuild: bool) -> Iterator[None]:
    """With `rebuild`, drop the table's own indexes for the block and create them again after it
    (the primary key's automatic index stays: it has no SQL and guards the ids)."""
    if not rebuild:
        yield
        return
    indexes = cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                             "AND sql IS NOT NULL ORDER BY name", (table,)).fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        cursor.execute(sql)


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
