"""Fit one parameter to a budget: bisection over a cost that grows with the parameter.

`fit(cost, budget, start, …)` looks for x ≥ 0 with |cost(x) − budget| ≤ tolerance,
where `cost` is the real engine run over the whole window (the caller's closure).
It first brackets the budget (doubling up from `start`, or down to zero), then
bisects the bracket. A step may first try the point where the straight line through
the bracket's ends meets the budget (a linear plan is then met in a step or two);
whenever such a step fails to halve the bracket the next one is a plain midpoint,
so it takes at most twice the steps of plain bisection.
The parameter is kept to `places` (cents for money, 1e-6 for a rate); when the
bracket is one such step wide and the budget is still not met (pay moves in cent
steps, caps and tiers make it jump), the closer end is returned with `met=False`.
Pure: the clock, the engine and the plan are the caller's.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import msgspec

_ZERO, _TWO = Decimal(0), Decimal(2)
MAX_STEPS = 60


class Probe(msgspec.Struct, frozen=True):
    value: Decimal
    cost: Decimal


class Fit(msgspec.Struct, frozen=True):
    value: Decimal
    cost: Decimal
    met: bool  # |cost − budget| ≤ tolerance
    probes: list[Probe]  # every parameter tried, in order, with its cost
    reason: str = ""  # why not met: "unreachable-high" / "unreachable-low" / "resolution" / "steps"


def fit(cost: Callable[[Decimal], Decimal], budget: Decimal, start: Decimal, *, tolerance: Decimal,
        places: Decimal, ceiling: Decimal | None = None) -> Fit:
    """The parameter value whose cost meets `budget` within `tolerance` (see the module)."""
    probes: list[Probe] = []

    def at(x: Decimal) -> Probe:
        x = max(x.quantize(places, ROUND_HALF_UP), _ZERO)
        for p in probes:
            if p.value == x:
                return p
        probe = Probe(x, cost(x))
        probes.append(probe)
        return probe

    bracket = _bracket(at, budget, start if start > 0 else places, tolerance, places, ceiling)
    if isinstance(bracket, Probe):
        return _done(bracket, budget, tolerance, probes)
    if isinstance(bracket, tuple) and isinstance(bracket[0], str):
        reason, nearest = bracket
        return Fit(nearest.value, nearest.cost, False, probes, reason)
    low, high = bracket
    return _narrow(at, low, high, budget, tolerance, places, probes)


def _bracket(at, budget, start, tolerance, places, ceiling):
    """(low, high) probes with cost(low) < budget < cost(high), a probe already within
    tolerance, or (reason, nearest probe) when the budget cannot be reached."""
    first = at(start)
    if abs(first.cost - budget) <= tolerance:
        return first
    if first.cost < budget:
        low, x = first, start
        for _ in range(MAX_STEPS):
            x = x * _TWO
            if ceiling is not None and x > ceiling:
                x = ceiling
            high = at(x)
            if abs(high.cost - budget) <= tolerance:
                return high
            if high.cost > budget:
                return low, high
            if ceiling is not None and x >= ceiling or high.cost <= low.cost and x > start * 2 ** 20:
                return "unreachable-high", high
            low = high
        return "unreachable-high", low
    high = first
    zero = at(_ZERO)
    if abs(zero.cost - budget) <= tolerance:
        return zero
    if zero.cost > budget:
        return "unreachable-low", zero
    return zero, high


def _narrow(at, low: Probe, high: Probe, budget, tolerance, places, probes) -> Fit:
    forced = False  # the last straight-line step did not halve the bracket: bisect next
    for _ in range(MAX_STEPS):
        if high.value - low.value <= places:
            break
        width = high.value - low.value
        middle = (low.value + high.value) / _TWO
        guess = None if forced else _secant(low, high, budget, places)
        probe = at(guess if guess is not None else middle)
        if probe.value in (low.value, high.value):
            probe = at(middle)
            if probe.value in (low.value, high.value):
                break
        if abs(probe.cost - budget) <= tolerance:
            return _done(probe, budget, tolerance, probes)
        low, high = (probe, high) if probe.cost < budget else (low, probe)
        forced = guess is not None and (high.value - low.value) * _TWO > width
    nearest = min((low, high), key=lambda p: abs(p.cost - budget))
    return _done(nearest, budget, tolerance, probes, "resolution" if high.value - low.value <= places * 2 else "steps")


def _secant(low: Probe, high: Probe, budget: Decimal, places: Decimal) -> Decimal | None:
    """Where the straight line through the bracket's ends meets the budget, kept at least one
    `places` step inside the bracket (rounded onto an end it would only repeat that end)."""
    rise = high.cost - low.cost
    if rise <= 0:
        return None
    guess = low.value + (budget - low.cost) * (high.value - low.value) / rise
    return min(max(guess, low.value + places), high.value - places)


def _done(probe: Probe, budget: Decimal, tolerance: Decimal, probes: list[Probe], reason: str = "") -> Fit:
    met = abs(probe.cost - budget) <= tolerance
    return Fit(probe.value, probe.cost, met, probes, "" if met else reason)
