"""The lint-time rehearsal: a plan whose evaluation fails on synthetic inputs is refused."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from payplan.core.lint import check_plan
from payplan.core.rehearsal import SCENARIOS, rehearsal_inputs, rehearse
from payplan.plans.files import load_plan

PLANS = Path(__file__).parents[2] / "plans"


@pytest.fixture
def ae():
    return load_plan(PLANS / "ae-2026-v1.toml")


def with_kpi(plan, index: int, **changes):
    card = plan.components[0]
    kpis = list(card.kpis)
    kpis[index] = msgspec.structs.replace(kpis[index], **changes)
    return msgspec.structs.replace(plan, components=[msgspec.structs.replace(card, kpis=kpis), *plan.components[1:]])


@pytest.mark.parametrize("path", sorted(PLANS.rglob("*.toml")), ids=lambda p: p.name)
def test_real_plans_rehearse_cleanly(path):
    assert rehearse(load_plan(path)) == []


def test_target_1e_minus_999999_fails_the_rehearsal(ae):
    # demos / 1E-999999 is 8E+999999 at the target, past Emax 999999: Overflow
    plan = with_kpi(ae, 0, target=Decimal("1E-999999"), threshold=None)
    [issue] = rehearse(plan)
    assert issue.code == "evaluation-fails" and issue.severity == "error"
    assert issue.where == "components[0] (scorecard kpi_bonus)"
    assert "too large for a decimal" in issue.message


def test_an_uncapped_payout_past_28_digits_fails(ae):
    # 10^12 demos / 1E-12 target = 10^24 attainment, x 0.15 weight x 10^14 incentive = 1.5E+37:
    # rounding that to cents needs 40 digits, more than the 28 of the decimal context
    card = with_kpi(ae, 0, target=Decimal("1E-12"), cap=None).components[0]
    card = msgspec.structs.replace(card, payout_cap=None, target_incentive=Decimal(10) ** 14, gates=[])
    plan = msgspec.structs.replace(ae, components=[card], cap=None)
    [issue] = rehearse(plan)
    assert "28 digits" in issue.message and "at 1,000,000,000,000" in issue.message
    # the message is a constant template with its fields, so a statement can translate it
    assert "{reason:word}" in issue.template and "{large:,}" in issue.template
    assert issue.inputs == {"reason": "an invalid decimal operation (a result past 28 digits, or 0/0)",
                            "large": Decimal(10) ** 12}


def test_a_window_of_99999999_days_fails_on_the_whole_plan(ae):
    # 2026-01-01 minus 99,999,999 days is before year 1: the date is out of range
    plan = msgspec.structs.replace(ae, clawback=msgspec.structs.replace(ae.clawback, window_days=99_999_999))
    [issue] = rehearse(plan)
    assert issue.where == "plan" and "date value out of range" in issue.message


def test_check_plan_reports_bounds_before_rehearsing(ae):
    plan = with_kpi(ae, 0, target=Decimal("1E-999999"))
    [issue] = check_plan(plan)
    assert issue.code == "bad-number" and "more than 28 decimal places" in issue.message


def test_rehearsal_inputs_carry_every_metric_the_plan_reads(ae):
    inputs, _ = rehearsal_inputs(ae, "target")
    kpis = {k.metric: k.target for k in ae.components[0].kpis}
    assert inputs.metrics["demos"].value == Decimal(8)
    assert inputs.metrics["nps"].value == Decimal(40)
    assert set(kpis) <= set(inputs.metrics)
    assert {d.status for d in inputs.deals} == {"won", "cancelled"}
    assert [rehearsal_inputs(ae, s)[0].metrics["demos"].value for s in SCENARIOS] == [
        None, Decimal(0), Decimal(8), Decimal(10) ** 12]
