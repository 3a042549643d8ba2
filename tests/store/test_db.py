"""SQLite engines: WAL for files, foreign keys, busy timeout, real transactions and savepoints."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from payplan.store import create_schema, make_engine
from payplan.store.schema import reps


def rep(rep_id: str, manager: str | None = None) -> dict:
    return {"id": rep_id, "name": rep_id, "currency": "EUR", "manager_id": manager}


def test_sqlite_file_settings(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.sqlite'}")
    with engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert (pragma("journal_mode"), pragma("foreign_keys"), pragma("busy_timeout")) == ("wal", 1, 5000)


def test_memory_database_has_no_wal():
    with make_engine("sqlite://").connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "memory"


def test_foreign_keys_are_enforced(engine):
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(reps), [rep("A1", manager="NOBODY")])


def test_savepoint_rolls_back_only_its_part(engine):
    with engine.begin() as conn:
        conn.execute(insert(reps), [rep("A1")])
        with pytest.raises(RuntimeError):
            with conn.begin_nested():
                conn.execute(insert(reps), [rep("A2")])
                raise RuntimeError("undo A2")
    with engine.connect() as conn:
        assert conn.execute(select(reps.c.id)).scalars().all() == ["A1"]


def test_create_schema_is_repeatable(engine):
    create_schema(engine)
