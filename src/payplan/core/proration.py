"""Proration: the share of a period a rep was active on a plan version.

Active = hired_on..terminated_on ∩ the plan version's effective dates ∩ the
period. The plan states the method: calendar days, working days (Mon–Fri) or
whole months. Returns the exact fraction (never rounded) and the trace words: a
template with its named values (`trace.fill`).
Must not round money or read the clock.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from payplan.core.inputs import Rep
from payplan.core.periods import Period, active_months, working_days
from payplan.core.plan import Plan
from payplan.core.trace import N_, Value

ONE = Decimal(1)
WHOLE = N_("active the whole period")
NO_INPUTS: dict[str, Value] = {}  # shared by every rep active the whole period: never mutated
_PARTIAL = {"calendar_days": N_("{part} of {whole} calendar days active ({first:date} to {last:date})"),
            "working_days": N_("{part} of {whole} working days active ({first:date} to {last:date})"),
            "months": N_("{part} of {whole} months active ({first:date} to {last:date})")}


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


def version_days(plan: Plan, period: Period) -> tuple[date, date] | None:
    """The days of `period` the plan version is in force, when that is only part of it
    (a version that starts or ends inside the period); None when it spans the period or
    misses it. The facts of those days, and only they, are the version's: a rep who changes
    version mid-period has each deal and activity scored by the version in force on its day."""
    if plan_spans(plan, period):
        return None
    first, last = max(period.start, plan.effective_from), min(period.end, plan.effective_to or period.end)
    return (first, last) if first <= last else None


def plan_spans(plan: Plan, period: Period) -> bool:
    """Whether the plan is in force the whole period (so a rep without hire or leaving
    dates is active all of it)."""
    return plan.effective_from <= period.start and (plan.effective_to is None or plan.effective_to >= period.end)


def factor(plan: Plan, rep: Rep, period: Period) -> tuple[Decimal, str, dict[str, Value]]:
    """(fraction of the period, explanation template, its inputs) under the plan's proration method."""
    if rep.hired_on is None and rep.terminated_on is None and plan_spans(plan, period):
        return ONE, WHOLE, NO_INPUTS  # the common case, without building the window
    window = active_window(plan, rep, period)
    if window is None:
        return Decimal(0), N_("not active in the period"), NO_INPUTS
    first, last = window
    if (first, last) == (period.start, period.end):
        return ONE, WHOLE, NO_INPUTS
    method = plan.proration.method
    if method == "none":
        return ONE, N_("partial period, not prorated (plan: proration none)"), NO_INPUTS
    if method == "calendar_days":
        num, den = (last - first).days + 1, period.days
    elif method == "working_days":
        num, den = working_days(first, last), working_days(period.start, period.end)
    else:
        num, den = active_months(first, last, period), period.months
    inputs: dict[str, Value] = {"part": num, "whole": den, "first": first.isoformat(), "last": last.isoformat()}
    return Decimal(num) / Decimal(den), _PARTIAL.get(method, _PARTIAL["months"]), inputs
