"""The finance review of a run, against hand-computed pay of the service test plan.

10% commission on revenue with a recoverable 100 USD guarantee. March 2026 (approved): A1
200, A2 50 + 50 guarantee = 100, A3 150, B1 nothing + 100 guarantee = 100 (550). April: only
A2 sells (D4, 3,000: 300 commission, less the 50 guarantee recovered = 250); A1, A3 and B1
get the 100 guarantee (550).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import insert

from payplan.runs import adjustments
from payplan.runs import lifecycle as runs
from payplan.runs.review import FLAGS, _document_flags, review
from payplan.store.schema import deals

D = Decimal


def _months(tx, company):
    march = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    tx(runs.submit, march.id, company.fin1)
    march = tx(runs.approve, march.id, company.fin2)
    return march, tx(runs.create_run, "svc@1", "2026-04", company.fin1)


def test_a_first_month_has_no_change_and_flags_draws_and_reps_without_facts(tx, company) -> None:
    march, _ = _months(tx, company)
    checked = tx(lambda conn: review(conn, runs.get_run(conn, march.id)))
    assert (checked.total, checked.previous_run_id, checked.previous_total, checked.change) == (D("550.00"), None,
                                                                                              None, None)
    assert {r.rep_id: r.flags for r in checked.reps} == {"A1": (), "A2": ("draw",), "A3": (),
                                                          "B1": ("draw", "no_facts")}
    assert [r.rep_id for r in checked.reps][:2] == ["A2", "B1"]  # flagged first
    assert set(checked.counts) == set(FLAGS) and checked.counts["draw"] == 2 and checked.counts["no_facts"] == 1


def test_the_change_against_the_approved_month_before(tx, company) -> None:
    march, april = _months(tx, company)
    checked = tx(lambda conn: review(conn, runs.get_run(conn, april.id)))
    assert (checked.previous_run_id, checked.total, checked.previous_total, checked.change) == (
        march.id, D("550.00"), D("550.00"), D("0.00"))
    by_rep = {r.rep_id: (r.total, r.previous, r.change, r.flags) for r in checked.reps}
    assert by_rep == {
        "A1": (D("100.00"), D("200.00"), D("-100.00"), ("draw", "no_facts")),  # exactly 0.5×: not below
        "A2": (D("250.00"), D("100.00"), D("150.00"), ("pay_up", "draw")),  # 2.5×
        "A3": (D("100.00"), D("150.00"), D("-50.00"), ("draw", "no_facts")),
        "B1": (D("100.00"), D("100.00"), D("0.00"), ("draw", "no_facts")),
    }


def test_the_thresholds_are_settings(tx, company) -> None:
    _, april = _months(tx, company)
    checked = tx(lambda conn: review(conn, runs.get_run(conn, april.id), up=D(3), down=D("0.7")))
    flags = {r.rep_id: r.flags for r in checked.reps}
    assert "pay_up" not in flags["A2"]  # 2.5× is under 3×
    assert "pay_down" in flags["A3"] and "pay_down" not in flags["B1"]  # 100 < 0.7 × 150; 100 = 1 × 100


def test_a_rep_with_facts_whom_no_run_pays_is_listed(tx, company) -> None:
    _, april = _months(tx, company)
    tx(lambda conn: conn.execute(insert(deals).values(
        id="DM1", rep_id="M1", created_at=date(2026, 4, 1), closed_at=date(2026, 4, 9), status="won",
        amount=D("10.00"), cost=None, currency="USD", product="Core", cancelled_at=None, fields="{}")))
    checked = tx(lambda conn: review(conn, runs.get_run(conn, april.id)))
    manager = next(r for r in checked.reps if r.rep_id == "M1")
    assert (manager.total, manager.flags, manager.name) == (None, ("no_plan",), "Maya Manager")
    assert checked.total == D("550.00")  # a rep nobody pays adds nothing to the run's total


def test_an_adjustment_run_is_not_compared_with_last_period(tx, company) -> None:
    """A1 sells 3,000 in April after April was approved: 300 commission instead of the 100
    guarantee top-up, so the adjustment pays A1 +200; that is no jump against March's 200."""
    _, april = _months(tx, company)
    tx(runs.submit, april.id, company.fin1)
    tx(runs.approve, april.id, company.fin2)
    tx(lambda conn: conn.execute(insert(deals).values(
        id="DA1", rep_id="A1", created_at=date(2026, 4, 1), closed_at=date(2026, 4, 9), status="won",
        amount=D("3000.00"), cost=None, currency="USD", product="Core", cancelled_at=None, fields="{}")))
    adjustment = tx(adjustments.create_adjustment, april.id, company.fin1)
    checked = tx(lambda conn: review(conn, runs.get_run(conn, adjustment.id)))
    assert (checked.previous_run_id, checked.previous_total, checked.change, checked.total) == (
        None, None, None, D("200.00"))
    (a1,) = [r for r in checked.reps if r.total is not None]
    assert (a1.rep_id, a1.total, a1.previous, a1.change) == ("A1", D("200.00"), None, None)
    assert "pay_up" not in a1.flags and "pay_down" not in a1.flags


def test_flags_read_from_a_stored_result() -> None:
    document = {"lines": [{"kind": "gate", "amount": "-700.00"}, {"kind": "statement_cap", "amount": "-10.00"},
                          {"kind": "clawback", "amount": "-5.00"}, {"kind": "recovery", "amount": "-1.00"}],
                "issues": [{"code": "no-data"}], "trace": {"children": [{"key": "proration", "value": "0.5"}]}}
    assert _document_flags(document) == {"gate_cut", "cap_hit", "clawback", "draw", "no_data", "prorated"}
    # a gate that passed (a zero line), the whole period and no issue flag nothing
    quiet = {"lines": [{"kind": "gate", "amount": "0.00"}, {"kind": "bonus", "amount": "5.00"}],
             "trace": {"children": [{"key": "proration", "value": "1"}]}}
    assert _document_flags(quiet) == set()


def test_a_negative_total_carried_forgiven_or_recovered_is_flagged_carried() -> None:
    """The lines of `payplan.core.negative`: a negative total carried forward (+300.00) or
    forgiven, and a negative balance recovered from a later total (−200.00)."""
    for kind, amount in (("carry", "300.00"), ("forgive", "300.00"), ("balance_recovery", "-200.00")):
        document = {"lines": [{"kind": "clawback", "amount": "-500.00"},
                              {"kind": kind, "component": "negative_balance", "amount": amount}]}
        assert _document_flags(document) == {"clawback", "carried"}
    assert "carried" in FLAGS and FLAGS.index("carried") == FLAGS.index("negative") + 1
