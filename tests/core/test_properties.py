"""Properties of the engine that must hold for every plan and every input."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from payplan.core.engine import evaluate
from payplan.core.inputs import Deal
from payplan.evaluation.report import result_dict
from tests.core.strategies import (
    MONEY,
    commission_plans,
    deals,
    metric_values,
    rep_inputs,
    scorecard_plans,
)

ZERO = Decimal(0)


def _encode(result) -> bytes:
    return msgspec.json.encode(result_dict(result))


@given(commission_plans(), deals())
def test_lines_sum_to_total_and_components(plan, deal_list):
    result = evaluate(plan, rep_inputs(deal_list))
    assert sum((ln.amount for ln in result.lines), ZERO) == result.total
    assert sum((c.amount for c in result.components), ZERO) == result.total
    for ln in result.lines:  # every printed line is already in cents
        assert ln.amount == ln.amount.quantize(Decimal("0.01"))


@given(commission_plans(), deals())
def test_same_inputs_same_bytes(plan, deal_list):
    first = _encode(evaluate(plan, rep_inputs(deal_list)))
    second = _encode(evaluate(plan, rep_inputs(deal_list)))
    assert first == second


@given(commission_plans(cap=MONEY), deals())
def test_cap_is_never_exceeded(plan, deal_list):
    result = evaluate(plan, rep_inputs(deal_list))
    cap = plan.components[0].cap
    assert result.components[0].amount <= cap


@settings(max_examples=150)
@given(commission_plans(cap=st.none()), deals(max_size=6), MONEY)
def test_one_more_deal_never_lowers_commission(plan, deal_list, extra):
    before = evaluate(plan, rep_inputs(deal_list)).total
    more = (*deal_list, Deal("Z999", "won", extra, Decimal(0), closed_at=deal_list[-1].closed_at if deal_list else None))
    after = evaluate(plan, rep_inputs(more)).total
    # Per-line rounding may move a total by at most half a cent per line.
    assert after >= before - Decimal("0.005") * len(more)


@settings(max_examples=150)
@given(scorecard_plans(), st.lists(st.integers(0, 200), min_size=4, max_size=4), st.integers(0, 3), st.integers(1, 50))
def test_more_of_a_metric_never_lowers_bonus(plan, values, which, extra):
    names = ["demos", "calls", "meetings", "revenue"]
    base = {n: Decimal(v) for n, v in zip(names, values)}
    more = dict(base)
    more[names[which]] += extra
    low = evaluate(plan, rep_inputs(metrics=metric_values(base))).total
    high = evaluate(plan, rep_inputs(metrics=metric_values(more))).total
    assert high >= low


@given(scorecard_plans(), st.lists(st.integers(0, 500), min_size=4, max_size=4))
def test_payout_cap_is_never_exceeded(plan, values):
    names = ["demos", "calls", "meetings", "revenue"]
    card = plan.components[0]
    result = evaluate(plan, rep_inputs(metrics=metric_values({n: Decimal(v) for n, v in zip(names, values)})))
    limit = (card.target_incentive * card.payout_cap).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert result.total <= limit


@given(st.lists(st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2), min_size=1, max_size=6))
def test_weights_not_summing_to_one_are_rejected(weights):
    from payplan.core.lint import check_plan
    from tests.core.strategies import _plan

    kpis = [{"id": f"k{i}", "metric": "demos", "weight": str(w), "target": "10", "why": "x"}
            for i, w in enumerate(weights)]
    plan = _plan([{"kind": "scorecard", "id": "bonus", "target_incentive": "1000", "kpis": kpis}], "half_up")
    codes = {i.code for i in check_plan(plan) if i.severity == "error"}
    assert ("weights-sum" in codes) == (sum(weights, Decimal(0)) != 1)
