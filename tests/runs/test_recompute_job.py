"""Recomputing a draft run as a job (kind run.recompute), on SQLite and PostgreSQL: the run's rows,
hashes and totals are those `recompute` leaves in one transaction, byte for byte, for a regular
run (in chunks) and an adjustment run (one chunk); a run approved meanwhile fails the job.

The reference is `recompute` in a transaction that is rolled back. Hand-checked figures (10% of
won revenue, topped up to a 100 USD guarantee: tests/runs/test_runs.py): the late March deal D5
(1000 USD) takes A2 from 100.00 to 150.00; D6 (2000 USD, below) takes A3 from 150.00 to 350.00.
"""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select

from payplan.errors import Conflict, Forbidden
from payplan.facts.audited import import_directory
from payplan.jobs.worker import work_once
from payplan.runs import adjustments, jobs
from payplan.runs import lifecycle as runs
from payplan.runs.recompute import recompute
from payplan.runs.recompute_job import enqueue_recompute
from payplan.store import audit
from payplan.store.service_schema import job_results, run_results

from .conftest import DATA

D6 = "D6,A3,2026-02-20,2026-03-25,won,2000.00,400.00,USD,Core,\n"


def stored(conn, run_id: int) -> tuple:
    """The run's hashes, every stored row as bytes, and its latest audit row's detail (with the
    digest of the run's row it covers)."""
    run = runs.get_run(conn, run_id)
    detail = json.loads(audit.entries(conn, object=f"run {run_id}", limit=1)[0]["detail"])
    rows = conn.execute(select(run_results.c.rep_id, run_results.c.total, run_results.c.result,
                               run_results.c.state, run_results.c.inputs)
                        .where(run_results.c.run_id == run_id).order_by(run_results.c.rep_id)).all()
    return run.inputs_hash, run.outputs_hash, [tuple(r) for r in rows], detail


def in_process(engine, run_id: int, actor) -> tuple:
    """What `recompute` stores, rolled back."""
    with engine.connect() as conn:
        with conn.begin() as tx:
            recompute(conn, run_id, actor)
            figures = stored(conn, run_id)
            tx.rollback()
    return figures


def drain(engine, tx, job_id: int) -> jobs.JobStatus:
    while work_once(engine, "test-worker"):
        pass
    return tx(jobs.job_status, job_id)


def totals(tx, run_id: int) -> dict[str, str]:
    return {rep: str(total) for rep, total in tx(lambda conn: conn.execute(
        select(run_results.c.rep_id, run_results.c.total).where(run_results.c.run_id == run_id)).all())}


@pytest.mark.parametrize("chunk_size", [1, 3, 500])
def test_a_recompute_job_stores_what_recompute_stores(engine, tx, company, chunk_size):
    c = company
    run = tx(runs.create_run, "svc@1", "2026-03", c.fin1)
    tx(import_directory, DATA / "late", c.admin)
    reference = in_process(engine, run.id, c.fin1)
    job_id = tx(enqueue_recompute, run.id, c.fin1, run.revision, chunk_size=chunk_size)
    assert tx(jobs.job_status, job_id).run_id == run.id  # the run it recomputes, from the start
    status = drain(engine, tx, job_id)
    assert (status.kind, status.state, status.reps_done, status.reps_total) == ("run.recompute", "done", 4, 4)
    assert tx(stored, run.id) == reference
    assert totals(tx, run.id) == {"A1": "200.00", "A2": "150.00", "A3": "150.00", "B1": "100.00"}
    after = tx(runs.get_run, run.id)
    assert (after.state, after.revision) == ("draft", run.revision + 1)
    with engine.connect() as conn:
        assert audit.verify(conn) == []
        last = audit.entries(conn, limit=1)[0]
        assert conn.execute(select(job_results)).first() is None
    assert (last["action"], last["object"], last["actor"]) == ("run.recompute", f"run {run.id}", "fin1")
    assert {k: v for k, v in reference[3].items() if k != "digests"} == \
        {"inputs_hash": reference[0], "outputs_hash": reference[1]}


def test_an_adjustment_run_is_recomputed_in_one_chunk(engine, tx, company, tmp_path):
    c = company
    march = tx(runs.create_run, "svc@1", "2026-03", c.fin1)
    tx(runs.submit, march.id, c.fin1)
    tx(runs.approve, march.id, c.fin2)
    tx(import_directory, DATA / "late", c.admin)
    adj = tx(adjustments.create_adjustment, march.id, c.fin1)
    assert totals(tx, adj.id) == {"A2": "50.00"}
    shutil.copy(DATA / "late" / "reps.csv", tmp_path / "reps.csv")
    (tmp_path / "deals.csv").write_text((DATA / "late" / "deals.csv").read_text().splitlines()[0] + "\n" + D6)
    tx(import_directory, tmp_path, c.admin)
    reference = in_process(engine, adj.id, c.fin1)
    job_id = tx(enqueue_recompute, adj.id, c.fin1, chunk_size=1)
    status = drain(engine, tx, job_id)
    assert (status.state, status.reps_done, status.reps_total) == ("done", 4, 4)
    assert tx(stored, adj.id) == reference
    assert totals(tx, adj.id) == {"A2": "50.00", "A3": "200.00"}  # 350 − 150 paid in March
    with engine.connect() as conn:
        assert audit.verify(conn) == []


def test_a_run_approved_meanwhile_fails_the_job(engine, tx, company):
    c = company
    run = tx(runs.create_run, "svc@1", "2026-03", c.fin1)
    before = tx(stored, run.id)
    tx(import_directory, DATA / "late", c.admin)
    job_id = tx(enqueue_recompute, run.id, c.fin1, chunk_size=2)
    assert work_once(engine, "test-worker")  # one chunk stored, one to go
    tx(runs.submit, run.id, c.fin1)
    tx(runs.approve, run.id, c.fin2)
    status = drain(engine, tx, job_id)
    assert status.state == "failed"
    assert status.error == (f"run {run.id} is approved, so it cannot be recomputed "
                            "(an approved run is immutable: corrections are adjustment runs)")
    assert tx(stored, run.id)[:3] == before[:3]  # the approved results, untouched
    with engine.connect() as conn:
        assert conn.execute(select(job_results)).first() is None
        assert audit.entries(conn, limit=1)[0]["action"] == "run.approve"


def test_refusals_come_first(tx, company):
    c = company
    run = tx(runs.create_run, "svc@1", "2026-03", c.fin1)
    with pytest.raises(Forbidden):
        tx(enqueue_recompute, run.id, c.ann)
    with pytest.raises(Conflict, match="changed meanwhile"):
        tx(enqueue_recompute, run.id, c.fin1, run.revision + 1)
    first = tx(enqueue_recompute, run.id, c.fin1)
    with pytest.raises(Conflict, match=f"job {first} is already recomputing run {run.id}"):
        tx(enqueue_recompute, run.id, c.fin1)
    tx(runs.submit, run.id, c.fin1)
    with pytest.raises(Conflict, match="cannot be recomputed"):
        tx(enqueue_recompute, run.id, c.fin1)
