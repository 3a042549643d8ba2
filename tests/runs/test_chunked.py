"""A run computed chunk by chunk (`payplan.runs.chunked`), here or over forked processes: the
same rows and hashes as the one-pass evaluation, one snapshot read by every process, and
nothing stored when a chunk fails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert

from payplan.access.users import get_user
from payplan.core.periods import parse_period
from payplan.errors import Invalid, PayplanError
from payplan.plans import versions as plan_store
from payplan.runs import chunked
from payplan.runs import lifecycle as runs
from payplan.runs.evaluation import OutputsDigest, evaluate_run, result_row
from payplan.runs.recompute import recompute
from payplan.store.db import make_engine
from payplan.store.migrate import upgrade
from payplan.store.schema import deals
from payplan.store.service_schema import run_results
from tests.runs.test_workers import PERIOD, PLAN_REF, synthetic_company

REPS = 240


@pytest.fixture
def synthetic(engine):
    """A synthetic company of REPS reps on the test database (SQLite file, PostgreSQL)."""
    with engine.begin() as conn:
        synthetic_company(conn, REPS, 12_000, seed=5)
    return engine


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(chunked, "CHUNK", 25)
    monkeypatch.setattr(chunked, "PARALLEL_FROM", 50)


def one_pass(engine) -> tuple[str, str, list[tuple]]:
    """(inputs hash, outputs hash, rows) of the whole-run evaluation, computed in one pass."""
    with engine.connect() as conn:
        version = plan_store.get_plan(conn, PLAN_REF)
        evaluation = evaluate_run(conn, plan_store.load(conn, version), version.hash, parse_period(PERIOD))
    stored = [result_row(r, inputs=evaluation.scored.blob(r.rep_id))
              for r in sorted(evaluation.results, key=lambda r: r.rep_id)]
    digest = OutputsDigest()
    digest.update(stored)
    return evaluation.inputs_hash, digest.hexdigest(), [(r.rep_id, r.total, r.result, r.state.decode(), r.inputs)
                                                        for r in stored]


def created(engine, processes: int) -> tuple[str, str, list[tuple]]:
    """The same figures of a run `create_run` stores with `processes`, rolled back afterwards."""
    with engine.connect() as conn, conn.begin() as tx:
        run = runs.create_run(conn, PLAN_REF, PERIOD, get_user(conn, "fin1"), processes=processes)
        rows = [tuple(r) for r in conn.execute(
            select(run_results.c.rep_id, run_results.c.total, run_results.c.result, run_results.c.state,
                   run_results.c.inputs).where(run_results.c.run_id == run.id).order_by(run_results.c.rep_id))]
        tx.rollback()
    return run.inputs_hash, run.outputs_hash, [(r[0], r[1], bytes(r[2]), r[3], bytes(r[4])) for r in rows]


def test_chunks_here_and_in_processes_store_what_one_pass_computes(synthetic, small_chunks):
    reference = one_pass(synthetic)
    assert len(reference[2]) == REPS and len({r[1] for r in reference[2]}) > 20  # varied pay
    for processes in (1, 2, 3):
        figures = created(synthetic, processes)
        assert figures[:2] == reference[:2], processes
        # the stored inputs are packed (compressed) on every database: compared as the reader sees them
        assert [r[:4] for r in figures[2]] == [r[:4] for r in reference[2]], processes
        assert [len(r[4]) > 0 for r in figures[2]] == [True] * REPS


def test_a_recomputed_draft_keeps_its_hashes_whatever_the_processes(synthetic, small_chunks):
    with synthetic.begin() as conn:
        run = runs.create_run(conn, PLAN_REF, PERIOD, get_user(conn, "fin1"), processes=2)
    for processes in (1, 2):
        with synthetic.begin() as conn:
            again = recompute(conn, run.id, get_user(conn, "fin1"), processes=processes)
        assert (again.inputs_hash, again.outputs_hash, again.revision) == (
            run.inputs_hash, run.outputs_hash, run.revision + processes)


def test_a_chunk_that_fails_in_a_process_stores_nothing(synthetic, small_chunks, monkeypatch):
    real = chunked.evaluate_chunk

    def failing(conn, plan, digest, period, rep_ids, everyone=None):
        if "R000100" in rep_ids:  # one chunk in the middle of the run
            raise Invalid("metric %(metric)s cannot be read", metric="calls")
        return real(conn, plan, digest, period, rep_ids, everyone)

    monkeypatch.setattr(chunked, "evaluate_chunk", failing)  # inherited by the forked processes
    with pytest.raises(Invalid, match="metric calls cannot be read"), synthetic.begin() as conn:
        runs.create_run(conn, PLAN_REF, PERIOD, get_user(conn, "fin1"), processes=2)
    with synthetic.connect() as conn:
        assert runs.list_runs(conn) == [] and conn.execute(select(run_results.c.rep_id)).all() == []


def test_every_process_reads_the_snapshot_of_the_transaction_that_stores(synthetic, small_chunks, monkeypatch):
    """On PostgreSQL a deal committed by someone else while the chunks are computed is in no chunk:
    each process imports the storing transaction's snapshot. (On SQLite that transaction holds
    the write lock, so nothing can be committed meanwhile.)"""
    if synthetic.dialect.name != "postgresql":
        pytest.skip("snapshots are exported on PostgreSQL; SQLite's run holds the write lock")
    url = synthetic.url.render_as_string(hide_password=False)
    reference = one_pass(synthetic)
    real = chunked.evaluate_chunk

    def after_a_late_deal(conn, plan, digest, period, rep_ids, everyone=None):
        other = make_engine(url)
        with other.begin() as late:  # committed before this chunk reads anything
            currency = late.execute(select(deals.c.currency).limit(1)).scalar_one()
            late.execute(pg_insert(deals).values(
                id=f"LATE-{rep_ids[0]}", rep_id=rep_ids[0], amount=Decimal("999999.00"), cost=Decimal(0),
                currency=currency, status="won", created_at=date(2026, 3, 2), closed_at=date(2026, 3, 3),
            ).on_conflict_do_nothing())
        other.dispose()
        return real(conn, plan, digest, period, rep_ids, everyone)

    monkeypatch.setattr(chunked, "evaluate_chunk", after_a_late_deal)
    figures = created(synthetic, 2)
    assert figures[:2] == reference[:2]
    with synthetic.connect() as conn:
        late = conn.execute(text("SELECT count(*) FROM deals WHERE id LIKE 'LATE-%'")).scalar_one()
    assert late == len(range(0, REPS, 25))  # one a chunk, all committed, none read


def test_a_database_in_memory_is_computed_here(monkeypatch):
    monkeypatch.setattr(chunked, "PARALLEL_FROM", 1)
    engine = make_engine("sqlite://")
    with engine.connect() as conn:
        assert not chunked._parallel(conn, 10_000, 2)
    engine.dispose()


def test_a_database_file_is_shared_with_processes(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert chunked._parallel(conn, chunked.PARALLEL_FROM, 2)
        assert not chunked._parallel(conn, chunked.PARALLEL_FROM - 1, 2) and not chunked._parallel(conn, 10**6, 1)
    engine.dispose()


@given(st.integers(0, 5_000), st.integers(1, 4))
def test_chunks_cover_the_reps_in_order_evenly_in_a_multiple_of_the_processes(reps, processes):
    rep_ids = [f"R{i:05d}" for i in range(reps)]
    slices = chunked._slices(rep_ids, processes)
    assert [r for s in slices for r in s] == rep_ids
    assert all(0 < len(s) <= chunked.CHUNK for s in slices)
    if slices:
        assert max(map(len, slices)) - min(map(len, slices)) <= 1  # even
    if len(slices) < reps:  # (unless there are fewer reps than that: one each)
        assert len(slices) % processes == 0  # no process left computing the last chunk alone


def test_a_process_that_dies_stops_the_run_with_a_reason_and_nothing_stored(synthetic, small_chunks, monkeypatch):
    import os

    real = chunked.evaluate_chunk

    def killed(conn, plan, digest, period, rep_ids, everyone=None):
        if "R000100" in rep_ids:
            os._exit(9)  # as the kernel's out-of-memory killer would end it
        return real(conn, plan, digest, period, rep_ids, everyone)

    monkeypatch.setattr(chunked, "evaluate_chunk", killed)
    with pytest.raises(PayplanError, match=r"a process computing the run's reps stopped \(out of memory\?\): "
                                           r"nothing was stored"), synthetic.begin() as conn:
        runs.create_run(conn, PLAN_REF, PERIOD, get_user(conn, "fin1"), processes=2)
    with synthetic.connect() as conn:
        assert runs.list_runs(conn) == [] and conn.execute(select(run_results.c.rep_id)).all() == []
