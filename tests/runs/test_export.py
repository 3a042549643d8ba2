"""Payroll export of an approved run: per rep, per line and the GL journal, checked by hand.

The service test plan pays 10% commission on revenue with a recoverable 100 USD guarantee.
March 2026: A1 closes 2,000 (commission 200), A2 500 (50, topped up by 50), A3 1,500 (150),
B1 nothing (guarantee 100): 550 in all, 400 commission and 150 draw.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import msgspec
import pytest
from sqlalchemy import update

from payplan.errors import Conflict
from payplan.runs import export
from payplan.runs import lifecycle as runs
from payplan.store.schema import reps

D = Decimal
HOSTILE = "=HYPERLINK(\"http://x\",\"pay\")"


@pytest.fixture
def approved(tx, company):
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    tx(runs.submit, run.id, company.fin1)
    return tx(runs.approve, run.id, company.fin2)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_rep_with_a_column_per_component(tx, approved) -> None:
    exported = tx(export.payroll, approved)
    rows = _rows(export.payroll_csv(exported))
    assert [r["rep_id"] for r in rows] == ["A1", "A2", "A3", "B1"]
    by_rep = {r["rep_id"]: (r["total"], r["commission"], r["draw"]) for r in rows}
    assert by_rep == {"A1": ("200.00", "200.00", "0.00"), "A2": ("100.00", "50.00", "50.00"),
                      "A3": ("150.00", "150.00", "0.00"), "B1": ("100.00", "0.00", "100.00")}
    assert sum(D(r["total"]) for r in rows) == D("550.00") == tx(runs.run_totals, approved.id)[1]
    assert {r["period"] for r in rows} == {"2026-03"} and {r["currency"] for r in rows} == {"USD"}


def test_the_long_form_adds_up_to_each_rep_total(tx, approved) -> None:
    exported = tx(export.payroll, approved)
    lines = _rows(export.lines_csv(exported))
    totals: dict[str, D] = {}
    for line in lines:
        totals[line["rep_id"]] = totals.get(line["rep_id"], D(0)) + D(line["amount"])
    assert totals == {"A1": D("200.00"), "A2": D("100.00"), "A3": D("150.00"), "B1": D("100.00")}
    assert {line["deal_id"] for line in lines if line["kind"] == "commission"} == {"D1", "D2", "D3"}


def test_the_journal_balances_and_posts_each_component(tx, approved) -> None:
    entries = _rows(export.journal_csv(tx(export.payroll, approved)))
    assert sum(D(e["debit"]) for e in entries) == sum(D(e["credit"]) for e in entries) == D("550.00")
    debits = {(e["account"], e["memo"].split(": ")[1]): D(e["debit"]) for e in entries if D(e["debit"])}
    assert debits == {("Commission expense", "commission"): D("400.00"), ("Commission expense", "draw"): D("150.00")}
    assert {e["date"] for e in entries} == {"2026-03-31"} and {e["reference"] for e in entries} == {"payplan-run-1"}


def test_a_capitalised_commission_goes_to_the_asset_and_its_first_month_is_expensed() -> None:
    from payplan.core.plan import Plan

    plan = msgspec.convert({"id": "p", "version": 1, "name": "P", "effective_from": "2026-01-01", "period": "month",
                            "currency": "USD", "accounting": {"amortize_months": 4, "asset_account": "1450 CCC"},
                            "components": [{"kind": "commission", "id": "c", "rate": "0.1"},
                                           {"kind": "fixed", "id": "base", "amount": "10"}]}, Plan)
    run = runs.RunRow(7, 1, "p", 1, "h", 1, "2026-03", "regular", None, "approved", 1, "", None, None, None, None,
                      None, None, None, None, None, 1)
    entries = export.journal(plan, {"c": D("400.00"), "base": D("10.00"), "clawback": D("-30.00")}, D("100.00"), run)
    posted = {(e.account, e.debit, e.credit) for e in entries}
    assert posted == {("1450 CCC", D("400.00"), D(0)), ("Accrued commissions", D(0), D("400.00")),
                      ("Commission expense", D("10.00"), D(0)), ("Accrued commissions", D(0), D("10.00")),
                      # a clawback posts the other way round
                      ("Accrued commissions", D("30.00"), D(0)), ("Commission expense", D(0), D("30.00")),
                      ("Amortisation of contract costs", D("100.00"), D(0)), ("1450 CCC", D(0), D("100.00"))}
    assert sum(e.debit for e in entries) == sum(e.credit for e in entries)


def test_a_negative_total_carried_forward_is_a_component_of_the_journal() -> None:
    """A rep's month: commission 200.00, clawback −500.00, carried forward +300.00 (pays 0.00).
    The journal posts each like any component and nets to what is paid: nothing."""
    from payplan.core.plan import Plan

    plan = msgspec.convert({"id": "p", "version": 1, "name": "P", "effective_from": "2026-01-01", "period": "month",
                            "currency": "USD", "components": [{"kind": "commission", "id": "c", "rate": "0.1"}]},
                           Plan)
    run = runs.RunRow(7, 1, "p", 1, "h", 1, "2026-03", "regular", None, "approved", 1, "", None, None, None, None,
                      None, None, None, None, None, 1)
    sums = {"c": D("200.00"), "clawback": D("-500.00"), "negative_balance": D("300.00")}
    entries = export.journal(plan, sums, D(0), run)
    by_memo = {(e.memo.split(": ")[1], e.account): e.debit - e.credit for e in entries}
    assert by_memo == {("c", "Commission expense"): D("200.00"), ("c", "Accrued commissions"): D("-200.00"),
                       ("clawback", "Commission expense"): D("-500.00"), ("clawback", "Accrued commissions"): D("500.00"),
                       ("negative_balance", "Commission expense"): D("300.00"),
                       ("negative_balance", "Accrued commissions"): D("-300.00")}
    liability = sum((e.credit - e.debit for e in entries if e.account == "Accrued commissions"), D(0))
    assert liability == D("0.00") == sum(sums.values(), D(0))


def test_formula_like_names_come_out_inert(tx, approved) -> None:
    tx(lambda conn: conn.execute(update(reps).where(reps.c.id == "A1").values(name=HOSTILE)))
    tx(lambda conn: conn.execute(update(reps).where(reps.c.id == "A2").values(name="+1-2", payroll_id="@SUM(A1)")))
    rows = _rows(export.payroll_csv(tx(export.payroll, approved)))
    assert rows[0]["name"] == "'" + HOSTILE and rows[1]["name"] == "'+1-2" and rows[1]["payroll_id"] == "'@SUM(A1)"
    assert not any(value.startswith(("=", "+", "@")) for row in rows for value in row.values())
    assert export.cell(D("-12.50")) == "-12.50"  # amounts stay numbers, a minus sign included


def test_a_draft_run_cannot_be_exported(tx, company) -> None:
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    with pytest.raises(Conflict, match="only an approved or paid run"):
        tx(export.payroll, run)
