"""The KPI scorecard: attainment conventions (ratio, inverse, mirror with zero and negative
targets, curves), bounds, score rounding, payout curve and gates (hand-computed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from payplan.core.engine import evaluate
from payplan.core.inputs import MetricValue, Rep, RepInputs
from payplan.core.plan import Gate, Kpi, Plan, Rounding, Scorecard


def _plan(*kpis: Kpi, rounding: Rounding = Rounding(), **card) -> Plan:
    card.setdefault("target_incentive", D(1000))
    return Plan(id="p", version=1, name="p", effective_from=date(2026, 1, 1), period="month", currency="USD",
                rounding=rounding, components=[Scorecard(id="bonus", kpis=list(kpis), **card)])


def _run(plan: Plan, salary: str | None = None, **values: str):
    metrics = {f"score:{k}": MetricValue(D(v), 1) for k, v in values.items()}
    rep = Rep("r", hired_on=date(2025, 1, 1), salary=D(salary) if salary else None)
    return evaluate(plan, RepInputs(rep, "2026-03", metrics=metrics))


def _value(result, key: str) -> D:
    return D(result.trace.find(key).value)


def _kpi(kid: str = "k", **kw) -> Kpi:
    kw.setdefault("weight", D(1))
    return Kpi(id=kid, metric=f"score:{kid}", **kw)


@pytest.mark.parametrize("target, actual, expected", [
    # Infor CPM (EX19): 1 − (actual − target) / |target|, and 1 − actual for a zero target
    ("50", "50", "1"), ("50", "100", "0"), ("50", "200", "-2"), ("50", "0", "2"),
    ("-50", "-50", "1"), ("-50", "-100", "2"), ("-50", "0", "0"), ("-50", "50", "-1"),
    ("0", "0", "1"), ("0", "1", "0"), ("0", "-1", "2"), ("0", "-2", "3"), ("0", "2", "-1"),
    ("0.10", "0.08", "1.2"),  # CAMMS "less is better": 2 − 8/10
])
def test_mirror_with_positive_negative_and_zero_targets(target, actual, expected):
    plan = _plan(_kpi(target=D(target), better="lower", lower_is="mirror"))
    result = _run(plan, k=actual)
    assert _value(result, "kpi.k.raw") == D(expected)
    assert _value(result, "kpi.k.attainment") == max(D(expected), D(0))  # default floor 0


def test_inverse_and_mirror_differ_ex17():
    inverse = _run(_plan(_kpi(target=D("0.05"), better="lower")), k="0.045")
    mirror = _run(_plan(_kpi(target=D("0.05"), better="lower", lower_is="mirror")), k="0.045")
    assert _value(inverse, "kpi.k.attainment") == D("0.05") / D("0.045")  # 111.11%
    assert _value(mirror, "kpi.k.attainment") == D("1.1")  # 110.00%


def test_balanced_scorecard_with_score_places_cap_and_gate_ex17():
    kpis = [_kpi("roa", weight=D("0.4"), target=D("0.185"), cap=D("1.2")),
            _kpi("csat", weight=D("0.3"), target=D("0.85"), cap=D("1.2")),
            _kpi("discount", weight=D("0.15"), target=D("0.05"), better="lower", cap=D("1.2")),
            _kpi("skus", weight=D("0.15"), target=D("0.20"), cap=D("1.2"))]
    plan = _plan(*kpis, rounding=Rounding(score_places=4), target_incentive=None, salary_share=D("0.30"),
                 gates=[Gate(kpi_min=D("0.9"))])
    result = _run(plan, salary="100000", roa="0.22", csat="0.90", discount="0.045", skus="0.26")
    assert [_value(result, f"kpi.{k}.points") for k in ("roa", "csat", "discount", "skus")] == \
        [D("0.4757"), D("0.3176"), D("0.1667"), D("0.18")]
    assert _value(result, "kpi.skus.raw") == D("1.3") and _value(result, "kpi.skus.attainment") == D("1.2")
    assert _value(result, "bonus.score") == D("1.14")
    assert result.total == D("34200.00")
    gated = _run(plan, salary="100000", roa="0.22", csat="0.75", discount="0.045", skus="0.26")
    assert gated.total == 0 and [ln.kind for ln in gated.lines] == ["bonus", "gate"]


def test_payout_curve_threshold_accelerator_and_cap_ex15():
    plan = _plan(_kpi(target=D(100)), payout_curve=[(D("0.7"), D(0)), (D(1), D(1)), (D("1.5"), D(2))],
                 payout_cap=D(2), target_incentive=D(10000))
    totals = {a: _run(plan, k=a).total for a in ("60", "70", "85", "100", "120", "150", "180")}
    assert totals == {"60": 0, "70": 0, "85": D(5000), "100": D(10000), "120": D(14000),
                      "150": D(20000), "180": D(20000)}


def test_kpi_curve_step_threshold_ex16():
    curve = [(D("1.43036"), D(0)), (D("1.43036"), D("0.5")), (D("1.4747"), D(1)), (D("1.54844"), D("1.8"))]
    plan = _plan(_kpi(curve=curve), rounding=Rounding(score_places=3))
    assert _value(_run(plan, k="1.52"), "kpi.k.attainment") == D("1.491")
    assert _value(_run(plan, k="1.43035"), "kpi.k.attainment") == 0
    assert _value(_run(plan, k="1.43036"), "kpi.k.attainment") == D("0.5")


def test_threshold_floor_and_cap_bounds():
    plan = _plan(_kpi(target=D(100), threshold=D("0.5"), cap=D("1.5")))
    assert _value(_run(plan, k="40"), "kpi.k.attainment") == 0
    assert _value(_run(plan, k="50"), "kpi.k.attainment") == D("0.5")
    assert _value(_run(plan, k="200"), "kpi.k.attainment") == D("1.5")
    assert _value(_run(plan, k="200"), "kpi.k.raw") == D(2)
    floored = _plan(_kpi(target=D(100), floor=D("0.25")))
    assert _value(_run(floored, k="10"), "kpi.k.attainment") == D("0.25")


def test_missing_metric_scores_zero_with_a_warning():
    result = _run(_plan(_kpi(target=D(1))))
    assert _value(result, "kpi.k.attainment") == 0 and result.total == 0
    assert [i.code for i in result.issues] == ["no-data"]
