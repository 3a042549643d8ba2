"""Semantic checks of a component measured over a window (`measure = "window"`), for the linter.

A commission or scorecard with a window (`payplan.core.windows`): the keys that only make
sense together (`pay_on`, `window_periods`, `window_start` need their window), what a
window does not combine with, KPIs whose metric has no window total, and windows the plan
version's dates cut short. Pure; must not compute pay.
"""

from __future__ import annotations

from payplan.core.issues import Issue, error, warning
from payplan.core.lint_where import Path, where
from payplan.core.metrics import window_rule
from payplan.core.periods import period_of
from payplan.core.plan import Commission, Plan, Scorecard
from payplan.core.trace import N_
from payplan.core.windows import Windowed, window_of, window_size

MAX_PERIODS = 120  # ten years of months: a window past it is a typo, and would leave the calendar


def check_window(plan: Plan, c: Windowed, path: Path) -> list[Issue]:
    """Every window check of one commission or scorecard."""
    kind = N_("commission") if isinstance(c, Commission) else N_("scorecard")  # a `{kind:word}`
    issues = _check_keys(plan, c, kind, path)
    if c.measure == "period" or issues:
        return issues
    issues += _check_combinations(plan, c, kind, path)
    if window_size(c, plan.period) < 1:
        issues.append(error("window-measure", N_("{kind:word} {component}: a {window} window is shorter than the "
                                                 "plan's {period:word}ly period"), where(plan, path + ("window",)),
                            kind=kind, component=c.id, window=c.window, period=plan.period))
        return issues
    return issues + _check_span(plan, c, kind, path)


def _check_keys(plan: Plan, c: Windowed, kind: str, path: Path) -> list[Issue]:
    """Keys set without what gives them a meaning."""
    issues = []
    if c.measure == "period":
        issues += [error("window-measure", N_("{kind:word} {component}: {key} is set but the {kind:word} measures "
                                              "each period on its own: add measure = \"window\""),
                         where(plan, path + (key,)), kind=kind, component=c.id, key=key)
                   for key, used in (("pay_on", c.pay_on != "period"), ("window", c.window != "year"),
                                     ("window_periods", c.window_periods is not None),
                                     ("window_start", c.window_start is not None)) if used]
        return issues
    if c.window == "periods" and c.window_periods is None:
        issues.append(error("window-periods", N_("{kind:word} {component}: window = \"periods\" needs "
                                                 "window_periods, the window's length in plan periods"),
                            where(plan, path + ("window_periods",)), kind=kind, component=c.id))
    elif c.window_periods is not None and not 1 <= c.window_periods <= MAX_PERIODS:
        issues.append(error("window-periods", N_("{kind:word} {component}: window_periods must be from 1 to {most}, "
                                                 "not {value}"), where(plan, path + ("window_periods",)),
                            kind=kind, component=c.id, most=MAX_PERIODS, value=c.window_periods))
    for key, used in (("window_periods", c.window_periods), ("window_start", c.window_start)):
        if used is not None and c.window != "periods":
            issues.append(error("window-periods", N_("{kind:word} {component}: {key} is for window = \"periods\", "
                                                     "and the window is the calendar {window:word}"),
                                where(plan, path + (key,)), kind=kind, component=c.id, key=key, window=c.window))
    start = c.window_start
    if start is not None and c.window == "periods" and period_of(start, plan.period).start != start:
        issues.append(error("window-periods", N_("{kind:word} {component}: window_start {start:text} is not the "
                                                 "first day of a {period:word}"), where(plan, path + ("window_start",)),
                            kind=kind, component=c.id, start=start, period=plan.period))
    return issues


def _check_combinations(plan: Plan, c: Windowed, kind: str, path: Path) -> list[Issue]:
    """What a window measure does not combine with: a commission's per-deal mechanics, a
    scorecard's gates (read in the period) and KPIs whose metric has no window total."""
    if isinstance(c, Scorecard):
        used = (("gates", c.gates),)
        issues = [error("window-kpi", N_("scorecard {component}: KPI {kpi} measures {metric}, which has no total "
                                         "over a window (a median of medians is not the window's median)"),
                        where(plan, path + ("kpis", i, "metric")), component=c.id, kpi=kpi.id, metric=kpi.metric)
                  for i, kpi in enumerate(c.kpis) if window_rule(kpi.metric) is None]
    else:
        used = (("multipliers", c.multipliers), ("gates", c.gates), ("cap", c.cap is not None),
                ("floor", c.floor is not None), ("above_quota", c.above_quota),
                ("accumulate", c.accumulate != "period"), ("tiers_on", c.tiers_on == "margin_rate"))
        issues = []
        if plan.clawback is not None:
            issues.append(warning("window-clawback", N_("commission {component} pays one line per period, not per "
                                                        "deal: the clawback has no deal line of it to reverse"),
                                  where(plan, path + ("measure",)), component=c.id))
    return [error("window-measure", N_("{kind:word} {component} measures over a window and cannot also use {key}"),
                  where(plan, path + (name,)), kind=kind, component=c.id, key=name) for name, on in used if on] + issues


def _check_span(plan: Plan, c: Windowed, kind: str, path: Path) -> list[Issue]:
    """Windows the version's dates cut: longer than the whole version, or (paid at the window's
    end) a last window ending after `effective_to`, whose pay this version never makes."""
    if plan.effective_to is None:
        return []
    first = window_of(c, plan.effective_from, plan.period, period_of(plan.effective_from, plan.period))
    last = window_of(c, plan.effective_from, plan.period, period_of(plan.effective_to, plan.period))
    if first == last and (first.start < plan.effective_from or first.end > plan.effective_to):
        return [warning("window-span", N_("{kind:word} {component}: its window {window} is longer than the plan "
                                          "version ({start:text} to {end:text}): it is never measured whole"),
                        where(plan, path + ("window",)), kind=kind, component=c.id, window=first.key,
                        start=plan.effective_from, end=plan.effective_to)]
    if c.pay_on == "window_end" and last.end > plan.effective_to:
        return [warning("window-span", N_("{kind:word} {component}: its last window {window} ends after "
                                          "effective_to {end:text}: what it holds is never paid by this version"),
                        where(plan, path + ("pay_on",)), kind=kind, component=c.id, window=last.key,
                        end=plan.effective_to)]
    return []
