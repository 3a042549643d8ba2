"""Which window holds a period (`payplan.core.windows`), checked against windows listed by hand."""

from __future__ import annotations

from datetime import date

import msgspec
import pytest

from payplan.core.periods import parse_period
from payplan.core.plan import Commission
from payplan.core.windows import window_of

START = date(2026, 1, 1)


def _c(**fields) -> Commission:
    return msgspec.convert({"id": "c", "rate": "0.1", "measure": "window", **fields}, Commission, strict=False)


@pytest.mark.parametrize("period, key, first, last", [
    ("2026-01", "2025-11..2026-01", "2025-11", "2026-01"),  # before the anchor: windows run backwards too
    ("2026-02", "2026-02..2026-04", "2026-02", "2026-04"),
    ("2026-04", "2026-02..2026-04", "2026-02", "2026-04"),
    ("2026-05", "2026-05..2026-07", "2026-05", "2026-07"),
    ("2027-01", "2026-11..2027-01", "2026-11", "2027-01"),  # across a year end
])
def test_three_month_windows_from_february(period, key, first, last):
    w = window_of(_c(window="periods", window_periods=3, window_start=date(2026, 2, 1)), START, "month",
                  parse_period(period))
    assert (w.key, w.first.key, w.last.key, w.size) == (key, first, last, 3)


def test_periods_windows_start_at_effective_from_by_default_and_count_plan_periods():
    w = window_of(_c(window="periods", window_periods=2), date(2026, 4, 1), "quarter", parse_period("2026-Q4"))
    assert (w.key, w.start, w.end, w.size) == ("2026-Q4..2027-Q1", date(2026, 10, 1), date(2027, 3, 31), 2)


@pytest.mark.parametrize("window, plan_period, period, key, first, last, size", [
    ("year", "month", "2026-07", "2026", "2026-01", "2026-12", 12),
    ("quarter", "month", "2026-08", "2026-Q3", "2026-07", "2026-09", 3),
    ("year", "quarter", "2026-Q3", "2026", "2026-Q1", "2026-Q4", 4),
])
def test_calendar_windows(window, plan_period, period, key, first, last, size):
    w = window_of(_c(window=window), START, plan_period, parse_period(period))
    assert (w.key, w.first.key, w.last.key, w.size) == (key, first, last, size)
