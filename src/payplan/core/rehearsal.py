"""A plan rehearsed before it is accepted: evaluated on a synthetic rep at a few values.

Schema and rules cannot see every value that breaks arithmetic (a KPI target of
1E-999999 divides into an Overflow; a huge window_days into a date out of range).
`rehearse(plan)` builds `RepInputs` with every metric, deal and team member the plan
reads, at zero, undefined, the plan's own targets and a large value (10^12), runs
`engine.evaluate` per component, then for the whole plan (statement cap, clawback,
draws, a negative balance carried in) inside a fixed decimal context, and turns any failure into an error Issue
naming the component (or the plan). Pure:
stdlib and msgspec only; must not read files, facts or the clock.
"""

from __future__ import annotations

import decimal
from datetime import timedelta
from decimal import Decimal

import msgspec

from payplan.core.engine import evaluate
from payplan.core.formula import FormulaError, compile_formula
from payplan.core.inputs import CarriedState, Deal, MetricValue, PaidDeal, Rep, RepInputs, TeamMember
from payplan.core.issues import Issue
from payplan.core.lint_where import where
from payplan.core.needs import plan_needs
from payplan.core.periods import Period, period_of
from payplan.core.plan import Commission, Plan, Scorecard, Spiff
from payplan.core.scorecard import kpi_spec
from payplan.core.trace import N_, fill

LARGE = Decimal(10) ** 12
# The engine's arithmetic: 28 digits, the default exponent range, errors trapped.
CONTEXT = decimal.Context(prec=28, Emax=999_999, Emin=-999_999,
                          traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])
_REASONS = {decimal.Overflow: N_("a result is too large for a decimal"),
            decimal.DivisionByZero: N_("a division by zero"),
            decimal.InvalidOperation: N_("an invalid decimal operation (a result past 28 digits, or 0/0)")}
SCENARIOS = ("undefined", "zero", "target", "large")


def rehearse(plan: Plan) -> list[Issue]:
    """An error per component (or for the whole plan) whose evaluation fails on synthetic inputs."""
    issues: list[Issue] = []
    failed: set[int] = set()
    for scenario in SCENARIOS:
        inputs, state = rehearsal_inputs(plan, scenario)
        for index, component in enumerate(plan.components):
            single = msgspec.structs.replace(plan, components=[component], cap=None, clawback=None)
            reason = _failure(single, inputs, state)
            if reason and index not in failed:
                failed.add(index)
                issues.append(_issue(plan, ("components", index), scenario, reason))
        reason = None if failed else _failure(plan, inputs, state)
        if reason:
            return [_issue(plan, (), scenario, reason)]
    return issues


def _failure(plan: Plan, inputs: RepInputs, state: CarriedState) -> str | None:
    """Why evaluating `plan` on `inputs` fails, or None."""
    try:
        with decimal.localcontext(CONTEXT):
            evaluate(plan, inputs, state)
    except decimal.DecimalException as exc:
        return next((text for kind, text in _REASONS.items() if isinstance(exc, kind)), type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - any failure means the plan cannot be run
        return f"{type(exc).__name__}: {exc}"
    return None


def _issue(plan: Plan, path: tuple[str | int, ...], scenario: str, reason: str) -> Issue:
    """`reason` is one of `_REASONS` (our words) or an exception's own text (printed as it is)."""
    template, inputs = _WORDS[scenario], {"reason": reason, "large": LARGE}
    return Issue("error", "evaluation-fails", fill(template, inputs), where(plan, path) or "plan",
                 template=template, inputs=inputs)


_WORDS = {  # scenario → the whole sentence
    "undefined": N_("evaluating this plan fails ({reason:word}) on a rehearsal with metric values undefined; "
                    "check its targets, rates, amounts and day counts"),
    "zero": N_("evaluating this plan fails ({reason:word}) on a rehearsal with metric values at zero; "
               "check its targets, rates, amounts and day counts"),
    "target": N_("evaluating this plan fails ({reason:word}) on a rehearsal with metric values at their targets; "
                 "check its targets, rates, amounts and day counts"),
    "large": N_("evaluating this plan fails ({reason:word}) on a rehearsal with metric values at {large:,} "
                "(a large month); check its targets, rates, amounts and day counts"),
}


def _ratio_value(value: Decimal | None) -> MetricValue:
    """The value as value / 1 too: a window scorecard sums a ratio's numerator and denominator."""
    return MetricValue(value, 1, (), value, None if value is None else Decimal(1))


def rehearsal_inputs(plan: Plan, scenario: str) -> tuple[RepInputs, CarriedState]:
    """A synthetic rep's inputs for one scenario, with every metric and deal field the plan reads."""
    period = period_of(plan.effective_from, plan.period)
    value = {"undefined": None, "zero": Decimal(0), "target": Decimal(1000), "large": LARGE}[scenario]
    targets = _targets(plan)
    metrics = {spec.key: _ratio_value(_metric_value(scenario, value, targets.get(spec.key)))
               for spec in plan_needs(plan).specs}
    amount = value if value is not None else Decimal(0)
    deals = _deals(plan, period, amount)
    rep = Rep("rehearsal", "Rehearsal", role=next(iter(plan.eligibility.roles), ""),
              team=next(iter(plan.eligibility.teams), ""), currency=plan.currency, salary=amount or Decimal(1000),
              hired_on=period.start + timedelta(days=9) if scenario == "target" else None)
    team = (TeamMember(Rep("rehearsal-team", currency=plan.currency), deals),)
    paid = {"rehearsal-cancelled": PaidDeal(amount, period.key, _first_commission(plan))}
    state = CarriedState(draw_balance=amount, paid_deals=paid if plan.clawback else {}, negative_balance=amount)
    return RepInputs(rep, period.key, metrics, deals, {}, team), state


def _metric_value(scenario: str, value: Decimal | None, target: Decimal | None) -> Decimal | None:
    if scenario == "target":
        return target if target is not None else Decimal(1)
    return value


def _targets(plan: Plan) -> dict[str, Decimal]:
    """The plan's own KPI targets by metric key (the first KPI reading a metric wins)."""
    found: dict[str, Decimal] = {}
    for comp in plan.components:
        for kpi in comp.kpis if isinstance(comp, Scorecard) else ():
            if kpi.target is not None:
                found.setdefault(kpi_spec(kpi).key, kpi.target)
    return found


def _deals(plan: Plan, period: Period, amount: Decimal) -> tuple[Deal, ...]:
    fields = dict.fromkeys(_field_names(plan), Decimal(1))
    product = next((p for c in plan.components if isinstance(c, (Commission, Spiff)) for p in c.products), "")
    won = Deal("rehearsal-won", "won", amount, Decimal(0), closed_at=period.start, created_at=period.start,
               product=product, currency=plan.currency, rep_id="rehearsal", fields=fields)
    cancelled = msgspec.structs.replace(won, id="rehearsal-cancelled", status="cancelled",
                                        cancelled_at=period.end)
    return (won, cancelled)


def _field_names(plan: Plan) -> set[str]:
    """Every deal field a declared commission base reads (discount, tax…)."""
    names: set[str] = set()
    for comp in plan.components:
        base = getattr(comp, "base", None)
        if isinstance(base, str) and base not in ("revenue", "margin"):
            try:
                names |= compile_formula(base)[1]
            except FormulaError:
                continue
    return names


def _first_commission(plan: Plan) -> str:
    return next((c.id for c in plan.components if isinstance(c, Commission)), "")
