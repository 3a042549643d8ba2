"""Crash safety: a process killed with SIGKILL (or its PostgreSQL backend terminated) in the
middle of creating a run, importing facts or approving a run leaves no partial work.

Each attempt starts from a fresh copy of one prepared database (300 reps, 30,000 synthetic
facts, a published plan, a submitted run), starts a child process that does exactly what
the CLI command does, waits until the child is about to begin, kills it after a random
delay within the operation's measured duration, and then checks:
- the database is whole (SQLite `PRAGMA integrity_check`), and the audit chain verifies;
- the operation happened entirely or not at all: a run with all its results and its
  audit row, or no run; every new deal and the import's audit rows, or none; an approved
  run with its approver and audit row, or a submitted one;
- finishing the operation afterwards gives byte-identical output (the run's outputs hash,
  the imported deals) to an operation that was never interrupted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from payplan.access.users import add_user, get_user
from payplan.bench.monthly import plan_text
from payplan.facts.audited import import_directory
from payplan.plans import versions as plan_store
from payplan.runs import lifecycle as runs
from payplan.store import audit
from payplan.store.db import make_engine
from payplan.store.migrate import upgrade
from payplan.store.service_schema import run_results
from payplan.store.service_schema import runs as runs_table
from payplan.store.synthetic import generate

PG_URL = os.environ.get("PAYPLAN_TEST_DATABASE_URL", "")
KILLS = {"sqlite": int(os.environ.get("PAYPLAN_CRASH_KILLS", "20")), "postgresql": 10}
PERIOD, PLAN_REF = "2026-03", "ae-2026@1"
NEW_DEALS = 3000

# The child: import what the command needs, say "ready", then do the command's work.
CHILD = """
import sys
from payplan.cli import facts, runs
op, arg = sys.argv[1], sys.argv[2]
print("ready", flush=True)
if op == "create":
    runs.runs_create.callback(plan_ref=arg, period="2026-03", idempotency_key=None, as_name="fin1")
elif op == "import":
    facts.import_cmd.callback(directory=__import__("pathlib").Path(arg), as_name="fin1")
else:
    runs.runs_group.commands["approve"].callback(run_id=int(arg), as_name="fin2")
"""


@dataclass
class Backend:
    """Fresh copies of the prepared database, one per attempt."""

    name: str
    base_url: str

    def copy(self, n: int) -> str:
        url = make_url(self.base_url)
        if self.name == "sqlite":
            target = Path(url.database).with_name(f"attempt-{n}.sqlite")
            with contextlib.closing(sqlite3.connect(url.database)) as src, \
                    contextlib.closing(sqlite3.connect(target)) as dst:
                src.backup(dst)
            return f"sqlite:///{target}"
        name = f"{url.database}_a{n}"
        _admin(lambda conn: conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"')))
        return url.set(database=name).render_as_string(hide_password=False)

    def drop(self, attempt_url: str) -> None:
        if self.name == "postgresql":
            name = make_url(attempt_url).database
            _admin(lambda conn: conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')))


def _admin(work) -> None:
    engine = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            work(conn)
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(request, tmp_path_factory) -> Iterator[Backend]:
    if request.param == "postgresql" and not PG_URL:
        pytest.skip("PAYPLAN_TEST_DATABASE_URL is not set")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('crash') / 'base.sqlite'}"
    else:
        name = f"payplan_crash_{os.urandom(4).hex()}"
        _admin(lambda conn: conn.execute(text(f'CREATE DATABASE "{name}"')))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    _prepare(url)
    yield Backend(request.param, url)
    if request.param == "postgresql":
        _admin(lambda conn: conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')))


def _prepare(url: str) -> None:
    """Synthetic facts, users, the plan for every rep, and a submitted run of the month before."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            generate(conn, reps=300, facts=30_000, seed=7, period=PERIOD)
            audit.seal(conn)  # the synthetic facts went in without an import: put them on the record
            for name, role in (("hr1", "hr"), ("fin1", "finance"), ("fin2", "finance")):
                add_user(conn, name, role)
            plan_store.publish(conn, plan_text(), "ae-2026-v1.toml, every rep", get_user(conn, "hr1"))
        with engine.begin() as conn:
            run = runs.create_run(conn, PLAN_REF, "2026-02", get_user(conn, "fin1"))
            runs.submit(conn, run.id, get_user(conn, "fin1"))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def new_deals(tmp_path_factory) -> Path:
    """A reps.csv of ten new reps and a deals.csv of their NEW_DEALS deals."""
    rep_ids = [f"LR{i:02d}" for i in range(10)]
    folder = tmp_path_factory.mktemp("late")
    reps = ["rep_id,name,email,role,team,manager_id,hired_on,terminated_on,currency"]
    reps += [f"{r},Late Rep {r},{r.lower()}@example.com,AE,LATE,,2026-01-01,,USD" for r in rep_ids]
    (folder / "reps.csv").write_text("\n".join(reps) + "\n", encoding="utf-8")
    lines = ["deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at"]
    rng = random.Random(3)
    for i in range(NEW_DEALS):
        lines.append(f"LATE{i:05d},{rng.choice(rep_ids)},2026-03-02,2026-03-{rng.randrange(3, 29):02d},won,"
                     f"{rng.randrange(1000, 90000)}.{rng.randrange(100):02d},{rng.randrange(100, 900)}.00,USD,Core,")
    (folder / "deals.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _child(url: str, op: str, arg: str, app: str) -> subprocess.Popen:
    dsn = make_url(url)
    if dsn.get_backend_name() == "postgresql":
        url = dsn.update_query_dict({"application_name": app}).render_as_string(hide_password=False)
    env = {**os.environ, "PAYPLAN_DATABASE_URL": url}
    child = subprocess.Popen([sys.executable, "-c", CHILD, op, arg], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    assert child.stdout.readline().strip() == "ready"
    return child


def _interrupt(child: subprocess.Popen, delay: float, terminate_backend: str | None) -> None:
    time.sleep(delay)
    if terminate_backend:
        _admin(lambda conn: conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :app"),
            {"app": terminate_backend}))
        child.wait(timeout=60)
        return
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)


