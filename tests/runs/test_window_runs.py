"""A window scorecard through pay runs: March's approved run stores the window's totals, and
April's run, starting from them, pays what the rules in words say (and what replaying March
gives). The service facts: March won A1 2,000, A2 500, A3 1,500; April A2 3,000; B1 nothing.

Plan win@1: a bonus of 1,000 per window of two months from March (March–April), revenue
against 1,000 a month summed, paid at the window's end. March holds everything (0.00). April:
A1 2,000 / 2,000 = 100% → 1,000.00; A2 3,500 / 2,000 = 175% → 1,750.00; A3 1,500 / 2,000 =
75% → 750.00; B1 0 → 0.00.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from payplan.core.periods import parse_period
from payplan.plans import versions as plan_store
from payplan.runs import lifecycle as runs
from payplan.runs.evaluation import starting_states
from payplan.runs.views import get_result, list_results
from tests.penalty_plan import plan_text

BONUS = """
[eligibility]
roles = ["AE"]

[[components]]
kind = "scorecard"
id = "bonus"
measure = "window"
window = "periods"
window_periods = 2
pay_on = "window_end"
target_incentive = 1000

[[components.kpis]]
id = "revenue"
metric = "revenue"
weight = 1
target = 1000
why = "Revenue."
"""
PLAN = plan_text("win", 1, "2026-03-01", "", BONUS)
MARCH_REVENUE = {"A1": Decimal(2000), "A2": Decimal(500), "A3": Decimal(1500), "B1": Decimal(0)}
APRIL = {"A1": "1000.00", "A2": "1750.00", "A3": "750.00", "B1": "0.00"}


def _totals(tx, run_id, viewer) -> dict[str, str]:
    return {r.rep_id: str(r.total) for r in tx(list_results, run_id, viewer)}


def test_a_window_scorecard_carries_its_window_from_an_approved_run(tx, company):
    c = company
    tx(plan_store.publish, PLAN, "win.toml", c.hr1)
    plan = tx(lambda conn: plan_store.load(conn, plan_store.get_plan(conn, "win@1")))
    replayed = tx(starting_states, plan, parse_period("2026-04"))  # no approved March run yet
    assert {rep: s.windows["bonus"].kpis["revenue"].value for rep, s in replayed.items()} == MARCH_REVENUE
    march = tx(runs.create_run, "win@1", "2026-03", c.fin1)
    assert set(_totals(tx, march.id, c.fin1).values()) == {"0.00"}  # held to the window's end
    tx(runs.submit, march.id, c.fin1)
    tx(runs.approve, march.id, c.fin2)
    stored = msgspec.json.decode(tx(get_result, march.id, "A2", c.fin1).result)["state"]["windows"]["bonus"]
    assert (stored["window"], stored["kpis"]["revenue"]["value"]) == ("2026-03..2026-04", "500.00")
    april = tx(runs.create_run, "win@1", "2026-04", c.fin1)
    assert _totals(tx, april.id, c.fin1) == APRIL
