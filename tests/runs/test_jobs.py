"""A run computed as a job, chunk by chunk, on SQLite and PostgreSQL: the same run as the
single-process path, each chunk stored once however often it is computed, leases, progress,
and the job's last step run once.

The hand-checked totals are those of tests/runs/test_runs.py (10% of won revenue, topped
up to a 100 USD recoverable guarantee); the single-process figures come from
`create_run` in a transaction that is rolled back.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from payplan.errors import Conflict
from payplan.runs import jobs
from payplan.runs import lifecycle as runs
from payplan.runs.views import list_results
from payplan.jobs.worker import _compute, complete, store_chunk, work_once
from payplan.store import audit, queue
from payplan.store.service_schema import job_chunks, job_results
from payplan.store.service_schema import runs as runs_table

MARCH = {"A1": "200.00", "A2": "100.00", "A3": "150.00", "B1": "100.00"}  # A2: 50 earned + 50 draw
APRIL = {"A1": "100.00", "A2": "250.00", "A3": "100.00", "B1": "100.00"}  # A2: 300 − 50 recovered


def single_process(engine, company, period: str) -> tuple:
    """(inputs hash, outputs hash, reps, total) of `create_run`, rolled back."""
    with engine.connect() as conn:
        with conn.begin() as tx:
            run = runs.create_run(conn, "svc@1", period, company.fin1)
            figures = (run.inputs_hash, run.outputs_hash, *runs.run_totals(conn, run.id))
            tx.rollback()
    return figures


def by_job(engine, tx, company, period: str, chunk_size: int = 1) -> jobs.JobStatus:
    job_id = tx(jobs.enqueue_run, "svc@1", period, company.fin1, chunk_size=chunk_size)
    while work_once(engine, "test-worker"):
        pass
    return tx(jobs.job_status, job_id)


def figures(tx, run_id: int) -> tuple:
    run = tx(runs.get_run, run_id)
    return (run.inputs_hash, run.outputs_hash, *tx(runs.run_totals, run_id))


def totals(tx, run_id: int, viewer) -> dict[str, str]:
    return {r.rep_id: str(r.total) for r in tx(list_results, run_id, viewer)}


@pytest.mark.parametrize("chunk_size", [1, 3, 500])
def test_a_job_makes_the_run_the_single_process_makes(engine, tx, company, chunk_size):
    reference = single_process(engine, company, "2026-03")
    status = by_job(engine, tx, company, "2026-03", chunk_size)
    assert (status.state, status.reps_done, status.reps_total) == ("done", 4, 4)
    assert totals(tx, status.run_id, company.admin) == MARCH
    assert figures(tx, status.run_id) == reference
    assert tx(runs.get_run, status.run_id).state == "draft"
    with engine.connect() as conn:
        assert audit.verify(conn) == []
        assert [e["action"] for e in audit.entries(conn, limit=5)][0] == "run.create"


def test_carried_state_comes_from_the_approved_run_before(engine, tx, company):
    march = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    tx(runs.submit, march.id, company.fin1)
    tx(runs.approve, march.id, company.fin2)
    reference = single_process(engine, company, "2026-04")
    status = by_job(engine, tx, company, "2026-04", chunk_size=2)
    assert totals(tx, status.run_id, company.admin) == APRIL  # A2's draw recovered, per chunk
    assert figures(tx, status.run_id) == reference


def test_without_an_approved_run_the_chunks_replay_history(engine, tx, company):
    reference = single_process(engine, company, "2026-04")
    status = by_job(engine, tx, company, "2026-04", chunk_size=1)
    assert totals(tx, status.run_id, company.admin) == APRIL
    assert figures(tx, status.run_id) == reference


def test_a_chunk_computed_twice_is_stored_once(engine, tx, company):
    job_id = tx(jobs.enqueue_run, "svc@1", "2026-03", company.fin1, chunk_size=2)
    first = tx(queue.claim, "w1", 0)  # a lease that has already run out: w1 looks dead
    second = tx(queue.claim, "w2", 60)
    assert first == second and (first.job_id, first.chunk, first.rep_ids) == (job_id, 0, ["A1", "A2"])
    late, early = tx(_compute, first), tx(_compute, second)
    assert late == early  # the same chunk, the same inputs hash and rows
    assert tx(store_chunk, second, *early) is False  # chunk 1 is still to do
    assert tx(store_chunk, first, *late) is False  # w1 wakes up: its rows are not stored again
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(job_results).where(job_results.c.chunk == 0)).scalar()
        attempts = conn.execute(select(job_chunks.c.attempts).where(job_chunks.c.chunk == 0)).scalar()
    assert (rows, attempts) == (2, 2)
    assert tx(jobs.job_status, job_id).reps_done == 2
    status = by_job_end(engine, tx, job_id)
    assert tx(runs.run_totals, status.run_id) == (4, Decimal("550.00"))


def by_job_end(engine, tx, job_id: int) -> jobs.JobStatus:
    while work_once(engine, "test-worker"):
        pass
    return tx(jobs.job_status, job_id)


def test_a_claimed_chunk_waits_for_its_lease(tx, company):
    tx(jobs.enqueue_run, "svc@1", "2026-03", company.fin1, chunk_size=3)
    assert tx(queue.claim, "w1", 60).chunk == 0
    assert tx(queue.claim, "w2", 60).chunk == 1
    assert tx(queue.claim, "w3", 60) is None  # both held, neither lease ran out


def test_the_last_step_runs_once(engine, tx, company):
    status = by_job(engine, tx, company, "2026-03", chunk_size=2)
    assert tx(complete, status.id, jobs.RUN_CREATE, '{"plan":"svc@1"}') is False
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(runs_table)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(job_results)).scalar() == 0
        assert sum(1 for e in audit.entries(conn, limit=100) if e["action"] == "run.create") == 1


def test_a_run_made_meanwhile_fails_the_job(engine, tx, company):
    job_id = tx(jobs.enqueue_run, "svc@1", "2026-03", company.fin1, chunk_size=2)
    made = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    status = by_job_end(engine, tx, job_id)
    assert status.state == "failed" and status.run_id is None and f"run {made.id} already covers" in status.error
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(runs_table)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(job_results)).scalar() == 0


def test_a_second_job_for_the_same_run_is_refused_and_a_key_gives_the_same_job(tx, company):
    first = tx(jobs.enqueue_run, "svc@1", "2026-03", company.fin1, "key-1")
    assert tx(jobs.enqueue_run, "svc@1", "2026-03", company.fin1, "key-1") == first
    with pytest.raises(Conflict, match=f"job {first} is already computing"):
        tx(jobs.enqueue_run, "svc@1", "2026-03", company.fin1)


def test_a_chunk_whose_storing_fails_fails_the_job_and_leaves_no_staged_rows(engine, tx, company, monkeypatch):
    """A plan or data error while a chunk is stored (not only while it is computed) fails the job
    for whoever asked, instead of stopping the worker; the chunks stored before it are dropped."""
    from payplan.errors import Invalid
    from payplan.jobs import kinds
    from payplan.runs import worker as run_job

    stored = []

    def second_fails(conn, claim, chunk):
        stored.append(claim.chunk)
        if len(stored) == 2:
            raise Invalid("rep %(rep)s has no team", rep=chunk.rows[0].rep_id)
        run_job.store_rows(conn, claim, chunk)

    monkeypatch.setitem(kinds.KINDS, jobs.RUN_CREATE, kinds.Kind(run_job.compute, second_fails, run_job.complete))
    status = by_job(engine, tx, company, "2026-03", chunk_size=1)
    assert status.state == "failed" and status.error == "rep A2 has no team" and status.run_id is None
    assert stored == [0, 1]  # the first chunk was stored, the second failed, no third was tried
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(job_results)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(runs_table)).scalar() == 0
