"""`payplan.core.fit`: bracket + bisection with a straight-line step, against costs whose answer is known."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pytest

from payplan.core.fit import MAX_STEPS, fit

CENT = Decimal("0.01")
MICRO = Decimal("0.000001")


def _linear(base: Decimal, offset: Decimal = Decimal(0)):
    calls: list[Decimal] = []

    def cost(x: Decimal) -> Decimal:
        calls.append(x)
        return (offset + base * x).quantize(CENT, ROUND_HALF_UP)

    return cost, calls


def _bisection_steps(start: Decimal, answer: Decimal, places: Decimal) -> int:
    """Probes plain bisection needs: doublings to bracket, then halvings down to `places`."""
    high, doublings = start, 0
    while high < answer:
        high, doublings = high * 2, doublings + 1
    return 1 + doublings + math.ceil(math.log2(high / places))


@pytest.mark.parametrize("base, budget, start, tolerance", [
    (Decimal("123456.78"), Decimal("98765.43"), Decimal("1"), Decimal("1")),
    (Decimal("3971.37"), Decimal("5000000"), Decimal("1500"), Decimal("25")),
    (Decimal("0.37"), Decimal("1000"), Decimal("2000"), Decimal("0.01")),
    (Decimal("250000"), Decimal("33333.33"), Decimal("0.1"), Decimal("0.5")),
])
def test_closed_form_linear_cost(base, budget, start, tolerance) -> None:
    cost, calls = _linear(base)
    places = MICRO if start < 10 else CENT
    found = fit(cost, budget, start, tolerance=tolerance, places=places)
    exact = budget / base
    assert found.met and found.reason == ""
    assert abs(found.value - exact) <= tolerance / base + places
    assert abs(found.cost - budget) <= tolerance
    assert found.cost == (base * found.value).quantize(CENT, ROUND_HALF_UP)
    assert [p.value for p in found.probes] == calls  # every engine run is recorded, none repeated
    assert len(found.probes) <= 4 < _bisection_steps(start, exact, places)


def test_affine_cost_at_the_parameters_resolution() -> None:
    """A cent of the parameter moves the cost by ~40 > 2 × tolerance: the budget cannot be met exactly;
    the nearest cent is returned as 'resolution' in a handful of runs (a budget fit on a target incentive)."""
    offset, base, budget = Decimal("39190796.52"), Decimal("3971.6093"), Decimal("45996169.00")
    cost, _ = _linear(base, offset)
    found = fit(cost, budget, Decimal(3000), tolerance=Decimal(1), places=CENT)
    exact = (budget - offset) / base
    candidates = [exact.quantize(CENT, rounding="ROUND_FLOOR"), exact.quantize(CENT, rounding="ROUND_CEILING")]
    nearest = min(candidates, key=lambda x: abs(cost(x) - budget))
    assert (found.met, found.reason, found.value) == (False, "resolution", nearest)
    assert len(found.probes) <= 5, [str(p.value) for p in found.probes]


def test_step_function_cost() -> None:
    """Pay that jumps by 1,000 every whole unit: a budget between two steps is met by neither."""
    def cost(x: Decimal) -> Decimal:
        return Decimal(1000) * (x // 1)

    found = fit(cost, Decimal(4500), Decimal(1), tolerance=Decimal(10), places=CENT)
    assert not found.met and found.reason == "resolution"
    assert found.cost in (Decimal(4000), Decimal(5000))
    assert found.value in (Decimal("4.99"), Decimal("5.00"))
    exact = fit(cost, Decimal(4000), Decimal(1), tolerance=Decimal(10), places=CENT)
    assert exact.met and Decimal(4) <= exact.value < Decimal(5)


def test_unreachable_high_with_a_capped_cost() -> None:
    found = fit(lambda x: min(x * 10, Decimal(500)), Decimal(1000), Decimal(1), tolerance=Decimal(1), places=CENT)
    assert (found.met, found.reason, found.cost) == (False, "unreachable-high", Decimal(500))
    assert len(found.probes) <= MAX_STEPS + 1


def test_unreachable_high_at_the_ceiling() -> None:
    found = fit(lambda x: x * 100, Decimal(500), Decimal("0.3"), tolerance=Decimal(1), places=MICRO,
                ceiling=Decimal(1))
    assert (found.met, found.reason, found.value, found.cost) == (False, "unreachable-high", Decimal(1), Decimal(100))


def test_unreachable_low_when_zero_costs_too_much() -> None:
    found = fit(lambda x: Decimal(800) + x, Decimal(500), Decimal(10), tolerance=Decimal(1), places=CENT)
    assert (found.met, found.reason, found.value, found.cost) == (False, "unreachable-low", Decimal(0), Decimal(800))


def test_a_budget_met_at_the_start_costs_one_run() -> None:
    found = fit(lambda x: x * 2, Decimal(20), Decimal(10), tolerance=Decimal(1), places=CENT)
    assert found.met and len(found.probes) == 1 and found.value == Decimal(10)


@pytest.mark.parametrize("power", [3, 7, 15])
def test_a_nasty_monotone_cost_takes_at_most_twice_bisection(power: int) -> None:
    """x^power on [0, 2]: the straight line is a bad guess on one side every time."""
    def cost(x: Decimal) -> Decimal:
        return (Decimal(10) ** 6 * x ** power).quantize(CENT, ROUND_HALF_UP)

    budget = Decimal(1)
    found = fit(cost, budget, Decimal(1), tolerance=Decimal("0.005"), places=MICRO)
    bisection = _bisection_steps(Decimal(1), Decimal(1), MICRO)
    assert len(found.probes) <= 2 * bisection + 2
    assert found.met or found.reason == "resolution"
    assert abs(found.value - Decimal(10) ** Decimal(-6 / power)) < Decimal("0.0002")
