"""Fact-store fixtures, shared by the tests that need them (imported by their conftest): every test runs on in-memory SQLite, file SQLite and, when
PAYPLAN_TEST_DATABASE_URL is set, on a throwaway PostgreSQL database created from it."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from payplan.facts.imports import import_facts
from payplan.facts.read import read_facts
from payplan.store import create_schema, make_engine

DATA = Path(__file__).parent / "store" / "data"
PG_URL = os.environ.get("PAYPLAN_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite-memory", "sqlite-file"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path):
    if request.param == "postgresql":
        yield from _postgres_engine()
        return
    url = "sqlite://" if request.param == "sqlite-memory" else f"sqlite:///{tmp_path / 'facts.sqlite'}"
    eng = make_engine(url)
    create_schema(eng)
    yield eng
    eng.dispose()


def _postgres_engine():
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"payplan_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    eng = make_engine(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    try:
        create_schema(eng)
        yield eng
    finally:
        eng.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def company(engine):
    """The engine with tests/store/data/company imported and committed."""
    with engine.begin() as conn:
        import_facts(conn, read_facts(DATA / "company"))
    return engine
