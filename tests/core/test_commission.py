"""Commission through `engine.evaluate`: tiers, straddling deals, retroactive/marginal mixes,
boundary inclusivity, quota offsets, multipliers, gates, caps and declared bases.
Every expected figure is computed by hand in the test's comment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import msgspec

from payplan.core.engine import evaluate
from payplan.core.inputs import Deal, MetricValue, Rep, RepInputs
from payplan.core.plan import Plan


def plan(*components: dict) -> Plan:
    data = {"id": "p", "version": 1, "name": "P", "effective_from": "2026-01-01", "period": "month",
            "currency": "USD", "components": list(components)}
    return msgspec.convert(data, Plan, strict=False)


def commission(**fields) -> dict:
    return {"kind": "commission", "id": "c", **fields}


def tiers(*rows) -> list[dict]:
    """(from, to, rate, mode) rows; to None = open-ended."""
    return [{"from": f, **({"to": t} if t is not None else {}), "rate": r, "mode": m} for f, t, r, m in rows]


def deals(*amounts, cost=("0",), share="1", fields=None) -> tuple[Deal, ...]:
    costs = list(cost) * len(amounts) if len(cost) == 1 else list(cost)
    return tuple(Deal(f"D{i + 1}", "won", D(a), D(costs[i]), closed_at=date(2026, 3, 1 + i), share=D(share),
                      fields=fields or {}) for i, a in enumerate(amounts))


def run(p: Plan, deal_list=(), metrics=None):
    rep = Rep("r1", "Rep One", hired_on=date(2020, 1, 1))
    return evaluate(p, RepInputs(rep, "2026-03", metrics=metrics or {}, deals=tuple(deal_list)))


def amounts(result, kind=None):
    return [ln.amount for ln in result.lines if kind is None or ln.kind == kind]


MARGINAL = tiers(("0", "150000", "0.04", "marginal"), ("150000", "250000", "0.06", "marginal"),
                 ("250000", None, "0.08", "marginal"))


def test_a_deal_straddling_a_tier_edge_is_split_and_shows_its_blended_rate():
    # 145,000 × 4% = 5,800; then 5,000 × 4% + 15,000 × 6% = 200 + 900 = 1,100 → 5.5%.
    result = run(plan(commission(tiers=MARGINAL)), deals("145000", "20000"))
    first, second = result.lines
    assert (first.amount, second.amount, result.total) == (D("5800.00"), D("1100.00"), D("6900.00"))
    assert second.rate == D("0.055")
    assert [(s.tier, s.amount, s.rate, s.mode) for s in second.slices] == [
        (0, D(5000), D("0.04"), "marginal"), (1, D(15000), D("0.06"), "marginal")]


def test_a_deal_crossing_two_edges_has_three_slices():
    # 100,000 + 200,000: the second deal covers [100k, 300k): 50k × 4% + 100k × 6% + 50k × 8%
    # = 2,000 + 6,000 + 4,000 = 12,000.
    result = run(plan(commission(tiers=MARGINAL)), deals("100000", "200000"))
    assert amounts(result) == [D("4000.00"), D("12000.00")]
    assert [s.amount for s in result.lines[1].slices] == [D(50000), D(100000), D(50000)]


def test_retroactive_lower_tiers_with_a_marginal_accelerator():
    # EX13, quota 33,000: [0, 50%) 5% retro, [50%, 100%) 10% retro, [100%, ∞) 20% marginal.
    # ARR 10,000 + 20,000 + 10,000 = 40,000: everything below quota at 10%, the 7,000 above at 20%:
    # 1,000 + 2,000 + (3,000 × 10% + 7,000 × 20% = 1,700) = 4,700.
    table = tiers(("0", "0.5", "0.05", "retroactive"), ("0.5", "1", "0.10", "retroactive"),
                  ("1", None, "0.20", "marginal"))
    result = run(plan(commission(tiers=table, tiers_on="attainment", quota="33000")),
                 deals("10000", "20000", "10000"))
    assert amounts(result) == [D("1000.00"), D("2000.00"), D("1700.00")]
    assert result.total == D("4700.00")
    assert result.lines[0].slices[0].mode == "retroactive"  # re-rated from 5% to 10%
    assert result.lines[2].rate == D("0.17")


def test_below_the_retroactive_knee_the_low_rate_stays():
    # 13,200 of 33,000 = 40% < 50%: 5% of 13,200 = 660.
    table = tiers(("0", "0.5", "0.05", "retroactive"), ("0.5", "1", "0.10", "retroactive"),
                  ("1", None, "0.20", "marginal"))
    result = run(plan(commission(tiers=table, tiers_on="attainment", quota="33000")), deals("13200"))
    assert result.total == D("660.00")


WHOLE = tiers(("0", "100", "0.10", "retroactive"), ("100", "150", "0.12", "retroactive"),
              ("150", "200", "0.14", "retroactive"), ("200", None, "0.16", "retroactive"))


def test_retroactive_total_exactly_on_an_edge_depends_on_the_boundary():
    # 150 under "upper" (tiebreak below) → 12% × 150 = 18.00; under "lower" → 14% × 150 = 21.00.
    assert run(plan(commission(tiers=WHOLE, boundary="upper")), deals("150")).total == D("18.00")
    assert run(plan(commission(tiers=WHOLE, boundary="lower")), deals("150")).total == D("21.00")
    # One cent past the edge both agree: 14% × 150.01 = 21.0014 → 21.00.
    assert run(plan(commission(tiers=WHOLE, boundary="upper")), deals("150.01")).total == D("21.00")


def test_retroactive_rate_reprices_earlier_deals_in_the_period():
    # 60 then 65 = 125 → 12% on both: 7.20 and 7.80.
    result = run(plan(commission(tiers=WHOLE, boundary="upper")), deals("60", "65"))
    assert amounts(result) == [D("7.20"), D("7.80")]


def test_commission_only_above_quota_subtracts_the_quota_before_the_lookup():
    # EX09 shape, quota 100: deals 80 and 50 → excess 30 → [0, 25) 4%, [25, ∞) 5% retro → 5% × 30 = 1.50.
    table = tiers(("0", "25", "0.04", "retroactive"), ("25", None, "0.05", "retroactive"))
    result = run(plan(commission(tiers=table, above_quota=True, quota="100")), deals("80", "50"))
    assert amounts(result) == [D("0.00"), D("1.50")]


def test_margin_rate_tiers_look_up_each_deal_by_margin_over_price():
    table = tiers(("0", "0.35", "0.10", "marginal"), ("0.35", "0.60", "0.25", "marginal"),
                  ("0.60", None, "0.40", "marginal"))
    c = dict(base="margin", tiers_on="margin_rate", tiers=table)
    # 150 price, 100 cost: 50/150 = 33.3% → 10% × 50 = 5.00 (not 25%: 50/100 is markup).
    assert run(plan(commission(**c, boundary="upper")), deals("150", cost=("100",))).total == D("5.00")
    # exactly 35%: "upper" keeps it at 10% (3.50), "lower" moves it to 25% (8.75).
    assert run(plan(commission(**c, boundary="upper")), deals("100", cost=("65",))).total == D("3.50")
    assert run(plan(commission(**c, boundary="lower")), deals("100", cost=("65",))).total == D("8.75")


def test_relative_uplift_multiplies_the_unrounded_commission():
    # 1,114.95 × 5% = 55.7475 → 55.75; × (1.5 − 1) = 27.87375 → 27.87 (not 27.88 from 55.75).
    c = commission(rate="0.05", multipliers_on="amount", multipliers=[{"from": "1000", "factor": "1.5"}])
    result = run(plan(c), deals("1114.95"))
    assert amounts(result, "commission") == [D("55.75")]
    assert amounts(result, "multiplier") == [D("27.87")]
    assert result.total == D("83.62")


def test_uplift_at_exactly_the_threshold_follows_the_boundary():
    mult = [{"from": "1000", "factor": "1.2"}]
    lower = plan(commission(rate="0.05", multipliers_on="amount", multipliers=mult, boundary="lower"))
    upper = plan(commission(rate="0.05", multipliers_on="amount", multipliers=mult, boundary="upper"))
    assert run(lower, deals("1000")).total == D("60.00")  # [1000, ∞): 50 + 10
    assert run(upper, deals("1000")).total == D("50.00")  # (1000, ∞): "above 1,000" only
    assert run(lower, deals("999")).total == D("49.95")


def test_decelerator_on_attainment_halves_the_whole_commission():
    c = commission(rate="0.10", quota="500000", multipliers=[{"from": "0", "to": "0.8", "factor": "0.5"}])
    assert amounts(run(plan(c), deals("350000"))) == [D("35000.00"), D("-17500.00")]
    assert run(plan(c), deals("400000")).total == D("40000.00")  # exactly 80%: not in [0, 0.8)


def test_a_gate_scales_what_the_multiplier_left():
    # 1,000 × 5% = 50; accelerator × 1.5 → +25; CRM hygiene 0.7 < 0.8 halves 75 → −37.50; total 37.50.
    c = commission(rate="0.05", multipliers_on="amount", multipliers=[{"from": "1000", "factor": "1.5"}],
                   gates=[{"metric": "crm_hygiene", "min": "0.8", "factor": "0.5"}])
    result = run(plan(c), deals("1000"), metrics={"crm_hygiene": MetricValue(D("0.7"), 1)})
    assert amounts(result) == [D("50.00"), D("25.00"), D("-37.50")]
    assert result.total == D("37.50")


def test_cap_brings_the_component_to_the_limit_with_its_own_line():
    result = run(plan(commission(rate="0.03", cap="10000")), deals("400000"))
    assert amounts(result) == [D("12000.00"), D("-2000.00")]
    assert result.lines[-1].kind == "cap"


def test_rate_from_target_incentive_over_quota():
    # 25,000 / 250,000 = 10%; a 10,000 deal pays 1,000.
    result = run(plan(commission(target_incentive="25000", quota="250000")), deals("10000"))
    assert result.total == D("1000.00")
    assert result.trace.find("c.rate").value == D("0.1")


def test_split_share_scales_the_base_before_the_rate():
    # 2% of the SDR's 15% of 100,000 = 300 (not 2% of 100,000).
    result = run(plan(commission(rate="0.02")), deals("100000", share="0.15"))
    line = result.lines[0]
    assert (line.amount, line.base, line.share) == (D("300.00"), D("15000.00"), D("0.15"))


def test_declared_formula_base_excludes_vat():
    # 100,000 / 1.12 = 89,285.714…; 10% → 8,928.57.
    result = run(plan(commission(base="amount / 1.12", rate="0.10")), deals("100000.00"))
    assert result.total == D("8928.57")
    assert result.lines[0].base.quantize(D("0.01")) == D("89285.71")


def test_formula_base_with_a_missing_field_is_an_issue_not_a_crash():
    result = run(plan(commission(base="amount - discount", rate="0.10")), deals("1000"))
    assert result.total == D("0.00")
    assert [i.code for i in result.issues] == ["base-formula"]


def test_spiff_and_override_with_a_missing_field_report_an_issue():
    spiff = {"kind": "spiff", "id": "s", "base": "amount - discount", "rate": "0.02"}
    result = run(plan(spiff), deals("1000"))
    assert result.total == D("0.00")
    assert [i.code for i in result.issues] == ["base-formula"]