def _check_whole(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        assert audit.verify(conn) == []


def _runs_of(conn, period: str) -> list:
    return conn.execute(select(runs_table).where(runs_table.c.period == period)).mappings().all()


def _result_count(conn, run_id: int) -> int:
    return conn.execute(select(func.count()).select_from(run_results).where(run_results.c.run_id == run_id)).scalar()


def _actions(conn, action: str) -> int:
    return sum(1 for e in audit.entries(conn, limit=1000) if e["action"] == action)


def _deals_digest(conn) -> tuple[int, str]:
    rows = conn.execute(text("SELECT id, rep_id, amount, cost FROM deals WHERE id LIKE 'LATE%' ORDER BY id")).all()
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def _finish(url: str, op: str, arg: str) -> None:
    """Run the operation to the end in this process, as the CLI would."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if op == "create" and not _runs_of(conn, PERIOD):
                runs.create_run(conn, PLAN_REF, PERIOD, get_user(conn, "fin1"))
            elif op == "import":
                import_directory(conn, Path(arg), get_user(conn, "fin1"))
            elif op == "approve" and runs.get_run(conn, int(arg)).state == "submitted":
                runs.approve(conn, int(arg), get_user(conn, "fin2"))
    finally:
        engine.dispose()


def _outcome(url: str, op: str, arg: str) -> tuple:
    """What the operation leaves, checked for all-or-nothing; compared across attempts."""
    engine = make_engine(url)
    try:
        _check_whole(engine)
        with engine.connect() as conn:
            if op == "create":
                made = _runs_of(conn, PERIOD)
                assert len(made) <= 1 and _actions(conn, "run.create") == 1 + len(made)
                if not made:
                    return None,
                assert _result_count(conn, made[0]["id"]) == _result_count(conn, 1) > 0
                return made[0]["outputs_hash"], made[0]["inputs_hash"]
            if op == "import":
                count, digest = _deals_digest(conn)
                # one audit row per file imported (a re-import of the same files adds two more)
                imports = _actions(conn, "facts.import")
                assert count in (0, NEW_DEALS) and imports % 2 == 0 and (imports > 0) == (count > 0)
                return (count, digest) if count else (None,)
            run = runs.get_run(conn, int(arg))
            assert run.state in ("submitted", "approved")
            assert (run.state == "approved") == (run.approved_by is not None) == (_actions(conn, "run.approve") == 1)
            return (run.state, run.outputs_hash) if run.state == "approved" else (None,)
    finally:
        engine.dispose()


@pytest.mark.parametrize("op", ["create", "import", "approve"])
def test_a_killed_operation_leaves_all_or_nothing_and_finishes_the_same(backend, op, new_deals) -> None:
    arg = {"create": PLAN_REF, "import": str(new_deals), "approve": "1"}[op]
    reference_url = backend.copy(0)
    started = time.perf_counter()
    _finish(reference_url, op, arg)
    duration = time.perf_counter() - started
    reference = _outcome(reference_url, op, arg)
    backend.drop(reference_url)
    assert reference[0] is not None
    rng = random.Random(f"{backend.name}-{op}")
    variants = ["kill"] * KILLS[backend.name] + (["terminate"] * 10 if backend.name == "postgresql" else [])
    outcomes = []
    for n, variant in enumerate(variants, start=1):
        url = backend.copy(n)
        try:
            app = f"payplan-crash-{n}"
            child = _child(url, op, arg, app)
            _interrupt(child, rng.uniform(0, duration * 1.2), app if variant == "terminate" else None)
            outcomes.append(_outcome(url, op, arg)[0] is not None)  # all or nothing, whole
            _finish(url, op, arg)
            assert _outcome(url, op, arg) == reference  # the finished operation is byte-identical
        finally:
            backend.drop(url)
    # how many interruptions came after the commit (the rest rolled back): shown with -s
    print(f"{backend.name} {op}: {len(variants)} interruptions, {sum(outcomes)} after the commit, "
          f"operation {duration * 1000:.0f} ms")


def _rep_ids(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT id FROM reps ORDER BY id")).scalars())
    finally:
        engine.dispose()
