"""Revision 0003_stmt adds `run_results.inputs`; rows stored before it keep NULL and their
statements still print (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, select

from payplan.runs import lifecycle as runs
from payplan.statements.from_run import statement_calculation
from payplan.store.migrate import alembic_config, upgrade
from payplan.store.service_schema import run_results
from tests.service_db import company, db_url, engine, tx  # noqa: F401 - the service database


def test_downgrade_then_upgrade_keeps_runs_printable(db_url, engine, tx, company):
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    engine.dispose()
    command.downgrade(alembic_config(db_url), "0001")
    assert "inputs" not in {c["name"] for c in inspect(engine).get_columns("run_results")}
    engine.dispose()
    upgrade(db_url)
    assert tx(lambda conn: conn.execute(select(run_results.c.inputs)).scalars().all()) == [None] * 4
    assert str(tx(statement_calculation, run.id, "A2").result.total) == "100.00"  # evaluated again, unchanged
