"""A negative balance carried from one run into the next, across plan versions, by hand.

Plan neg@1 (March) pays 10% commission on revenue and takes up to 1,000 away with a
KPI on the median sales cycle (target 1 day, mirrored down to a floor of −1: every
rep with a won deal scores −1 × 1,000). Its negative totals are carried (the default).
March: A1 200 − 1,000 = −800, A2 50 − 1,000 = −950, A3 150 − 1,000 = −850: each pays
0.00 and owes that much; B1 has no deal (no data: 0) and owes nothing.
Plan neg@2 (April on) pays the commission only and pays a negative total as it is; the
balances owed under neg@1 are still recovered: A2's D4 (3,000 → 300.00) is all recovered
(950 − 300 = 650 owed), A1 and A3 earn nothing and still owe 800 and 850.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from sqlalchemy import select, update

from payplan.core.periods import parse_period
from payplan.errors import Invalid
from payplan.plans import versions as plan_store
from payplan.runs import adjustments
from payplan.runs import lifecycle as runs
from payplan.runs.evaluation import starting_states
from payplan.runs.review import review
from payplan.runs.views import get_result
from payplan.store.service_schema import run_results
from tests.penalty_plan import PENALTY, plan_text

D = Decimal
COMMISSION = """
[[components]]
kind = "commission"
id = "commission"
rate = 0.10
"""
ONLY_AES = '[eligibility]\nroles = ["AE"]\n'
V1 = plan_text("neg", 1, "2026-03-01", "effective_to = 2026-03-31\n" + ONLY_AES, COMMISSION + PENALTY)
V2 = plan_text("neg", 2, "2026-04-01", 'negative_total = "pay"\n' + ONLY_AES, COMMISSION)


def _approve(tx, c, ref: str, period: str):
    run = tx(runs.create_run, ref, period, c.fin1)
    tx(runs.submit, run.id, c.fin1)
    return tx(runs.approve, run.id, c.fin2)


def _owed(tx, run_id: int, viewer) -> dict[str, tuple[str, str]]:
    """Each rep's (total, negative balance carried out) as the run stored them."""
    out = {}
    for rep_id in ("A1", "A2", "A3", "B1"):
        doc = msgspec.json.decode(tx(get_result, run_id, rep_id, viewer).result)
        out[rep_id] = (doc["total"], doc["state"]["negative_balance"])
    return out


def test_a_balance_carried_by_one_version_is_recovered_under_the_next(tx, company):
    c = company
    tx(plan_store.publish, V1, "neg-v1.toml", c.hr1)
    v1 = tx(lambda conn: plan_store.load(conn, plan_store.get_plan(conn, "neg@1")))
    # no approved March run yet: April's starting states are March replayed
    replayed = tx(starting_states, v1, parse_period("2026-04"))
    assert {rep: s.negative_balance for rep, s in replayed.items()} == {
        "A1": D("800.00"), "A2": D("950.00"), "A3": D("850.00"), "B1": D(0)}
    march = _approve(tx, c, "neg@1", "2026-03")
    assert _owed(tx, march.id, c.fin1) == {"A1": ("0.00", "800.00"), "A2": ("0.00", "950.00"),
                                           "A3": ("0.00", "850.00"), "B1": ("0.00", "0")}
    flags = {r.rep_id: r.flags for r in tx(lambda conn: review(conn, runs.get_run(conn, march.id))).reps}
    assert flags["A1"] == flags["A2"] == flags["A3"] == ("carried",)
    assert flags["B1"] == ("no_data", "no_facts")  # no deal in March: no cycle, nothing carried
    tx(plan_store.publish, V2, "neg-v2.toml", c.hr1)
    april = tx(runs.create_run, "neg@2", "2026-04", c.fin1)
    assert _owed(tx, april.id, c.fin1) == {"A1": ("0.00", "800.00"), "A2": ("0.00", "650.00"),
                                           "A3": ("0.00", "850.00"), "B1": ("0.00", "0")}
    doc = msgspec.json.decode(tx(get_result, april.id, "A2", c.fin1).result)
    assert [(ln["kind"], ln["amount"]) for ln in doc["lines"]] == [("commission", "300.00"),
                                                                    ("balance_recovery", "-300.00")]


def test_an_adjustment_reads_a_state_stored_before_negative_balances_existed(tx, company):
    """Runs stored before this field have states without `negative_balance`: the same
    state as one encoded now with 0 there, so recomputing them adjusts nobody."""
    c = company
    march = _approve(tx, c, "svc@1", "2026-03")

    def strip(conn) -> int:
        rows = conn.execute(select(run_results.c.rep_id, run_results.c.state)
                            .where(run_results.c.run_id == march.id)).all()
        for rep_id, state in rows:
            assert ',"negative_balance":"0"' in state
            conn.execute(update(run_results).where(run_results.c.run_id == march.id, run_results.c.rep_id == rep_id)
                         .values(state=state.replace(',"negative_balance":"0"', "")))
        return len(rows)

    assert tx(strip) == 4
    with pytest.raises(Invalid, match="nothing to adjust"):
        tx(adjustments.create_adjustment, march.id, c.fin1)
