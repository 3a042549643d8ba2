"""Behaviours found wrong in review and fixed; each figure computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from payplan.core.engine import evaluate
from payplan.core.inputs import Deal, MetricValue, Rep, RepInputs, TeamMember
from tests.core.test_commission import commission, deals, plan, tiers


def _rep(hired=date(2020, 1, 1)) -> Rep:
    return Rep("r1", "Rep One", hired_on=hired)


def test_icr_keeps_its_rate_for_a_partial_period():
    # Hired 16 March: quota and target incentive are both prorated 16/31, so the rate stays 10%.
    p = plan(commission(target_incentive="25000", quota="250000"))
    result = evaluate(p, RepInputs(_rep(date(2026, 3, 16)), "2026-03", deals=deals("10000")))
    assert result.trace.find("c.rate").value == D("0.1")
    assert result.total == D("1000.00")


def _card(**kpi) -> dict:
    return {"kind": "scorecard", "id": "bonus", "target_incentive": "1000",
            "kpis": [{"id": "k", "weight": "1", **kpi}]}


def _score(p, metric, value):
    return evaluate(p, RepInputs(_rep(), "2026-03", metrics={metric: MetricValue(D(value), 1)}))


def test_below_threshold_is_zero_even_with_a_floor():
    # 5 / 10 = 50% < threshold 80% → 0; the floor of 50% must not raise it again.
    p = plan(_card(metric="demos", target="10", threshold="0.8", floor="0.5"))
    assert _score(p, "demos", "5").total == D("0.00")
    assert _score(p, "demos", "8").total == D("800.00")


def test_zero_actual_on_lower_is_better_is_the_best_result():
    # 0 days of cycle vs target 30 with target/actual: the KPI cap (150%), not 0.
    p = plan(_card(metric="cycle_days_median", target="30", better="lower", cap="1.5"))
    assert _score(p, "cycle_days_median", "0").total == D("1500.00")
    assert _score(p, "cycle_days_median", "20").total == D("1500.00")  # 30/20 = 150%
    assert _score(p, "cycle_days_median", "40").total == D("750.00")   # 30/40 = 75%


def test_margin_rate_below_every_tier_earns_nothing():
    # Margin rate 10% is below the first tier (from 20%): 0, not the first tier's 5%.
    c = commission(base="margin", tiers_on="margin_rate",
                   tiers=tiers(("0.2", "0.4", "0.05", "marginal"), ("0.4", None, "0.1", "marginal")))
    result = evaluate(plan(c), RepInputs(_rep(), "2026-03", deals=deals("1000", cost=("900",))))
    assert result.total == D("0.00")


def test_attainment_tiers_above_quota_keep_their_meaning():
    # Quota 100; 150 won → excess 50. Tier "from 1.0 to 1.2" = first 20 of excess at 10% = 2.00,
    # "from 1.2" = next 30 at 20% = 6.00; total 8.00.
    c = commission(quota="100", above_quota=True, tiers_on="attainment",
                   tiers=tiers(("1.0", "1.2", "0.1", "marginal"), ("1.2", None, "0.2", "marginal")))
    result = evaluate(plan(c), RepInputs(_rep(), "2026-03", deals=deals("150")))
    assert result.total == D("8.00")


def test_override_gated_on_team_attainment_without_a_quota_reports_an_error():
    o = {"kind": "override", "id": "o", "rate": "0.03", "min_attainment": "0.8"}
    team = (TeamMember(Rep("a"), (Deal("D1", "won", D(1000), closed_at=date(2026, 3, 2)),)),)
    result = evaluate(plan(o), RepInputs(_rep(), "2026-03", team=team))
    assert result.total == D("0.00")
    assert [i.code for i in result.issues if i.severity == "error"] == ["no-quota"]
