"""The windows a cumulative component measures over: which window holds a period.

A component with `measure = "window"` (a commission or a scorecard) measures since the
start of its window: the calendar `"year"` or `"quarter"` holding the period, or, with
`window = "periods"`, consecutive runs of `window_periods` plan periods counted from
`window_start` (default: the plan version's `effective_from`). Must not compute pay, nor
read facts: it only answers which periods a window spans.
"""

from __future__ import annotations

from datetime import date

import msgspec

from payplan.core.periods import Period, period_of
from payplan.core.plan import Commission, Plan, Scorecard

Windowed = Commission | Scorecard


class Window(msgspec.Struct, frozen=True):
    """One window: its key ("2026", "2026-Q1", "2026-04..2026-09"), its first and last plan
    periods and how many plan periods it spans."""

    key: str
    first: Period
    last: Period
    size: int

    @property
    def start(self) -> date:
        return self.first.start

    @property
    def end(self) -> date:
        return self.last.end


def measures_window(c: object) -> bool:
    """Whether a component measures over a window (its pay depends on earlier periods)."""
    return getattr(c, "measure", "period") == "window"


def window_size(c: Windowed, plan_period: str) -> int:
    """How many plan periods the component's window spans (0 when shorter than one)."""
    if c.window == "periods":
        return c.window_periods or 0
    return {"year": 12, "quarter": 3}[c.window] // {"month": 1, "quarter": 3, "year": 12}[plan_period]


def window_of(c: Windowed, plan_start: date, plan_period: str, period: Period) -> Window:
    """The window of component `c` (of a plan starting `plan_start`) holding `period`."""
    if c.window != "periods":
        calendar = period_of(period.start, c.window)
        return Window(calendar.key, period_of(calendar.start, plan_period), period_of(calendar.end, plan_period),
                      window_size(c, plan_period))
    size = max(c.window_periods or 1, 1)
    anchor = period_of(c.window_start or plan_start, plan_period)
    first = shift(anchor, (ordinal(period) - ordinal(anchor)) // size * size)
    last = shift(first, size - 1)
    return Window(f"{first.key}..{last.key}", first, last, size)


def ordinal(period: Period) -> int:
    """The period's position on a line of periods of its kind (consecutive periods differ by 1)."""
    return period.year * (12 // period.months) + period.index - 1


def shift(period: Period, n: int) -> Period:
    """The period `n` periods after (or, negative, before) `period`."""
    per_year = 12 // period.months
    year, index = divmod(ordinal(period) + n, per_year)
    return Period(year, period.kind, index + 1)


def history_start(plan: Plan, period: Period) -> Period:
    """The earliest plan period whose results a run of `period` needs for its windows:
    the first period of the earliest window holding `period`, over the plan's components."""
    firsts = [window_of(c, plan.effective_from, plan.period, period).first
              for c in plan.components if measures_window(c)]
    return min(firsts, default=period)
