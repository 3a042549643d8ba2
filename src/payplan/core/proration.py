"""Proration: the share of a period a rep was active on a plan version.

Active = hired_on..terminated_on ∩ the plan version's effective dates ∩ the
period. The plan states the method: calendar days, working days (Mon–Fri) or
whole months. Returns the exact fraction (never rounded) and the trace words.
Must not round money or read the clock.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from payplan.core.inputs import Rep
from payplan.core.periods import Period, active_months, working_days
from payplan.core.plan import Plan

ONE = Decimal(1)


def active_window(plan: Plan, rep: Rep, period: Period) -> tuple[date, date] | None:
    """The first and last active day of `rep` on `plan` in `period`, or None."""
    starts = [period.start, plan.effective_from]
    ends = [period.end]
    if rep.hired_on:
        starts.append(rep.hired_on)
    if rep.terminated_on:
        ends.append(rep.terminated_on)
    if plan.effective_to:
        ends.append(plan.effective_to)
    first, last = max(starts), min(ends)
    return (first, last) if first <= last else None


def plan_spans(plan: Plan, period: Period) -> bool:
    """Whether the plan is in force the whole period (so a rep without hire or leaving
    dates is active all of it)."""
    return plan.effective_from <= period.start and (plan.effective_to is None or plan.effective_to >= period.end)


def factor(plan: Plan, rep: Rep, period: Period) -> tuple[Decimal, str]:
    """(fraction of the period, explanation) under the plan's proration method."""
    if rep.hired_on is None and rep.terminated_on is None and plan_spans(plan, period):
        return ONE, "active the whole period"  # the common case, without building the window
    window = active_window(plan, rep, period)
    if window is None:
        return Decimal(0), "not active in the period"
    first, last = window
    if (first, last) == (period.start, period.end):
        return ONE, "active the whole period"
    method = plan.proration.method
    if method == "none":
        return ONE, "partial period, not prorated (plan: proration none)"
    if method == "calendar_days":
        num, den, unit = (last - first).days + 1, period.days, "calendar days"
    elif method == "working_days":
        num, den, unit = working_days(first, last), working_days(period.start, period.end), "working days"
    else:
        num, den, unit = active_months(first, last, period), period.months, "months"
    return Decimal(num) / Decimal(den), f"{num} of {den} {unit} active ({first} to {last})"
