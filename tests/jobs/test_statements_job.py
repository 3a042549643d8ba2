"""A run's statements as a job (`statements.batch`), on SQLite and PostgreSQL: one file per rep,
each chunk stored once however often it is rendered, the same job for the same request, the
run as it was when queued, and the files written into a folder as `payplan statements` writes them.

The reference is what `payplan statement --run` renders for each rep (`run_calculations`), by
its result hash: a statement rendered by a worker is the same statement.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import func, select

from payplan.core.periods import parse_period
from payplan.errors import Forbidden, Invalid, NotFound
from payplan.jobs import statements as job
from payplan.jobs.worker import _compute, make, store_chunk, work_once
from payplan.runs import lifecycle as runs
from payplan.runs.jobs import job_status
from payplan.statements.batch import MANIFEST, file_name, read_manifest, write_rendered
from payplan.statements.calculation import result_hash
from payplan.statements.from_run import run_calculations
from payplan.statements.verify import verify_pdf
from payplan.store import audit, queue
from payplan.store.service_schema import job_chunks, job_files

REPS = ["A1", "A2", "A3", "B1"]  # the test company's reps on plan svc@1 (tests/runs/test_jobs.py)


@pytest.fixture
def run(tx, company):
    return tx(runs.create_run, "svc@1", "2026-03", company.fin1)


def drain(engine) -> None:
    while work_once(engine, "test-worker"):
        pass


def files(engine, job_id: int) -> dict[str, tuple[str, bytes]]:
    with engine.connect() as conn:
        rows = conn.execute(select(job_files.c.item, job_files.c.name, job_files.c.content)
                            .where(job_files.c.job_id == job_id)).all()
    return {item: (name, content) for item, name, content in rows}


def test_every_rep_gets_one_statement_that_verifies(engine, tx, company, run):
    job_id = tx(job.enqueue_statements, run.id, "uk", company.hr1, chunk_size=3)
    assert tx(job_status, job_id).reps_total == 4
    drain(engine)
    status = tx(job_status, job_id)
    assert (status.state, status.reps_done, status.files, status.lang, status.run_id) == ("done", 4, 4, "uk", run.id)
    made = files(engine, job_id)
    calcs = {c.result.rep_id: c for c in tx(run_calculations, run.id)}
    assert sorted(made) == [f"{rep} uk" for rep in REPS]
    for rep, calc in calcs.items():
        name, pdf = made[f"{rep} uk"]
        assert name == file_name(calc, "uk")  # its result hash is in the name: the same statement
        verdict = verify_pdf(pdf)
        assert verdict.ok and verdict.total == calc.result.total, verdict.differences
    with engine.connect() as conn:
        last = audit.entries(conn, limit=1)[0]
        detail = json.loads(last["detail"])
        assert (last["action"], detail["statements"], detail["job"]) == ("statements.batch", 4, job_id)
        assert audit.verify(conn) == []


def test_a_chunk_rendered_twice_is_stored_once(engine, tx, company, run):
    job_id = tx(job.enqueue_statements, run.id, "en", company.fin1, chunk_size=2)
    first = tx(queue.claim, "w1", 0.0)  # a lease that has run out at once: the next claimer takes it too
    second = tx(queue.claim, "w2")
    assert (first.chunk, second.chunk, first.rep_ids) == (0, 0, ["A1", "A2"])
    key1, made1 = make(first, tx(_compute, first))
    key2, made2 = make(second, tx(_compute, second))
    expected = hashlib.sha256("\n".join(result_hash(c, "en") for c in tx(run_calculations, run.id)[:2]).encode())
    assert key1 == key2 == expected.hexdigest()
    tx(store_chunk, second, key2, made2)
    tx(store_chunk, first, key1, made1)  # finds the chunk done: stores nothing
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(job_files).where(job_files.c.job_id == job_id))
        assert count.scalar_one() == 2
        attempts = conn.execute(select(job_chunks.c.attempts).where(job_chunks.c.job_id == job_id,
                                                                    job_chunks.c.chunk == 0)).scalar_one()
    assert attempts == 2
    drain(engine)
    assert tx(job_status, job_id).files == 4


def test_the_same_request_gives_the_same_job(engine, tx, company, run):
    keyed = tx(job.enqueue_statements, run.id, "en", company.fin1, idempotency_key="k-1")
    assert tx(job.enqueue_statements, run.id, "en", company.fin1, idempotency_key="k-1") == keyed
    # while it is queued, another request for the same run and language gets it too (the same statements)
    assert tx(job.enqueue_statements, run.id, "en", company.hr1) == keyed
    other = tx(job.enqueue_statements, run.id, "uk", company.fin1)
    assert other != keyed
    drain(engine)
    assert tx(job.enqueue_statements, run.id, "en", company.fin1) not in (keyed, other)  # done: a new one


def test_a_run_that_changes_meanwhile_fails_the_job(engine, tx, company, run):
    job_id = tx(job.enqueue_statements, run.id, "en", company.fin1, chunk_size=2)
    assert work_once(engine, "w1")  # one chunk of the draft run's statements
    tx(runs.submit, run.id, company.fin1)
    drain(engine)
    status = tx(job_status, job_id)
    assert status.state == "failed" and f"run {run.id} changed" in status.error
    assert tx(job.enqueue_statements, run.id, "en", company.fin1) != job_id  # the submitted run's, anew


def test_refusals(tx, company, run):
    with pytest.raises(Forbidden):
        tx(job.enqueue_statements, run.id, "en", company.maya)  # a manager sees their team's only
    with pytest.raises(Invalid, match="language"):
        tx(job.enqueue_statements, run.id, "fr", company.fin1)
    empty = tx(runs.new_run, company.plan.id, parse_period("2026-05"), company.fin1, "0" * 64, "0" * 64)
    assert tx(runs.run_totals, empty)[0] == 0  # a run that scored nobody
    with pytest.raises(Invalid, match=f"run {empty} has no results"):
        tx(job.enqueue_statements, empty, "en", company.fin1)
    with pytest.raises(NotFound):
        tx(job.enqueue_statements, run.id + 99, "en", company.fin1)


def test_the_files_go_to_a_folder_as_payplan_statements_writes_them(engine, tx, company, run, tmp_path):
    job_id = tx(job.enqueue_statements, run.id, "en", company.fin1)
    drain(engine)
    foreign = tmp_path / "notes.txt"
    foreign.write_text("mine")

    def write():
        with engine.connect() as conn:
            return write_rendered(job.statement_files(conn, job_id), tmp_path)

    report = write()
    assert (len(report.rendered), report.skipped) == (4, [])
    listed = read_manifest(tmp_path).files
    calcs = tx(run_calculations, run.id)
    assert [(e.rep_id, e.file, e.result_hash) for e in listed] == [
        (c.result.rep_id, file_name(c, "en"), result_hash(c, "en")) for c in calcs]
    assert all((tmp_path / e.file).read_bytes() == files(engine, job_id)[f"{e.rep_id} en"][1] for e in listed)
    again = write()
    assert (again.rendered, len(again.skipped)) == ([], 4)  # up to date
    assert foreign.read_text() == "mine" and (tmp_path / MANIFEST).exists()
