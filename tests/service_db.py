"""Fixtures of the service database, shared by the tests that need it (imported by their conftest): a migrated database (SQLite file, and PostgreSQL when
PAYPLAN_TEST_DATABASE_URL is set), users of every role, the test facts and plan.

On PostgreSQL each test gets a throw-away database with a random name, created from
PAYPLAN_TEST_DATABASE_URL's server and dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from payplan.access.users import add_user, get_user
from payplan.facts.audited import import_directory
from payplan.plans import versions as plan_store
from payplan.store.db import make_engine
from payplan.store.migrate import upgrade

DATA = Path(__file__).parent / "data" / "service"
PLAN_TEXT = (DATA / "plan.toml").read_text()
PG_URL = os.environ.get("PAYPLAN_TEST_DATABASE_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'payplan.sqlite'}"
        return
    if not PG_URL:
        pytest.skip("PAYPLAN_TEST_DATABASE_URL is not set")
    yield from _throwaway_postgres(PG_URL)


def _throwaway_postgres(url: str) -> Iterator[str]:
    name = f"payplan_test_{secrets.token_hex(6)}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    upgrade(db_url)
    engine = make_engine(db_url, pool_size=25, max_overflow=5)
    yield engine
    engine.dispose()


@pytest.fixture
def tx(engine: Engine) -> Callable[..., Any]:
    """tx(fn, *args): run fn(conn, *args) in its own transaction and return its result."""
    def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with engine.begin() as conn:
            return fn(conn, *args, **kwargs)
    return run


@pytest.fixture
def company(engine: Engine, tx: Callable[..., Any]) -> SimpleNamespace:
    """Users of every role, the test facts imported and the test plan published by HR."""
    tokens = {}
    tokens["admin"] = tx(add_user, "admin", "admin", password="admin-pass-2026")
    tx(import_directory, DATA / "facts", tx(get_user, "admin"))
    for name, role, rep_id in (("fin1", "finance", None), ("fin2", "finance", None), ("hr1", "hr", None),
                               ("maya", "manager", "M1"), ("ben", "manager", "A2"), ("ann", "rep", "A1"),
                               ("cy", "rep", "A3")):
        tokens[name] = tx(add_user, name, role, rep_id)
    people = {name: tx(get_user, name) for name in tokens}
    plan = tx(plan_store.publish, PLAN_TEXT, "plan.toml", people["hr1"])
    return SimpleNamespace(tokens=tokens, plan=plan, **people)
