"""Rounding scope (issue #15): each line, each component or only the total is rounded,
and the printed lines still add up (`payplan.core.rounding`)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from types import SimpleNamespace

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from payplan.core.engine import evaluate
from payplan.core.plan import Plan, Rounding
from payplan.core.result import Line
from payplan.core.rounding import round_scoped
from tests.core.strategies import commission_plans, deals, metric_values, rep_inputs

D = Decimal
CENT = D("0.01")
EXACT = st.decimals(min_value=D("-100000"), max_value=D("100000"), places=4)


def _ctx(scope: str, mode: str) -> SimpleNamespace:
    return SimpleNamespace(plan=SimpleNamespace(rounding=SimpleNamespace(scope=scope)), money_quantum=CENT,
                           money_mode=mode, exact_sum=D(0))


@given(st.lists(EXACT, min_size=1, max_size=12), st.sampled_from([ROUND_HALF_UP, ROUND_HALF_EVEN]))
def test_component_scope_prints_lines_that_add_up_to_the_rounded_component(amounts, mode):
    lines = [Line("c", "bonus", "x", amount) for amount in amounts]
    printed = round_scoped(lines, _ctx("component", mode))
    exact = sum(amounts, D(0))
    assert sum((ln.amount for ln in printed), D(0)) == exact.quantize(CENT, rounding=mode)
    for line, amount in zip(printed, amounts):
        assert line.amount == line.amount.quantize(CENT)  # printed in cents
        # each moved by less than a cent; by a whole cent at most under half-even, whose ties at
        # the running sum's half cents go down then up (0.005, 0.01 print 0.00, 0.02)
        assert abs(line.amount - amount) < CENT if mode == ROUND_HALF_UP else abs(line.amount - amount) <= CENT


@given(commission_plans(), deals())
def test_component_scope_in_the_engine_rounds_each_component_once(plan, deal_list):
    """The reference: the same plan with lines to 12 places (exact for a base in cents × a
    rate of 3 places), summed per component and rounded once to the cent by the plan's mode."""
    scoped = evaluate(msgspec.structs.replace(plan, rounding=Rounding(mode=plan.rounding.mode, scope="component")),
                      rep_inputs(deal_list))
    exact = evaluate(msgspec.structs.replace(plan, rounding=Rounding(mode=plan.rounding.mode, places=12)),
                     rep_inputs(deal_list))
    mode = ROUND_HALF_UP if plan.rounding.mode == "half_up" else ROUND_HALF_EVEN
    for mine, reference in zip(scoped.components, exact.components):
        assert mine.amount == reference.amount.quantize(CENT, rounding=mode)
        assert sum((ln.amount for ln in scoped.lines if ln.component == mine.id), D(0)) == mine.amount
    assert sum((ln.amount for ln in scoped.lines), D(0)) == scoped.total


def _plan(scope: str, components: list[dict]) -> Plan:
    return msgspec.convert({"id": "p", "version": 1, "name": "P", "effective_from": date(2026, 1, 1),
                            "period": "month", "currency": "USD", "rounding": {"scope": scope},
                            "components": components}, Plan, strict=False)


GATED = {"kind": "scorecard", "id": "bonus", "target_incentive": "1000",
         "kpis": [{"id": "revenue", "metric": "revenue", "weight": "1", "target": "100000"}],
         "gates": [{"kpi_min": "0.5", "factor": "0.5"}]}


def _revenue(value: str):
    return rep_inputs(metrics=metric_values({"revenue": D(value)}))


def test_a_gated_bonus_is_rounded_twice_per_line_and_once_per_component():
    """1000 × 1000.50 / 100000 = 10.005, halved by the gate: exactly 5.0025, which is 5.00.
    Per line: round(10.005) = 10.01 and round(−5.0025) = −5.00, paying 5.01. Per component:
    10.01, then round(5.0025) − 10.01 = −5.01, paying 5.00."""
    per_line = evaluate(_plan("line", [GATED]), _revenue("1000.50"))
    assert [ln.amount for ln in per_line.lines] == [D("10.01"), D("-5.00")] and per_line.total == D("5.01")
    per_component = evaluate(_plan("component", [GATED]), _revenue("1000.50"))
    assert [ln.amount for ln in per_component.lines] == [D("10.01"), D("-5.01")]
    assert per_component.total == D("5.00")


def test_total_scope_rounds_only_the_statement():
    """Two fixed amounts of 10.005: per line or per component each is 10.01 (20.02);
    only the total rounded: 20.01, printed 10.01 then round(20.01) − round(10.005) = 10.00."""
    fixed = [{"kind": "fixed", "id": "a", "amount": "10.005"}, {"kind": "fixed", "id": "b", "amount": "10.005"}]
    assert evaluate(_plan("line", fixed), rep_inputs()).total == D("20.02")
    assert evaluate(_plan("component", fixed), rep_inputs()).total == D("20.02")
    total = evaluate(_plan("total", fixed), rep_inputs())
    assert [ln.amount for ln in total.lines] == [D("10.01"), D("10.00")] and total.total == D("20.01")
    assert [c.amount for c in total.components] == [D("10.01"), D("10.00")]


def test_line_scope_is_the_default():
    assert Rounding().scope == "line"


def test_half_even_ties_of_the_running_sum_move_a_line_by_one_cent_at_most():
    """The case hypothesis found: the running sum meets two half cents; the lines still add up."""
    for mode, expected in ((ROUND_HALF_EVEN, [D("0.00"), D("0.02")]), (ROUND_HALF_UP, [D("0.01"), D("0.01")])):
        printed = round_scoped([Line("c", "bonus", "x", D("0.005")), Line("c", "bonus", "x", D("0.01"))],
                               _ctx("component", mode))
        assert [ln.amount for ln in printed] == expected and sum(ln.amount for ln in printed) == D("0.02")
