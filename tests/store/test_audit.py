"""The audit log is hash-chained: it verifies, then names an edited, a deleted or a reordered row."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from payplan.runs import lifecycle as runs
from payplan.store import audit
from payplan.store.service_schema import audit_log
from tests.service_db import company, db_url, engine, tx  # noqa: F401 - the service database, not the fact store


def _chain(tx, company):
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    tx(runs.submit, run.id, company.fin1)
    tx(runs.approve, run.id, company.fin2)
    return tx(audit.entries)


def test_every_change_is_recorded_and_the_chain_verifies(tx, company):
    rows = _chain(tx, company)
    actions = [r["action"] for r in reversed(rows)]
    assert actions[0] == "user.add" and "facts.import" in actions and "plan.publish" in actions
    assert actions[-3:] == ["run.create", "run.submit", "run.approve"]
    assert rows[0]["actor"] == "fin2" and rows[0]["object"].startswith("run ")
    assert tx(audit.verify) == []


def test_an_edited_row_is_detected(tx, company):
    rows = _chain(tx, company)
    target = rows[2]["id"]
    tx(lambda conn: conn.execute(update(audit_log).where(audit_log.c.id == target).values(actor="mallory")))
    assert tx(audit.verify) == [f"audit row {target}: its content does not match its hash (the row was edited)"]


def test_a_deleted_row_is_detected(tx, company):
    rows = _chain(tx, company)
    target = rows[3]["id"]
    tx(lambda conn: conn.execute(delete(audit_log).where(audit_log.c.id == target)))
    problems = tx(audit.verify)
    assert len(problems) == 1 and f"does not follow row {target - 1}" in problems[0]


def test_reordered_rows_are_detected(tx, company):
    _chain(tx, company)
    first, second = tx(lambda conn: list(conn.execute(select(audit_log).order_by(audit_log.c.id).limit(2)).mappings()))

    def swap(conn):
        for row, other in ((first, second), (second, first)):
            values = {k: other[k] for k in ("at", "actor", "action", "object", "detail")}
            conn.execute(update(audit_log).where(audit_log.c.id == row["id"]).values(**values))
    tx(swap)
    assert "audit row 1" in tx(audit.verify)[0]
