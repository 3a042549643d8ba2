"""Statements of a run render from what the run stored: after late facts, for adjustment runs,
byte for byte the same, one rep's row at a time (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from decimal import Decimal

import msgspec
import pytest
from pypdf import PdfReader
from sqlalchemy import event, update

from payplan.errors import Conflict
from payplan.facts.audited import import_directory
from payplan.runs import adjustments
from payplan.runs import lifecycle as runs
from payplan.statements import from_run
from payplan.statements.calculation import decode, encode
from payplan.statements.from_run import run_calculations, statement_calculation
from payplan.statements.verify import recompute, verify_pdf
from payplan.store.service_schema import run_results
from tests.service_db import DATA, company, db_url, engine, tx  # noqa: F401 - fixtures

from .conftest import approve

# Hand-checked (tests/data/service/plan.toml: 10% of won revenue, a 100 USD recoverable
# guarantee). March as approved; the late deal D5 (A2, 1000 USD won in March) then makes
# A2's commission 150 and leaves no draw: the adjustment pays +100 commission, −50 draw.
MARCH = {"A1": Decimal("200.00"), "A2": Decimal("100.00"), "A3": Decimal("150.00"), "B1": Decimal("100.00")}
A2_LINES = [("commission", Decimal("50.00"), Decimal("150.00"), Decimal("100.00")),
            ("draw", Decimal("50.00"), Decimal("0.00"), Decimal("-50.00"))]


@pytest.fixture
def corrected(tx, company):
    """March approved, the late deal imported, its adjustment run approved: (march, adjustment)."""
    c = company
    march = approve(tx, c, tx(runs.create_run, "svc@1", "2026-03", c.fin1).id)
    tx(import_directory, DATA / "late", c.admin)
    adj = tx(adjustments.create_adjustment, march.id, c.fin1)
    return march, approve(tx, c, adj.id)


def test_statements_render_and_verify_after_late_facts_and_adjustment(tx, corrected, renderer):
    march, adj = corrected
    calcs = tx(run_calculations, march.id)
    assert {c.result.rep_id: c.result.total for c in calcs} == MARCH  # as approved, not as the facts are now
    for calc in calcs:
        verdict = verify_pdf(renderer.statement(calc, "en"))
        assert verdict.ok, verdict.differences
    (a2,) = tx(run_calculations, adj.id)
    assert a2.result.total == Decimal("50.00") and a2.adjustment.adjusts_run == march.id
    assert [(ln.component, ln.before, ln.now, ln.difference) for ln in a2.adjustment.lines] == A2_LINES
    pdf = renderer.statement(a2, "en")
    verdict = verify_pdf(pdf)
    assert verdict.ok and verdict.total == Decimal("50.00"), verdict.differences
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert f"Correction of run #{march.id}" in text and "150.00" in text and "-50.00" in text.replace("−", "-")


def test_verify_refuses_a_wrong_adjustment_line(tx, corrected):
    _, adj = corrected
    calc = tx(statement_calculation, adj.id, "A2")
    assert recompute(decode(encode(calc))) == []
    first = calc.adjustment.lines[0]
    wrong = msgspec.structs.replace(first, now=first.now + 1, difference=first.difference + 1)
    forged = msgspec.structs.replace(calc, adjustment=msgspec.structs.replace(
        calc.adjustment, lines=(wrong, *calc.adjustment.lines[1:])))
    problems = [str(p) for p in recompute(decode(encode(forged)))]
    assert any("due now printed 151.00, re-computed 150.00" in p for p in problems), problems
    assert any("pays 100.00, its difference is 101.00" in p for p in problems), problems


def test_a_statement_is_the_same_bytes_every_time(tx, corrected, renderer):
    march, adj = corrected
    for run_id, rep in ((march.id, "A2"), (adj.id, "A2")):
        first = renderer.statement(tx(statement_calculation, run_id, rep), "en")
        assert renderer.statement(tx(statement_calculation, run_id, rep), "en") == first
    info = PdfReader(io.BytesIO(first)).metadata
    stamp = adj.approved_at  # e.g. 2026-12-03T10:11:12.123456Z → D:20261203101112Z
    assert info["/CreationDate"].startswith("D:" + stamp[:19].replace("-", "").replace("T", "").replace(":", ""))
    assert info["/ModDate"] == info["/CreationDate"]


def test_a_statement_is_the_same_bytes_from_two_processes(db_url, corrected, tmp_path):
    march, _ = corrected
    env = {**os.environ, "PAYPLAN_DATABASE_URL": db_url}
    outputs = []
    for n in (1, 2):
        out = tmp_path / f"a1-{n}.pdf"
        done = subprocess.run([sys.executable, "-m", "payplan.cli", "statement", "--run", str(march.id),
                               "--rep", "A1", "-o", str(out)], env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and verify_pdf(outputs[0]).ok


def test_one_reps_statement_does_not_evaluate_or_load_other_reps(tx, engine, corrected, monkeypatch):
    march, adj = corrected
    calls = []
    for target in ("evaluate_period", "starting_states", "calculate"):
        monkeypatch.setattr(from_run, target, lambda *a, _t=target, **k: calls.append(_t))
    from payplan.evaluation import pipeline

    for target in ("load_inputs", "evaluate"):  # the names the pipeline's scoring calls
        monkeypatch.setattr(pipeline, target, lambda *a, _t=target, **k: calls.append(_t))
    reads = []

    @event.listens_for(engine, "before_cursor_execute")
    def seen(conn, cursor, statement, parameters, context, executemany):
        if "run_results" in statement:
            reads.append((statement, repr(parameters)))

    try:
        for run_id in (march.id, adj.id):
            assert tx(statement_calculation, run_id, "A1" if run_id == march.id else "A2").result.total
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert calls == []
    assert reads and all("rep_id" in sql for sql, _ in reads)  # every read of results names the rep
    assert all("'A3'" not in params and "'B1'" not in params for _, params in reads)


def test_runs_stored_before_inputs_were_kept(tx, company, corrected):
    """A run without stored inputs: printed while its facts are unchanged, else a Conflict naming it."""
    c = company
    march, adj = corrected
    april = tx(runs.create_run, "svc@1", "2026-04", c.fin1)
    for run in (april, march, adj):
        tx(lambda conn, r=run: conn.execute(update(run_results).where(run_results.c.run_id == r.id).values(inputs=None)))
    assert tx(statement_calculation, april.id, "A1").result.total == Decimal("100.00")  # facts unchanged
    with pytest.raises(Conflict, match=f"run {march.id} was stored before runs kept their inputs"):
        tx(statement_calculation, march.id, "A1")  # the late deal changed March's facts
    with pytest.raises(Conflict, match=f"adjustment run {adj.id} was stored before"):
        tx(statement_calculation, adj.id, "A2")


def test_a_drafts_statement_is_dated_by_the_runs_creation(tx, company, renderer):
    draft = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    pdf = renderer.statement(tx(statement_calculation, draft.id, "A1"), "en")
    stamp = draft.created_at[:19].replace("-", "").replace("T", "").replace(":", "")
    assert PdfReader(io.BytesIO(pdf)).metadata["/CreationDate"].startswith(f"D:{stamp}")
    assert verify_pdf(pdf).ok
