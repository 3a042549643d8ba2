"""Two workers, one batch of statements: two `payplan worker` processes on PostgreSQL share the
statements of a 120-rep run; one is killed with SIGKILL while it holds a chunk, and the job still
completes, every rep's statement stored exactly once, each one the statement `payplan statement
--run` makes (the same result hash) and each one verifying (signature, re-computation, printed
figures). The killed worker's chunk goes back to the queue when its lease (20 s here) runs out,
and a live worker renders it.
"""

from __future__ import annotations

import hashlib
import time

import pytest
from sqlalchemy import func, select

from payplan.access.users import get_user
from payplan.jobs import statements as job
from payplan.runs import lifecycle as runs
from payplan.runs.jobs import job_status
from payplan.statements.calculation import attachment_hash, result_hash
from payplan.statements.from_run import run_calculations
from payplan.statements.pdf import read_attachment
from payplan.statements.verify import verify_pdf
from payplan.store import audit
from payplan.store.db import make_engine
from payplan.store.service_schema import job_chunks, job_files
from tests.runs.test_workers import PERIOD, PLAN_REF, _kill_holding, _worker, company_databases

REPS, CHUNK, LEASE = 120, 6, "20"


@pytest.fixture
def run_url():
    for url in company_databases(REPS, REPS * 20, seed=17):
        engine = make_engine(url)
        with engine.begin() as conn:
            run = runs.create_run(conn, PLAN_REF, PERIOD, get_user(conn, "fin1"))
        engine.dispose()
        yield url, run.id


def test_two_workers_one_batch_of_statements_one_killed(run_url) -> None:
    url, run_id = run_url
    engine = make_engine(url)
    with engine.connect() as conn:
        expected = {c.result.rep_id: result_hash(c, "en") for c in run_calculations(conn, run_id)}
    assert len(expected) == REPS
    workers = [_worker(url, LEASE), _worker(url, LEASE)]
    try:
        with engine.begin() as conn:
            job_id = job.enqueue_statements(conn, run_id, "en", get_user(conn, "fin1"), chunk_size=CHUNK)
        held = None
        while held is None:  # a victim that stored its chunk just before the signal: another one
            assert len(workers) < 8, "no worker was ever killed while holding a chunk"
            held = _kill_holding(engine, job_id, workers[-2])
            workers.append(_worker(url, LEASE))
        status = _wait(engine, job_id, deadline=time.monotonic() + 480)
    finally:
        for worker in workers:
            worker.kill()
            worker.wait(timeout=10)
    assert (status.state, status.reps_done, status.files) == ("done", REPS, REPS), (status, _chunks(engine, job_id))
    with engine.connect() as conn:
        attempts = conn.execute(select(job_chunks.c.attempts).where(
            job_chunks.c.job_id == job_id, job_chunks.c.chunk == held)).scalar_one()
        assert attempts >= 2  # the killed worker's chunk was rendered again, by another
        count = conn.execute(select(func.count(), func.count(func.distinct(job_files.c.item)))
                             .where(job_files.c.job_id == job_id)).one()
        assert tuple(count) == (REPS, REPS)  # every rep once
        assert audit.verify(conn) == []
        stored = conn.execute(select(job_files.c.item, job_files.c.digest, job_files.c.content)
                              .where(job_files.c.job_id == job_id)).all()
    engine.dispose()
    made = {}
    for item, digest, pdf in stored:  # no transaction open: verifying takes a while
        rep_id, lang = item.rsplit(" ", 1)
        assert lang == "en" and digest == hashlib.sha256(pdf).hexdigest()
        made[rep_id] = attachment_hash(read_attachment(pdf), lang)
        verdict = verify_pdf(pdf)
        assert verdict.ok, (item, verdict.differences)
    assert made == expected  # the statements of the run, each rep's as `payplan statement --run` makes it


def _wait(engine, job_id: int, deadline: float):
    while True:
        with engine.connect() as conn:
            status = job_status(conn, job_id)
        if status.state != "queued" or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def _chunks(engine, job_id: int) -> list[tuple]:
    """(chunk, state, attempts) of every chunk: what a failure shows."""
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(job_chunks.c.chunk, job_chunks.c.state, job_chunks.c.attempts)
                                               .where(job_chunks.c.job_id == job_id).order_by(job_chunks.c.chunk))]
