"""Proration: calendar days (leap years), working days and whole months (hand-computed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from payplan.core.inputs import Rep
from payplan.core.periods import parse_period
from payplan.core.plan import Fixed, Plan, Proration
from payplan.core.proration import active_window, factor


def _plan(period: str, method: str = "calendar_days", start: date = date(2000, 1, 1),
          end: date | None = None) -> Plan:
    return Plan(id="p", version=1, name="p", effective_from=start, effective_to=end, period=period,
                currency="USD", components=[Fixed(id="f", amount=D(1))], proration=Proration(method=method))


def _factor(period: str, method: str, hired: date | None = None, left: date | None = None, **kw) -> D:
    return factor(_plan(parse_period(period).kind, method, **kw), Rep("r", hired_on=hired, terminated_on=left),
                  parse_period(period))[0]


def test_whole_period_is_one():
    assert _factor("2025", "calendar_days", date(2020, 1, 1)) == 1
    assert factor(_plan("year"), Rep("r", hired_on=date(2020, 1, 1)), parse_period("2025"))[1] == "active the whole period"


@pytest.mark.parametrize("year, hired, days, of", [
    ("2025", date(2025, 9, 1), 122, 365),   # EX36: Sep 1 – Dec 31 inclusive
    ("2025", date(2025, 11, 1), 61, 365),   # EX37
    ("2025", date(2025, 7, 1), 184, 365),   # lumocalculator
    ("2024", date(2024, 9, 1), 122, 366),   # leap year: same days, 366 in the year
    ("2024", date(2024, 2, 29), 307, 366),  # hired on the leap day
])
def test_calendar_days_inclusive_with_leap_years(year, hired, days, of):
    assert _factor(year, "calendar_days", hired) == D(days) / D(of)


def test_calendar_days_for_a_leaver_and_the_money_it_gives():
    prorate = _factor("2025", "calendar_days", date(2020, 1, 1), date(2025, 3, 31))
    assert prorate == D(90) / D(365)
    assert (D(10000) * prorate).quantize(D("0.01")) == D("2465.75")
    assert (D(10000) * D(122) / D(365)).quantize(D("0.01")) == D("3342.47")


def test_february_of_a_leap_year_has_29_days():
    assert _factor("2024-02", "calendar_days", date(2024, 2, 15)) == D(15) / D(29)
    assert _factor("2025-02", "calendar_days", date(2025, 2, 15)) == D(14) / D(28)


def test_working_days_count_monday_to_friday():
    # March 2026: 1st is a Sunday; 22 working days. Hired Monday 16th: 16–31 has 12.
    assert _factor("2026-03", "working_days", date(2026, 3, 16)) == D(12) / D(22)
    # hired on a Saturday: the weekend does not count
    assert _factor("2026-03", "working_days", date(2026, 3, 28)) == D(2) / D(22)


def test_months_method_counts_months_with_an_active_day():
    # EX38: start 1 March → Q1 has one active month of three
    assert _factor("2019-Q1", "months", date(2019, 3, 1)) == D(1) / D(3)
    assert _factor("2019-Q1", "months", date(2019, 3, 31)) == D(1) / D(3)  # 3/31, not 3/30
    assert _factor("2019-Q1", "months", date(2019, 2, 15)) == D(2) / D(3)
    assert _factor("2019-Q2", "months", date(2019, 3, 1)) == 1
    # a December start still has one month in Q4 (the forum formula's Min(3, 12 − month) gives 0)
    assert _factor("2019-Q4", "months", date(2019, 12, 1)) == D(1) / D(3)
    assert _factor("2019", "months", date(2019, 3, 1)) == D(10) / D(12)


def test_plan_version_dates_bound_the_window():
    plan = _plan("month", start=date(2026, 3, 11), end=date(2026, 3, 20))
    assert active_window(plan, Rep("r"), parse_period("2026-03")) == (date(2026, 3, 11), date(2026, 3, 20))
    assert factor(plan, Rep("r"), parse_period("2026-03"))[0] == D(10) / D(31)


def test_not_active_is_zero_and_none_method_is_one():
    assert _factor("2026-03", "calendar_days", date(2026, 4, 1)) == 0
    assert _factor("2026-03", "none", date(2026, 3, 20)) == 1
