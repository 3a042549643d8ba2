"""The monthly-run benchmark at a tiny size: it reports its figures and really persisted the run.

Speed is the suite's business (`payplan bench`), not this test's: nothing here is timed.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select, text

from payplan.bench import monthly, suite
from payplan.store import make_engine
from payplan.store.schema import reps
from payplan.store.service_schema import run_results, runs

STAGES = {"carried_state", "load_reps", "aggregate", "score", "result_docs", "persist", "totals",
          "commit_and_close", "rest"}


def test_monthly_run_persists_one_result_per_rep(tmp_path):
    facts_url = f"sqlite:///{tmp_path / 'facts.sqlite'}"
    result = monthly.run(reps=40, facts=2_000, runs=2, url=facts_url, workdir=str(tmp_path))

    assert {"reps", "facts", "period", "run_id", "seconds", "process_seconds", "stages", "peak_mib", "peak_source",
            "ru_maxrss_mib", "results", "rep_rows", "setup_seconds", "url", "seconds_all"} <= set(result)
    assert len(result["seconds_all"]) == 2 and result["seconds"] == min(result["seconds_all"])
    assert set(result["stages"]) == STAGES and result["peak_mib"] > 0
    assert result["url"] != facts_url
    engine = make_engine(result["url"])
    try:
        with engine.connect() as conn:
            rep_count = conn.execute(select(func.count()).select_from(reps)).scalar_one()
            persisted = conn.execute(select(func.count(), func.count(func.distinct(run_results.c.rep_id)))
                                     .where(run_results.c.run_id == result["run_id"])).one()
            run = conn.execute(select(runs.c.period, runs.c.state).where(runs.c.id == result["run_id"])).one()
            traced = sum(b'"trace"' in document for document in conn.execute(  # the JSON, unpacked
                select(run_results.c.result).where(run_results.c.run_id == result["run_id"])).scalars())
    finally:
        engine.dispose()
    assert rep_count == 40 and tuple(persisted) == (40, 40) == (result["results"], result["rep_rows"])
    assert tuple(run) == (monthly.PERIOD, "draft") and traced == 40


def test_suite_lists_the_monthly_row():
    rows = [row for row in suite.ROWS if row[0] == "payplan.bench.monthly"]
    assert len(rows) == 1 and rows[0][3]  # quick sizes exist


def test_monthly_run_on_postgresql_drops_what_it_made():
    server = os.environ.get("PAYPLAN_TEST_DATABASE_URL")
    if not server:
        pytest.skip("PAYPLAN_TEST_DATABASE_URL is not set")
    result = monthly.run(reps=30, facts=1_500, runs=1, url=server, keep_facts=False)
    assert result["database"] == "postgresql" and result["results"] == result["rep_rows"] == 30
    assert result["url"] is None  # no workdir: the attempt's database is dropped
    engine = make_engine(server)
    try:
        with engine.connect() as conn:
            left = conn.execute(text("SELECT count(*) FROM pg_database WHERE datname = 'payplan_bench_30_1500'")
                                ).scalar_one()
    finally:
        engine.dispose()
    assert left == 0
