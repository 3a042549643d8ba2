"""Creating an adjustment run as a job (kind run.adjust), on SQLite and PostgreSQL: the run it makes
holds the rows, hashes and audit row `create_adjustment` makes in one transaction, byte for byte;
no change in anyone's pay fails the job and makes no run; the refusals come first.

Hand-checked figures (10% of won revenue, topped up to a 100 USD guarantee:
tests/runs/test_runs.py): the late March deal D5 (1000 USD) takes A2 from 100.00 to 150.00, so
the adjustment of the approved March run pays A2 50.00 and no one else.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from payplan.errors import Conflict, Forbidden
from payplan.facts.audited import import_directory
from payplan.runs import adjustments
from payplan.runs import lifecycle as runs
from payplan.runs.adjust_job import enqueue_adjustment
from payplan.store import audit
from payplan.store.service_schema import job_results, runs as runs_table

from .conftest import DATA
from .test_recompute_job import drain, stored, totals


def approved_march(tx, c):
    march = tx(runs.create_run, "svc@1", "2026-03", c.fin1)
    tx(runs.submit, march.id, c.fin1)
    tx(runs.approve, march.id, c.fin2)
    return march


def made_here(engine, run_id: int, actor) -> tuple:
    """What `create_adjustment` stores, rolled back: the run's figures and its audit detail."""
    with engine.connect() as conn:
        with conn.begin() as tx:
            adj = adjustments.create_adjustment(conn, run_id, actor)
            figures = stored(conn, adj.id)
            tx.rollback()
    return figures


def test_an_adjustment_job_makes_the_run_create_adjustment_makes(engine, tx, company):
    c = company
    march = approved_march(tx, c)
    tx(import_directory, DATA / "late", c.admin)
    reference = made_here(engine, march.id, c.fin1)
    job_id = tx(enqueue_adjustment, march.id, c.fin1)
    assert len(tx(runs.list_runs)) == 1  # no run until a worker made it
    status = drain(engine, tx, job_id)
    assert (status.kind, status.state, status.reps_done, status.reps_total) == ("run.adjust", "done", 4, 4)
    adj = tx(runs.get_run, status.run_id)
    assert (adj.kind, adj.state, adj.adjusts_run_id) == ("adjustment", "draft", march.id)
    figures = tx(stored, adj.id)
    assert figures[:3] == reference[:3]  # hashes and every stored row, byte for byte
    strip = lambda detail: {k: v for k, v in detail.items() if k != "digests"}  # noqa: E731
    assert strip(figures[3]) == strip(reference[3])  # adjusts, reps, delta, hashes
    assert strip(figures[3])["delta"] == "50.00" and totals(tx, adj.id) == {"A2": "50.00"}
    with engine.connect() as conn:
        assert audit.verify(conn) == [] and conn.execute(select(job_results)).first() is None
        assert audit.entries(conn, limit=1)[0]["actor"] == "fin1"


def test_no_change_fails_the_job_and_makes_no_run(engine, tx, company):
    c = company
    march = approved_march(tx, c)
    job_id = tx(enqueue_adjustment, march.id, c.fin1)
    status = drain(engine, tx, job_id)
    assert (status.state, status.run_id) == ("failed", None)
    assert status.error == f"recomputing run {march.id} on the current facts changes no one's pay: nothing to adjust"
    with engine.connect() as conn:
        assert conn.execute(select(runs_table.c.id).where(runs_table.c.kind == "adjustment")).first() is None
        assert conn.execute(select(job_results)).first() is None


def test_an_adjustment_made_meanwhile_fails_the_job(engine, tx, company):
    c = company
    march = approved_march(tx, c)
    tx(import_directory, DATA / "late", c.admin)
    job_id = tx(enqueue_adjustment, march.id, c.fin1)
    here = tx(adjustments.create_adjustment, march.id, c.fin2)  # made in a request meanwhile: still a draft
    status = drain(engine, tx, job_id)
    assert status.state == "failed" and f"adjustment run {here.id} of run {march.id} is not approved yet" in status.error
    assert [r.id for r in tx(runs.list_runs) if r.kind == "adjustment"] == [here.id]


def test_refusals_come_first(tx, company):
    c = company
    draft = tx(runs.create_run, "svc@1", "2026-03", c.fin1)
    with pytest.raises(Conflict, match="only an approved or paid regular run can be adjusted"):
        tx(enqueue_adjustment, draft.id, c.fin1)
    tx(runs.submit, draft.id, c.fin1)
    tx(runs.approve, draft.id, c.fin2)
    with pytest.raises(Forbidden):
        tx(enqueue_adjustment, draft.id, c.ann)
    first = tx(enqueue_adjustment, draft.id, c.fin1)
    with pytest.raises(Conflict, match=f"job {first} is already computing an adjustment of run {draft.id}"):
        tx(enqueue_adjustment, draft.id, c.fin1)
    assert json.loads(tx(lambda conn: conn.exec_driver_sql(
        f"SELECT params FROM jobs WHERE id = {first}").scalar_one()))["adjusts"] == draft.id
