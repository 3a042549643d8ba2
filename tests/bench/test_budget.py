"""The budget-fit benchmark at a tiny size: it runs the real fit and reports what the suite prints.

Speed is the suite's business (`payplan bench`), not this test's: nothing here is timed.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.bench import budget, suite


def test_budget_line_runs_quick_and_fits_the_real_plan() -> None:
    row = next(r for r in suite.ROWS if r[0] == "payplan.bench.budget")
    result = budget.run(**{**row[3], "reps": 60}, workers=1)
    assert (result["reps"], result["months"]) == (60, 12)
    assert result["budget"] == (result["baseline"] * Decimal("0.9")).quantize(Decimal("0.01"))
    # met within the tolerance, or the nearest cent of target incentive when a cent moves the cost by more
    assert abs(result["cost"] - result["budget"]) <= max(Decimal(1), result["baseline"] / 3000 / 100)
    assert 1 <= result["runs"] <= 8 and result["met"] == (result["reason"] == "")
    assert Decimal(0) < result["value"] < Decimal(3000)  # the bench plan's target incentive is 3,000
    figure, target = row[4](result)
    assert f"{result['runs']} engine runs" in figure and "60 reps × 12 months" in figure and "60 s" in target
    assert row[2] == {}  # the full run uses the module's defaults: 10,000 reps × 12 months
    assert (budget.run.__defaults__[0], budget.run.__defaults__[1]) == (10_000, 12)
