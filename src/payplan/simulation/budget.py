"""Fit one parameter of the proposal to a budget, on the real engine over the cached history.

The cost of a parameter value is the proposal's total pay over the window for every rep
it is scored on, with that value set (`payplan.core.levers.set_lever`), scored exactly as
the simulation scores it; `payplan.core.fit` brackets and bisects. Money parameters are
kept to the cent, rates, weights and the multiplier to 1e-6. The plan found is linted
like any edit. Must not load facts: it scores over the simulation's metric cache.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core import lint
from payplan.core.bounds import PLAN_MAGNITUDE, bounded
from payplan.core.fit import fit
from payplan.core.levers import LeverError, find, set_lever
from payplan.core.periods import Period
from payplan.core.plan import Plan
from payplan.core.simulate import Outcome
from payplan.errors import Invalid
from payplan.i18n import N_
from payplan.plans.files import PlanError, plan_diff
from payplan.simulation.model import Budget, BudgetFit
from payplan.simulation.pool import score
from payplan.simulation.scoring import MetricCache

PLACES = {"money": Decimal("0.01"), "share": Decimal("0.000001"), "number": Decimal("0.01")}


def fit_budget(plan: Plan, budget: Budget, cache: MetricCache, periods: list[Period], rep_ids: list[str],
               workers: int = 1) -> tuple[Plan, BudgetFit, list[Outcome]]:
    """The plan with `budget.lever` fitted, the fit, and that plan's outcomes (already scored)."""
    _check(budget)
    try:
        lever = find(plan, budget.lever)
    except LeverError as exc:
        raise Invalid(exc.template, where="budget.lever", **exc.inputs) from None
    if lever.unit == "number":
        raise Invalid(N_("%(path)s is not a pay parameter: fit a target incentive, a rate or the multiplier"),
                      path=budget.lever, where="budget.lever")
    scored: dict[Decimal, list[Outcome]] = {}

    def cost(value: Decimal) -> Decimal:
        outcomes = score(_set(plan, budget.lever, value), cache, periods, rep_ids, workers)
        scored[value] = outcomes
        return sum((o.total for o in outcomes), Decimal(0))

    start = lever.value if lever.value else Decimal(1)
    found = fit(cost, budget.amount, start, tolerance=budget.tolerance, places=PLACES[lever.unit],
                ceiling=Decimal(1) if lever.field == "weight" else None)
    fitted = _set(plan, budget.lever, found.value)
    errors = [i for i in lint.check_plan(fitted) if i.severity == "error"]
    if errors:
        raise PlanError(errors)
    result = BudgetFit(budget.lever, lever.unit, budget.amount, budget.tolerance, lever.value, found.value,
                       found.cost, found.met, found.reason, found.probes, plan_diff(plan, fitted))
    return fitted, result, scored[found.value]


def _set(plan: Plan, path: str, value: Decimal) -> Plan:
    try:
        return set_lever(plan, path, value)
    except LeverError as exc:
        raise Invalid(exc.template, **exc.inputs) from None


def _check(budget: Budget) -> None:
    if not bounded(budget.amount, PLAN_MAGNITUDE) or budget.amount < 0:
        raise Invalid(N_("budget %(amount)s must be a positive amount"), amount=budget.amount, where="budget.amount")
    if not bounded(budget.tolerance, PLAN_MAGNITUDE) or budget.tolerance < Decimal("0.01"):
        raise Invalid(N_("budget tolerance %(tolerance)s must be at least 0.01"), tolerance=budget.tolerance,
                      where="budget.tolerance")
