"""Run lifecycle on a small fact set with hand-checked totals, segregation of duties,
immutability after approval, carried state, adjustments and idempotency."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest

from payplan.core.periods import parse_period
from payplan.errors import Conflict, Forbidden, Invalid, NotFound
from payplan.evaluation.pipeline import evaluate_periods
from payplan.facts.audited import import_directory
from payplan.plans.versions import load
from payplan.runs import adjustments
from payplan.runs import lifecycle as runs
from payplan.runs.recompute import recompute
from payplan.runs.views import list_results

from .conftest import DATA

# 10% of won revenue, topped up to a 100 USD recoverable guarantee (see data/plan.toml):
MARCH = {"A1": "200.00", "A2": "100.00", "A3": "150.00", "B1": "100.00"}  # A2: 50 earned + 50 draw
APRIL = {"A1": "100.00", "A2": "250.00", "A3": "100.00", "B1": "100.00"}  # A2: 300 − 50 recovered


def totals(tx, run_id, viewer):
    return {r.rep_id: str(r.total) for r in tx(list_results, run_id, viewer)}


def approved_run(tx, c, period="2026-03"):
    run = tx(runs.create_run, "svc@1", period, c.fin1)
    tx(runs.submit, run.id, c.fin1)
    return tx(runs.approve, run.id, c.fin2)


def test_full_lifecycle_with_hand_checked_totals(tx, company):
    c = company
    run = tx(runs.create_run, "svc@1", "2026-03", c.fin1)
    assert (run.state, run.kind, run.plan_ref, run.revision) == ("draft", "regular", "svc@1", 1)
    assert totals(tx, run.id, c.admin) == MARCH
    assert tx(runs.run_totals, run.id) == (4, Decimal("550.00"))
    assert tx(runs.submit, run.id, c.fin1).state == "submitted"
    approved = tx(runs.approve, run.id, c.fin2)
    assert (approved.state, approved.approved_by, approved.revision) == ("approved", c.fin2.id, 3)
    assert len(approved.inputs_hash) == len(approved.outputs_hash) == 64
    paid = tx(runs.pay, run.id, c.fin1)
    assert paid.state == "paid" and paid.paid_by == c.fin1.id


def test_stored_result_is_the_report_encoding(tx, company):
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    from payplan.runs.views import get_result

    doc = msgspec.json.decode(tx(get_result, run.id, "A2", company.fin1).result)
    assert doc["total"] == "100.00" and doc["period"] == "2026-03"
    assert {ln["kind"]: ln["amount"] for ln in doc["lines"]} == {"commission": "50.00", "draw": "50.00"}
    assert doc["state"]["draw_balance"] == "50.00" or Decimal(doc["state"]["draw_balance"]) == 50
    assert doc["trace"]["key"]


def test_run_matches_the_pipeline(tx, company):
    run = tx(runs.create_run, "svc@1", "2026-04", company.fin1)
    plan = tx(load, company.plan)
    results, _ = tx(lambda conn: evaluate_periods(plan, conn, [parse_period("2026-04")]))
    assert totals(tx, run.id, company.fin1) == {r.rep_id: str(r.total) for r in results} == APRIL


def test_segregation_of_duties(tx, company):
    c = company
    run = tx(runs.create_run, "svc@1", "2026-03", c.fin1)
    tx(runs.submit, run.id, c.fin1)
    with pytest.raises(Forbidden, match="submitted"):
        tx(runs.approve, run.id, c.fin1)
    with pytest.raises(Forbidden, match="HR"):
        tx(runs.approve, run.id, c.hr1)
    with pytest.raises(Forbidden):
        tx(runs.approve, run.id, c.maya)
    with pytest.raises(Forbidden):
        tx(runs.create_run, "svc@1", "2026-04", c.ann)
    assert tx(runs.get_run, run.id).state == "submitted"


def test_the_plan_publisher_cannot_approve(tx, company):
    from payplan.plans import versions as plan_store

    c = company
    text = (DATA / "plan.toml").read_text().replace('id = "svc"', 'id = "other"')
    tx(plan_store.publish, text, "other.toml", c.admin)  # the admin authors this plan
    run = tx(runs.create_run, "other@1", "2026-03", c.fin1)
    tx(runs.submit, run.id, c.hr1)
    with pytest.raises(Forbidden, match="published plan other@1"):
        tx(runs.approve, run.id, c.admin)
    assert tx(runs.approve, run.id, c.fin1).state == "approved"


def test_the_importer_of_the_periods_facts_cannot_approve(tx, company):
    """The fixture's admin imported deals.csv, whose deals run from 1 February to 5 April 2026, and
    reps.csv, whose reps (with their salaries and managers) are paid in every period they are employed."""
    c = company
    run = tx(runs.create_run, "svc@1", "2026-03", c.fin1)
    tx(runs.submit, run.id, c.fin1)
    with pytest.raises(Forbidden) as refused:
        tx(runs.approve, run.id, c.admin)
    assert str(refused.value.detail) == (f"admin imported facts of 2026-03 (reps.csv, deals.csv) that run {run.id} pays on, "
                                         "and so cannot approve it; another approver must")
    assert tx(runs.get_run, run.id).state == "submitted"
    assert tx(runs.approve, run.id, c.fin2).state == "approved"


def test_an_approved_run_is_immutable(tx, company):
    c = company
    run = approved_run(tx, c)
    for change in (lambda: tx(recompute, run.id, c.fin1), lambda: tx(runs.submit, run.id, c.fin1),
                   lambda: tx(runs.reject, run.id, c.fin1, "late deal"),
                   lambda: tx(runs.approve, run.id, c.admin)):
        with pytest.raises(Conflict):
            change()
    with pytest.raises(Conflict, match="adjustment"):
        tx(runs.create_run, "svc@1", "2026-03", c.fin1)
    after = tx(runs.get_run, run.id)
    assert (after.state, after.revision, after.outputs_hash) == ("approved", run.revision, run.outputs_hash)


def test_reject_returns_to_draft_and_recompute_sees_new_facts(tx, company):
    c = company
    run = tx(runs.create_run, "svc@1", "2026-03", c.fin1)
    tx(runs.submit, run.id, c.fin1)
    with pytest.raises(Invalid):
        tx(runs.reject, run.id, c.fin2, "  ")
    back = tx(runs.reject, run.id, c.fin2, "missing a deal")
    assert (back.state, back.rejected_reason, back.submitted_by) == ("draft", "missing a deal", None)
    tx(import_directory, DATA / "late", c.admin)
    again = tx(recompute, run.id, c.fin1)
    assert totals(tx, run.id, c.fin1)["A2"] == "150.00"
    assert again.outputs_hash != run.outputs_hash and again.revision == back.revision + 1
    with pytest.raises(Conflict, match="revision"):
        tx(runs.submit, run.id, c.fin1, revision=run.revision)  # a stale revision


def test_state_carries_from_the_approved_run_of_the_previous_period(tx, company):
    c = company
    march = approved_run(tx, c)
    tx(import_directory, DATA / "late", c.admin)  # a late March deal, after approval
    april = tx(runs.create_run, "svc@1", "2026-04", c.fin1)
    # A2 starts April owing the 50 approved in March, not the replayed (corrected) 0
    assert totals(tx, april.id, c.fin1) == APRIL
    assert march.id != april.id


def test_adjustment_pays_only_the_delta(tx, company):
    c = company
    march = approved_run(tx, c)
    with pytest.raises(Invalid, match="nothing to adjust"):
        tx(adjustments.create_adjustment, march.id, c.fin1)
    tx(import_directory, DATA / "late", c.admin)  # D5: A2 won 1000 more in March
    adj = tx(adjustments.create_adjustment, march.id, c.fin1)
    assert (adj.kind, adj.adjusts_run_id, adj.state, adj.period) == ("adjustment", march.id, "draft", "2026-03")
    assert totals(tx, adj.id, c.fin1) == {"A2": "50.00"}  # now 150 commission, no draw: 150 − 100
    from payplan.runs.views import get_result

    doc = msgspec.json.decode(tx(get_result, adj.id, "A2", c.fin1).result)
    assert {ln["component"]: ln["amount"] for ln in doc["lines"]} == {"commission": "100.00", "draw": "-50.00"}
    assert {ln["kind"] for ln in doc["lines"]} == {"adjustment"}
    assert doc["adjusts"] == {"run_id": march.id, "previous_total": "100.00", "recomputed_total": "150.00"}
    with pytest.raises(Conflict, match="not approved yet"):
        tx(adjustments.create_adjustment, march.id, c.fin1)
    assert totals(tx, march.id, c.fin1) == MARCH  # the approved run did not change
    tx(runs.submit, adj.id, c.fin1)
    tx(runs.approve, adj.id, c.fin2)
    april = tx(runs.create_run, "svc@1", "2026-04", c.fin1)
    assert totals(tx, april.id, c.fin1)["A2"] == "300.00"  # the corrected state carried
    with pytest.raises(Invalid, match="nothing to adjust"):
        tx(adjustments.create_adjustment, march.id, c.fin1)


def test_idempotency_key_gives_one_run(tx, company):
    c = company
    first = tx(runs.create_run, "svc@1", "2026-03", c.fin1, idempotency_key="k-1")
    second = tx(runs.create_run, "svc@1", "2026-03", c.fin1, idempotency_key="k-1")
    assert first.id == second.id
    assert len(tx(runs.list_runs)) == 1
    with pytest.raises(Conflict, match="different request"):
        tx(runs.create_run, "svc@1", "2026-04", c.fin1, idempotency_key="k-1")
    with pytest.raises(Conflict, match="already covers"):  # another user's key is another request
        tx(runs.create_run, "svc@1", "2026-03", c.fin2, idempotency_key="k-1")


def test_bad_requests(tx, company):
    c = company
    with pytest.raises(NotFound):
        tx(runs.create_run, "svc@9", "2026-03", c.fin1)
    with pytest.raises(Invalid, match="pays by month"):
        tx(runs.create_run, "svc@1", "2026-Q1", c.fin1)
    with pytest.raises(Invalid, match="not in force"):
        tx(runs.create_run, "svc@1", "2026-01", c.fin1)
    with pytest.raises(NotFound):
        tx(runs.submit, 999, c.fin1)
