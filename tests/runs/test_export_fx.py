"""Payroll export of a run on a plan that converts currencies (EX-fx-period-average): every amount is in
the pay currency (UAH) and the exports add up to the run's total.

By hand (the example's note): deals in USD and EUR at the mean of March's rates, paid 5%:
D1 49,765.84 → 2,488.29; D2 38,553.45 → 1,927.67; D3 (UAH) 10,000.00 → 500.00; D4 13,823.71 → 691.19;
5,607.15 UAH in all (unconverted, the same deals would pay about a ninth of that).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from payplan.access.users import add_user, get_user
from payplan.facts.audited import import_directory
from payplan.plans import versions as plan_store
from payplan.runs import export
from payplan.runs import lifecycle as runs

D = Decimal
EXAMPLE = Path(__file__).parents[1] / "examples" / "EX-fx-period-average"
LINES = {"D1": D("2488.29"), "D2": D("1927.67"), "D3": D("500.00"), "D4": D("691.19")}


@pytest.fixture
def approved(tx):
    tx(add_user, "admin", "admin", password="admin-pass-2026")
    tx(import_directory, EXAMPLE / "facts", tx(get_user, "admin"))
    for name, role in (("fin1", "finance"), ("fin2", "finance"), ("hr1", "hr")):
        tx(add_user, name, role, None)
    plan = tx(plan_store.publish, (EXAMPLE / "plan.toml").read_text(), "plan.toml", tx(get_user, "hr1"))
    run = tx(runs.create_run, f"{plan.plan_id}@{plan.version}", "2026-03", tx(get_user, "fin1"))
    tx(runs.submit, run.id, tx(get_user, "fin1"))
    return tx(runs.approve, run.id, tx(get_user, "fin2"))


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_of_an_fx_run_is_in_the_pay_currency_and_adds_up(tx, approved) -> None:
    exported = tx(export.payroll, approved)
    run_total = tx(runs.run_totals, approved.id)[1]
    assert run_total == sum(LINES.values()) == D("5607.15")
    (rep,) = _rows(export.payroll_csv(exported))
    assert (rep["rep_id"], rep["currency"], D(rep["total"]), D(rep["commission"])) == ("r1", "UAH", run_total, run_total)
    lines = _rows(export.lines_csv(exported))
    assert {line["currency"] for line in lines} == {"UAH"}
    assert {line["deal_id"]: D(line["amount"]) for line in lines if line["deal_id"]} == LINES
    assert sum(D(line["amount"]) for line in lines) == run_total
    journal = _rows(export.journal_csv(exported))
    assert {e["currency"] for e in journal} == {"UAH"}
    assert sum(D(e["debit"]) for e in journal) == sum(D(e["credit"]) for e in journal) == run_total
    document = msgspec.json.decode(export.payroll_json(exported))
    assert document["currency"] == "UAH" and D(document["total"]) == run_total
    assert {r["currency"] for r in document["reps"] + document["lines"]} == {"UAH"}
