"""The view model: every line once, sections adding up to the total, KPI rows from the plan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from payplan.statements import calculation
from payplan.statements.view import from_calculation

from .conftest import AE_PLAN, DEMO, SDR_PLAN


@pytest.mark.parametrize("plan, period", [(AE_PLAN, "2026-03"), (AE_PLAN, "2026-05"), (SDR_PLAN, "2026-03")])
def test_lines_add_up_to_the_total(plan, period):
    for calc in calculation.from_files(plan, DEMO, period):
        view = from_calculation(calc)
        assert sum((s.amount for s in view.sections), Decimal(0)) == view.total == calc.result.total
        printed = 0
        for section in view.sections:
            lines = [ln.amount for ln in section.lines] + [d.amount for d in section.deals]
            assert sum(lines, Decimal(0)) == section.amount, (calc.result.rep_id, section.id)
            printed += len(lines)
        assert printed == len(calc.result.lines)


def test_kpi_rows_follow_the_plan(ae01):
    view = from_calculation(ae01)
    kpis = ae01.plan.components[0].kpis
    assert [k.id for k in view.kpis] == [k.id for k in kpis]
    demos = view.kpis[0]
    assert (demos.weight, demos.target, demos.actual, demos.attainment) == (
        Decimal("0.15"), Decimal(8), Decimal(5), Decimal("0.625"))
    assert demos.why == kpis[0].why


def test_commission_deals_carry_slices_and_clawback_its_link(ae01):
    view = from_calculation(ae01)
    commission = next(s for s in view.sections if s.id == "margin_commission")
    d0010 = next(d for d in commission.deals if d.deal_id == "D0010")
    assert [s.tier for s in d0010.slices] == ["Base", "Target"]
    assert d0010.amount == Decimal("1138.46")
    clawback = next(s for s in view.sections if s.id == "clawback").lines[0]
    assert clawback.link == ("2026-02", "Margin commission", "D9001")


def test_draw_balances_are_shown_for_plans_with_draws():
    calcs = calculation.from_files(SDR_PLAN, DEMO, "2026-03", ["SDR03"])
    view = from_calculation(calcs[0])
    assert view.draw_in == calcs[0].state_in.draw_balance
    assert view.draw_out == calcs[0].result.state.draw_balance


def test_negative_balances_are_shown_only_when_the_rep_owes_one(ae01):
    """AE01 owes nothing either side in March: no rows. EX26-carry's rep in March: the
    −5,000.00 clawback is carried forward, 0.00 owed before and 5,000.00 after."""
    from .conftest import ROOT

    view = from_calculation(ae01)
    assert (view.negative_in, view.negative_out) == (None, None)
    folder = ROOT / "tests" / "examples" / "EX26-carry"
    [march] = calculation.from_files(folder / "plan.toml", folder / "facts", "2026-03")
    view = from_calculation(march)
    assert (view.total, view.negative_in, view.negative_out) == (Decimal("0.00"), Decimal(0), Decimal("5000.00"))
    carried = next(s for s in view.sections if s.id == "negative_balance")
    assert (carried.label, [(ln.kind, ln.amount) for ln in carried.lines]) == (
        "Negative balance", [("carry", Decimal("5000.00"))])
