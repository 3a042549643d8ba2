"""Pay periods: months, quarters and years, their bounds, parsing and ranges.

"2026-03" is a month, "2026-Q1" a quarter, "2026" a year; "2026-01..2026-06" a range.
A period's year is FIRST_YEAR..LAST_YEAR (1900..9998): a pay period before and after any
period parsed must have dates too (`date` ends with 9999-12-31), so no later step computing
an end, a next or a previous period can fail. Pure: no clock. Must not know about plans or money.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

import msgspec

from payplan.core.trace import N_

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")

KINDS = ("month", "quarter", "year")
FIRST_YEAR, LAST_YEAR = 1900, 9998  # the years a period may have (module docstring)


class PeriodError(ValueError):
    """A period or range that cannot be parsed or is inconsistent. `message` is a message id
    (`%(name)s` fields, as the catalogs write them), `fields` its values; `str()` is the English."""

    def __init__(self, message: str, **fields: object) -> None:
        self.message, self.fields = message, fields
        super().__init__(message % fields if fields else message)


class Period(msgspec.Struct, frozen=True, order=True):
    """One pay period. `index` is the month (1-12), quarter (1-4) or 1 for a year."""

    year: int
    kind: str
    index: int

    @property
    def key(self) -> str:
        return _bounds(self)[2]

    def _key(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}"

    @property
    def start(self) -> date:
        return _bounds(self)[0]

    @property
    def end(self) -> date:
        """Last day of the period (inclusive)."""
        return _bounds(self)[1]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "year": 12}[self.kind]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Period:
        per_year = 12 // self.months
        if self.index == per_year:
            return Period(self.year + 1, self.kind, 1)
        return Period(self.year, self.kind, self.index + 1)

    def previous(self) -> Period:
        if self.index == 1:
            return Period(self.year - 1, self.kind, 12 // self.months)
        return Period(self.year, self.kind, self.index - 1)

    def __str__(self) -> str:
        return self.key


_BOUNDS: dict[Period, tuple[date, date, str]] = {}


def _bounds(period: Period) -> tuple[date, date, str]:
    """First day, last day and key of a period, computed once per period (they are read
    for every rep the engine scores)."""
    found = _BOUNDS.get(period)
    if found is None:
        month = {"month": period.index, "quarter": 3 * period.index - 2}.get(period.kind, 1)
        last = month + period.months - 1  # the last day from its own month: 9999-12 needs no 10000-01
        found = _BOUNDS[period] = (date(period.year, month, 1),
                                   date(period.year, last, calendar.monthrange(period.year, last)[1]), period._key())
    return found


def parse_period(text: str) -> Period:
    """Parse "2026-03", "2026-Q1" or "2026"."""
    text = text.strip()
    if m := _MONTH.match(text):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(N_("%(text)r: month must be 01..12"), text=text)
        period = Period(int(m.group(1)), "month", month)
    elif m := _QUARTER.match(text):
        period = Period(int(m.group(1)), "quarter", int(m.group(2)))
    elif m := _YEAR.match(text):
        period = Period(int(m.group(1)), "year", 1)
    else:
        raise PeriodError(N_("%(text)r is not a period (expected 2026-03, 2026-Q1 or 2026)"), text=text)
    if not FIRST_YEAR <= period.year <= LAST_YEAR:
        raise PeriodError(N_("%(text)r: the year must be from %(first)s to %(last)s"), text=text, first=FIRST_YEAR,
                          last=LAST_YEAR)
    return period


def parse_range(text: str) -> list[Period]:
    """Parse a period or a range "2026-01..2026-06" into the ordered list of periods."""
    first, sep, last = text.partition("..")
    if not sep:
        return [parse_period(first)]
    start, stop = parse_period(first), parse_period(last)
    if start.kind != stop.kind:
        raise PeriodError(N_("%(text)r: both ends of a range must be the same kind of period"), text=text)
    if stop < start:
        raise PeriodError(N_("%(text)r: the range ends before it starts"), text=text)
    periods = [start]
    while periods[-1] != stop:
        periods.append(periods[-1].next())
        if len(periods) > 1200:
            raise PeriodError(N_("%(text)r: range too long"), text=text)
    return periods


def period_of(day: date, kind: str) -> Period:
    """The period of `kind` that contains `day`."""
    if kind == "month":
        return Period(day.year, "month", day.month)
    if kind == "quarter":
        return Period(day.year, "quarter", (day.month - 1) // 3 + 1)
    return Period(day.year, "year", 1)


def overlap_days(start: date, end: date, period: Period) -> int:
    """Days of [start, end] (inclusive) inside `period`."""
    lo, hi = max(start, period.start), min(end, period.end)
    return max(0, (hi - lo).days + 1)


def working_days(start: date, end: date) -> int:
    """Monday-to-Friday days in [start, end] inclusive (no holiday calendar)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(rest):
        if (start + timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def active_months(start: date, end: date, period: Period) -> int:
    """Calendar months of `period` with at least one active day in [start, end]."""
    count = 0
    for i in range(period.months):
        month = date(period.start.year, period.start.month + i, 1)
        last = date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
        if start <= last and end >= month:
            count += 1
    return count
