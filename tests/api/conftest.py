"""API fixtures: a migrated database (SQLite file, and PostgreSQL when
PAYPLAN_TEST_DATABASE_URL is set: a throw-away database created from it), the
company facts of tests/api/data/company, one user per role, and Litestar test
clients of an app built on that database."""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from payplan.access import users
from payplan.app import create_app
from payplan.facts.imports import import_facts
from payplan.facts.read import read_facts
from payplan.settings import Settings
from payplan.store import make_engine
from payplan.store.migrate import upgrade

DATA = Path(__file__).parent / "data"
PLANS = Path(__file__).parents[2] / "plans"
PG_URL = os.environ.get("PAYPLAN_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
SECRET = "test-secret-0123456789abcdef0123456789abcdef"
PASSWORD = "rep-test-password-2026"  # 12+ characters, not a common one

# name → (role, rep_id); "rep" is A1, whose manager is M1 ("manager"); "rep2" is A2 (same team)
USERS = {
    "admin": ("admin", None), "finance": ("finance", None), "finance2": ("finance", None),
    "hr": ("hr", None), "manager": ("manager", "M1"), "rep": ("rep", "A1"), "rep2": ("rep", "A2"),
    "outsider": ("rep", "X1"),
}




@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A fresh, migrated database URL (SQLite file or throw-away PostgreSQL database)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'payplan.sqlite'}"
        yield _migrated(url)
        return
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"payplan_api_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield _migrated(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrated(url: str) -> str:
    upgrade(url)
    return url


@dataclass
class Company:
    """The seeded database: its URL, an engine for assertions, and a token per user name."""

    url: str
    engine: Engine
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def company(db_url):
    """Facts imported, one user per entry of USERS ("admin" and "rep" also have a password)."""
    engine = make_engine(db_url)
    with engine.begin() as conn:
        import_facts(conn, read_facts(DATA / "company"))
        tokens = {name: users.add_user(conn, name, role, rep_id, PASSWORD if name in ("admin", "rep") else None)
                  for name, (role, rep_id) in USERS.items()}
    yield Company(db_url, engine, tokens)
    engine.dispose()


def settings_for(url: str, max_upload_bytes: int = 1_000_000) -> Settings:
    return Settings(database_url=url, secret=SECRET, max_upload_bytes=max_upload_bytes, timezone="UTC")


@pytest.fixture
def app(company):
    return create_app(settings_for(company.url))


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


# --- a company with a published plan and runs in every state ------------------------------

EXTRA_MARCH_DEAL = (b"deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n"
                    b"LATE1,A1,2026-03-02,2026-03-28,won,5000.00,1000.00,EUR,Core,\n")


@dataclass
class World(Company):
    """Company + plan ae-2026@1 (published by hr) and runs: `approved` (2026-03, submitted by
    finance, approved by finance2, facts changed since so it can be adjusted), `submitted`
    (2026-02, submitted by finance) and `draft` (2026-01); `dispute`: A2's open dispute on `approved`."""

    runs: dict[str, int] = field(default_factory=dict)


def build_world(url: str) -> World:
    """Seed a migrated database through the API itself; returns tokens and run ids."""
    engine = make_engine(url)
    with engine.begin() as conn:
        import_facts(conn, read_facts(DATA / "company"))
        tokens = {name: users.add_user(conn, name, role, rep_id) for name, (role, rep_id) in USERS.items()}
    world = World(url, engine, tokens)
    with TestClient(create_app(settings_for(url))) as client:
        def call(who: str, path: str, **kwargs) -> dict:
            response = client.post(path, headers={**world.headers(who), **kwargs.pop("headers", {})}, **kwargs)
            assert response.status_code in (200, 201), response.text
            return response.json()

        call("hr", "/plans", content=(PLANS / "ae-2026-v1.toml").read_bytes(),
             headers={"Content-Type": "application/toml"})
        for name, period in (("approved", "2026-03"), ("submitted", "2026-02"), ("draft", "2026-01")):
            world.runs[name] = call("finance", "/runs", json={"plan": "ae-2026@1", "period": period})["id"]
        for name in ("approved", "submitted"):
            call("finance", f"/runs/{world.runs[name]}/submit")
        call("finance2", f"/runs/{world.runs['approved']}/approve")
        call("admin", "/facts/deals", content=EXTRA_MARCH_DEAL, headers={"Content-Type": "text/csv"})
        world.runs["dispute"] = call("rep2", "/disputes", json={  # A2 questions a KPI of the approved run
            "run_id": world.runs["approved"], "subject_kind": "kpi", "subject": "revenue",
            "text": "my revenue looks short"})["dispute"]["id"]
    engine.dispose()
    return world


@pytest.fixture(scope="session", params=BACKENDS)
def world_template(request, tmp_path_factory):
    """The world built once per backend; tests get copies (`world`)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("world") / "template.sqlite"
        world = build_world(_migrated(f"sqlite:///{path}"))
        yield world, path
        return
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"payplan_world_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield build_world(_migrated(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))), name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def world(world_template, tmp_path):
    """A private copy of the world database (a file copy, or CREATE DATABASE … TEMPLATE)."""
    template, source = world_template
    if isinstance(source, Path):
        copy = tmp_path / "world.sqlite"
        shutil.copyfile(source, copy)
        url = f"sqlite:///{copy}"
        engine = make_engine(url)
        yield World(url, engine, template.tokens, template.runs)
        engine.dispose()
        return
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"payplan_copy_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        yield World(url, engine, template.tokens, template.runs)
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def world_client(world):
    with TestClient(create_app(settings_for(world.url))) as test_client:
        yield test_client
