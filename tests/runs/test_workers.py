"""Two workers, one run: two `payplan worker` processes share a 5,000-rep run on PostgreSQL;
one is killed with SIGKILL while it holds a chunk, and the run still completes, every rep's
result stored exactly once, its hashes and totals equal to a single-process run's.

The reference is `lifecycle.create_run` (the single-process path) on the same database,
rolled back after its figures are read. The killed worker's chunk goes back to the queue
when its lease (2 s here) runs out, and the other worker computes it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text

from payplan.access.users import add_user, get_user
from payplan.bench.monthly import plan_text
from payplan.plans import versions as plan_store
from payplan.runs import jobs
from payplan.runs import lifecycle as runs
from payplan.store import audit, digests
from payplan.store.db import make_engine
from payplan.store.service_schema import job_chunks
from payplan.store.migrate import upgrade
from payplan.store.service_schema import run_results
from payplan.store.synthetic import generate
from tests.service_db import PG_URL, _throwaway_postgres

REPS, PERIOD, PLAN_REF = 5_000, "2026-03", "ae-2026@1"


@pytest.fixture
def company_url():
    yield from company_databases(REPS, 100_000, seed=11)


def company_databases(reps: int, facts: int, seed: int) -> Iterator[str]:
    """A throw-away PostgreSQL database holding a synthetic company (`synthetic_company`)."""
    if not PG_URL:
        pytest.skip("PAYPLAN_TEST_DATABASE_URL is not set")
    for url in _throwaway_postgres(PG_URL):
        upgrade(url)
        engine = make_engine(url)
        with engine.begin() as conn:
            synthetic_company(conn, reps, facts, seed)
        engine.dispose()
        yield url


def synthetic_company(conn, reps: int, facts: int, seed: int) -> None:
    """A synthetic company (`payplan.store.synthetic`) with users hr1 and fin1 and plan ae-2026@1."""
    generate(conn, reps=reps, facts=facts, seed=seed, period=PERIOD)
    audit.seal(conn)  # the synthetic facts went in without an import: put them on the record
    for name, role in (("hr1", "hr"), ("fin1", "finance")):
        add_user(conn, name, role)
    plan_store.publish(conn, plan_text(), "ae-2026-v1.toml, every rep", get_user(conn, "hr1"))


def _single_process(engine) -> tuple:
    """(inputs hash, outputs hash, reps, total) of the run `create_run` makes, rolled back."""
    with engine.connect() as conn:
        with conn.begin() as tx:
            run = runs.create_run(conn, PLAN_REF, PERIOD, get_user(conn, "fin1"))
            figures = (run.inputs_hash, run.outputs_hash, *runs.run_totals(conn, run.id))
            tx.rollback()
    return figures


def _worker(url: str, lease: str = "2") -> subprocess.Popen:
    env = {**os.environ, "PAYPLAN_DATABASE_URL": url}
    return subprocess.Popen([sys.executable, "-m", "payplan.cli", "worker", "--lease", lease, "--poll", "0.1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _held_by(engine, pid: int) -> int | None:
    """A chunk the worker with process id `pid` holds now, if any."""
    with engine.connect() as conn:
        return conn.execute(select(job_chunks.c.chunk).where(
            job_chunks.c.state == "claimed", job_chunks.c.worker.like(f"%:{pid}"))).scalar()


def test_two_workers_one_run_one_killed(company_url) -> None:
    engine = make_engine(company_url)
    reference = _single_process(engine)
    workers = [_worker(company_url), _worker(company_url)]
    try:
        with engine.begin() as conn:
            job_id = jobs.enqueue_run(conn, PLAN_REF, PERIOD, get_user(conn, "fin1"), chunk_size=250)
        held = None
        while held is None:  # a victim that stored its chunk just before the signal: another one
            assert len(workers) < 8, "no worker was ever killed while holding a chunk"
            held = _kill_holding(engine, job_id, workers[-2])
            workers.append(_worker(company_url))
        status = _wait(engine, job_id, deadline=time.monotonic() + 90)
    finally:
        for worker in workers:
            worker.kill()
            worker.wait(timeout=10)
    assert status.state == "done" and status.reps_done == status.reps_total == REPS
    with engine.connect() as conn:
        run = runs.get_run(conn, status.run_id)
        stored = conn.execute(select(func.count(), func.count(func.distinct(run_results.c.rep_id)))
                              .where(run_results.c.run_id == run.id)).one()
        attempts = conn.execute(select(job_chunks.c.attempts).where(
            job_chunks.c.job_id == job_id, job_chunks.c.chunk == held)).scalar_one()
        leftovers = conn.execute(text("SELECT count(*) FROM job_results")).scalar_one()
        assert (run.inputs_hash, run.outputs_hash, *runs.run_totals(conn, run.id)) == reference
        assert tuple(stored) == (reference[2], reference[2])  # every rep once
        assert attempts >= 2 and leftovers == 0  # the killed worker's chunk was computed again, by the other
        assert digests.results_problems(conn, run.id, run.outputs_hash) == [] and audit.verify(conn) == []
    engine.dispose()


def _kill_holding(engine, job_id: int, victim: subprocess.Popen) -> int | None:
    """SIGKILL `victim` once it holds a chunk (after some chunk was stored); the chunk it died
    holding, or None if it had stored it meanwhile."""
    deadline = time.monotonic() + 60
    while (held := _held_by(engine, victim.pid)) is None or _done_reps(engine, job_id) == 0:
        assert time.monotonic() < deadline, "the worker never held a chunk after one was stored"
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    with engine.connect() as conn:
        state = conn.execute(select(job_chunks.c.state, job_chunks.c.worker).where(
            job_chunks.c.job_id == job_id, job_chunks.c.chunk == held)).one()
    return held if state.worker.endswith(f":{victim.pid}") and state.state == "claimed" else None


def _done_reps(engine, job_id: int) -> int:
    with engine.connect() as conn:
        return jobs.job_status(conn, job_id).reps_done


def _wait(engine, job_id: int, deadline: float) -> jobs.JobStatus:
    while True:
        with engine.connect() as conn:
            status = jobs.job_status(conn, job_id)
        if status.state != "queued" or time.monotonic() > deadline:
            return status
        time.sleep(0.2)
