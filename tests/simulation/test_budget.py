"""Budget fit in a simulation: the parameter found meets the budget when simulated again, a flat
commission's rate is budget / base (the base read from the fact files), and what cannot be fitted says so."""

from __future__ import annotations

import calendar
import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from payplan.errors import Invalid
from payplan.simulation.model import Budget, Edit, Question
from payplan.simulation.simulate import simulate_data

from .by_evaluate import DEMO, MONTHS, PLANS, payplan_json

AE = str(PLANS / "ae-2026-v1.toml")
WINDOW = "2026-01..2026-06"
CENT = Decimal("0.01")

FLAT = """id = "flat"
version = 1
name = "Flat commission"
effective_from = 2026-01-01
period = "month"
currency = "USD"

[eligibility]
roles = ["AE"]

[[components]]
kind = "commission"
id = "commission"
base = "revenue"
rate = 0.05
"""


def _rows(name: str) -> list[dict[str, str]]:
    with open(DEMO / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def commissionable_revenue(role: str = "AE") -> tuple[Decimal, int]:
    """Σ amount × credited share of the deals won in the window (not cancelled by the end of the month
    they closed in), over the reps of `role`; and how many credited deal lines that is."""
    reps = {r["rep_id"] for r in _rows("reps.csv") if r["role"] == role}
    splits = defaultdict(list)
    for c in _rows("credits.csv"):
        splits[c["deal_id"]].append((c["rep_id"], Decimal(c["share"])))
    base, lines = Decimal(0), 0
    for d in _rows("deals.csv"):
        if d["status"] not in ("won", "cancelled") or d["closed_at"][:7] not in MONTHS:
            continue
        year, month = int(d["closed_at"][:4]), int(d["closed_at"][5:7])
        month_end = date(year, month, calendar.monthrange(year, month)[1])
        if d["cancelled_at"] and date.fromisoformat(d["cancelled_at"]) <= month_end:
            continue
        for rep, share in splits.get(d["deal_id"], [(d["rep_id"], Decimal(1))]):
            if rep in reps:
                base, lines = base + Decimal(d["amount"]) * share, lines + 1
    return base, lines


def _cost(sim) -> Decimal:
    """The proposal's pay over the window for every rep it covers: compared and newly covered."""
    return sim.comparison.totals.proposal.total + sim.population.newly_covered_total


def _fit(proposal: str, budget: Decimal, lever: str, tolerance: Decimal = Decimal(1), baseline: str = AE):
    return simulate_data(DEMO, baseline, proposal, WINDOW, question=Question(budget=Budget(budget, lever, tolerance)))


def test_a_flat_commission_rate_is_budget_over_base(tmp_path: Path) -> None:
    plan = tmp_path / "flat.toml"
    plan.write_text(FLAT, encoding="utf-8")
    base, lines = commissionable_revenue()
    assert lines > 50 and base > 100_000
    plain = simulate_data(DEMO, AE, str(plan), WINDOW)
    assert abs(_cost(plain) - base * Decimal("0.05")) <= lines * Decimal("0.005")  # each line to the cent

    budget, tolerance = Decimal("123456.78"), Decimal(5)
    fitted = _fit(str(plan), budget, "commission.rate", tolerance).budget
    assert fitted.met and abs(fitted.cost - budget) <= tolerance
    slack = (tolerance + lines * Decimal("0.005")) / base + Decimal("0.000001")
    assert abs(fitted.value - budget / base) <= slack
    assert len(fitted.probes) <= 4  # linear: the straight-line step lands at once


def test_the_fitted_value_re_simulated_with_set_meets_the_budget() -> None:
    plain = simulate_data(DEMO, AE, AE, WINDOW)
    budget, tolerance = (_cost(plain) * Decimal("0.9")).quantize(CENT), Decimal(25)
    found = _fit(AE, budget, "kpi_bonus.target_incentive", tolerance)
    fitted = found.budget
    assert fitted.met and fitted.old == 2000 and Decimal(0) < fitted.value < Decimal(2000)
    assert _cost(found) == fitted.cost
    assert found.proposal.given.endswith(f"+ kpi_bonus.target_incentive={fitted.value}")
    doc = payplan_json("simulate", "--baseline", AE, "--proposal", AE, "--periods", WINDOW, "--data", str(DEMO),
                       "--set", f"kpi_bonus.target_incentive={fitted.value}")
    again = Decimal(doc["comparison"]["totals"]["proposal"]["total"]) + Decimal(doc["population"]["newly_covered_total"])
    assert abs(again - budget) <= tolerance + CENT
    assert again == fitted.cost


def test_fitting_a_tier_rate_finds_the_rate_behind_a_known_cost() -> None:
    lever = "margin_commission.tiers.2.rate"
    known = _cost(simulate_data(DEMO, AE, AE, WINDOW, question=Question(edits=[Edit(lever, Decimal("0.095"))])))
    fitted = _fit(AE, known, lever, Decimal(1)).budget
    assert fitted.met and fitted.old == Decimal("0.08")
    assert abs(fitted.value - Decimal("0.095")) <= Decimal("0.0005")
    again = _cost(simulate_data(DEMO, AE, AE, WINDOW, question=Question(edits=[Edit(lever, fitted.value)])))
    assert again == fitted.cost and abs(again - known) <= 1


def test_fitting_the_multiplier() -> None:
    plain = _cost(simulate_data(DEMO, AE, AE, WINDOW))
    budget = (plain * Decimal("1.08")).quantize(CENT)
    fitted = _fit(AE, budget, "multiplier", Decimal(10)).budget
    assert fitted.met and fitted.old == 1
    # the statement cap and the scorecard's payout cap scale too, so pay is close to × m
    assert abs(fitted.value - Decimal("1.08")) <= Decimal("0.01")
    again = _cost(simulate_data(DEMO, AE, AE, WINDOW, question=Question(edits=[Edit("multiplier", fitted.value)])))
    assert again == fitted.cost and abs(again - budget) <= 10


@pytest.mark.parametrize("budget, lever, reason", [
    (Decimal(1), "kpi_bonus.target_incentive", "unreachable-low"),   # the commission alone costs more
    (Decimal(10) ** 9, "kpi_bonus.target_incentive", "unreachable-high"),  # payout and statement caps
])
def test_an_unreachable_budget_is_reported_not_raised(budget: Decimal, lever: str, reason: str) -> None:
    fitted = _fit(AE, budget, lever).budget
    assert (fitted.met, fitted.reason) == (False, reason)
    assert (fitted.value == 0) if reason == "unreachable-low" else (fitted.cost < budget)


@pytest.mark.parametrize("lever", ["kpi_bonus.kpis.demos.target", "margin_commission.tiers.2.from"])
def test_a_budget_on_a_non_pay_parameter_is_refused(lever: str) -> None:
    with pytest.raises(Invalid) as caught:
        _fit(AE, Decimal(100_000), lever)
    assert lever in str(caught.value) and "not a pay parameter" in str(caught.value)


def test_a_budget_on_an_unknown_parameter_names_the_known_ones() -> None:
    with pytest.raises(Invalid) as caught:
        _fit(AE, Decimal(100_000), "bonus.target_incentive")
    assert "kpi_bonus.target_incentive" in str(caught.value)
