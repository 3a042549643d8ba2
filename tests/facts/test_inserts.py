"""Bulk inserts store exactly what SQLAlchemy's own insert stores, keep the indexes, and stay all-or-nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import msgspec
import pytest
from sqlalchemy import delete, func, select, text

from payplan.facts.imports import COLUMNS, import_facts
from payplan.facts.inserts import REBUILD_ROWS
from payplan.facts.problems import FactError
from payplan.facts.rows import DealRow, FactSet, RepRow
from payplan.store.schema import FACT_TABLES, deals, reps

REPS = (RepRow("A1", "Ann", "ann@example.com", "AE", "T1", None, date(2024, 1, 1), None, "EUR", Decimal("1000.50")),
        RepRow("B2", "Bo", None, "AE", "T1", "A1", None, None, "EUR", None, "P-7"))


def deal_rows(count: int, rep: str = "A1") -> tuple[DealRow, ...]:
    """Every kind of value a deal column holds: days, instants with microseconds, cents, NULLs, extra fields."""
    rows = []
    for n in range(count):
        day = date(2026, 1, 1) + timedelta(days=n % 300)
        instant = datetime(2026, 1, 1, 4, 0, 0, n % 1_000_000) + timedelta(minutes=n) if n % 3 == 0 else None
        rows.append(DealRow(f"D{n}", rep if n % 2 else "B2", day, day + timedelta(days=5) if n % 4 else None,
                            "won" if n % 4 else "open", Decimal(f"{n}.{n % 100:02d}"), Decimal("-0.50") if n % 5 else None,
                            "EUR", "core" if n % 2 else "", None, {"discount": Decimal("2.5")} if n % 7 == 0 else {},
                            n + 2, instant, instant, None))
    return tuple(rows)


def raw(engine, table: str) -> list[tuple]:
    """The stored values as the database holds them (SQLite: with each value's storage class)."""
    with engine.connect() as conn:
        columns = [r[1] for r in conn.exec_driver_sql(f"PRAGMA table_info({table})")] \
            if engine.dialect.name == "sqlite" else list(FACT_TABLES[table].c.keys())
        shown = ", ".join(f"typeof({c}), {c}" if engine.dialect.name == "sqlite" else c for c in columns)
        return [tuple(r) for r in conn.execute(text(f"SELECT {shown} FROM {table} ORDER BY id"))]


@pytest.mark.parametrize("count", [40, REBUILD_ROWS])
def test_the_bulk_path_stores_what_sqlalchemy_stores(engine, count):
    rows = deal_rows(count)
    with engine.begin() as conn:
        import_facts(conn, FactSet(reps=REPS, deals=rows))
    fast = raw(engine, "deals"), raw(engine, "reps")
    with engine.begin() as conn:
        conn.execute(delete(deals))
        conn.execute(delete(reps).where(reps.c.manager_id.is_not(None)))
        conn.execute(delete(reps))
        conn.execute(reps.insert(), [{c: get(r) for c, get in COLUMNS["reps"].items()} for r in REPS])
        conn.execute(deals.insert(), [{c: get(r) for c, get in COLUMNS["deals"].items()} for r in rows])
    assert (raw(engine, "deals"), raw(engine, "reps")) == fast
    if engine.dialect.name == "sqlite":  # written as text with its microseconds, as every query's parameter
        assert [r[-5] for r in fast[0][:1]] == ["2026-01-01 04:00:00.000000"]


def indexes(engine) -> list[tuple]:
    if engine.dialect.name != "sqlite":
        sql = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'deals' ORDER BY indexname"
    else:
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deals' ORDER BY name"
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


def test_a_large_file_into_an_empty_table_keeps_the_indexes_even_when_it_fails(engine):
    before = indexes(engine)
    assert len(before) >= 5  # four of the schema's own, and the primary key's
    bad = deal_rows(REBUILD_ROWS)[:-1] + deal_rows(1, rep="ZZ")  # an unknown rep: the foreign key refuses it
    with pytest.raises(Exception), engine.begin() as conn:
        import_facts(conn, FactSet(reps=REPS, deals=bad))
    assert indexes(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(deals)).scalar_one() == 0
    with engine.begin() as conn:
        assert import_facts(conn, FactSet(reps=REPS, deals=deal_rows(REBUILD_ROWS)))["deals"] == REBUILD_ROWS
    assert indexes(engine) == before
    with engine.begin() as conn:  # the same file again: nothing new; the same id with other content: named
        assert import_facts(conn, FactSet(reps=REPS, deals=deal_rows(REBUILD_ROWS)))["deals"] == 0
    changed = deal_rows(3)[:2] + (DealRow("D2", "B2", date(2026, 1, 3), date(2026, 1, 8), "won", Decimal("9"),
                                          Decimal("-0.50"), "EUR", "", None, {}, 4),)
    with pytest.raises(FactError) as caught, engine.begin() as conn:
        import_facts(conn, FactSet(deals=changed, sources={"deals": "deals.csv"}))
    assert str(caught.value) == ("deals.csv row 4, column amount: deal_id D2 is already stored with 2.02, "
                                 "the file has 9")


def test_ids_outside_the_stored_range_are_not_looked_up_one_by_one(engine):
    from sqlalchemy import event

    with engine.begin() as conn:
        import_facts(conn, FactSet(reps=REPS, deals=deal_rows(40)))  # D0 … D39
    lookups: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if "FROM deals" in statement and " IN " in statement:
            lookups.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    beyond = tuple(msgspec.structs.replace(d, deal_id="E" + d.deal_id) for d in deal_rows(40))  # 'E…' > 'D…'
    within = tuple(msgspec.structs.replace(d, deal_id=d.deal_id + "x") for d in deal_rows(40))  # 'D0x' > 'D0'
    with engine.begin() as conn:
        assert import_facts(conn, FactSet(deals=beyond))["deals"] == 40
    assert lookups == [] if engine.dialect.name == "sqlite" else len(lookups) == 1
    with engine.begin() as conn:
        assert import_facts(conn, FactSet(deals=within))["deals"] == 40
        assert import_facts(conn, FactSet(deals=beyond + within))["deals"] == 0  # both ranges stored now
    assert len(lookups) == (2 if engine.dialect.name == "sqlite" else 3)


def test_a_large_file_into_a_table_holding_fewer_rows_builds_the_indexes_afresh(engine):
    before = indexes(engine)
    with engine.begin() as conn:
        import_facts(conn, FactSet(reps=REPS, deals=deal_rows(REBUILD_ROWS)))
    more = tuple(msgspec.structs.replace(d, deal_id="E" + d.deal_id) for d in deal_rows(REBUILD_ROWS))
    statements: list[str] = []
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.connection.driver_connection.set_trace_callback(statements.append)
        assert import_facts(conn, FactSet(deals=more))["deals"] == REBUILD_ROWS
        if engine.dialect.name == "sqlite":
            conn.connection.driver_connection.set_trace_callback(None)
    assert indexes(engine) == before
    if engine.dialect.name == "sqlite":  # the four secondary indexes, dropped and built again
        assert sorted(s.split('"')[1] for s in statements if s.startswith("DROP INDEX")) == \
            sorted(name for name, sql in before if sql)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(deals)).scalar_one() == 2 * REBUILD_ROWS
        assert conn.execute(select(deals.c.amount).where(deals.c.id == "ED7")).scalar_one() == Decimal("7.07")
