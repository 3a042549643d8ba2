"""One raw fact row being validated: typed getters (text, ids, days, instants, numbers, choices)
that record a problem naming the file, row and column and return None.

Used by the fact files' row builders (`payplan.facts.read`). Must not decide which columns a
fact kind has, nor store anything.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from decimal import Decimal

from payplan.core import bounds
from payplan.core.money import D
from payplan.core.periods import FIRST_YEAR, LAST_YEAR
from payplan.facts.problems import FactProblem
from payplan.i18n import N_

NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LIMITS = {2: bounds.FACT_MONEY, 6: bounds.FACT_MICRO}  # cents and millionths in 64-bit integers


class Cells:
    """One raw row being validated: typed getters record problems and return None."""

    def __init__(self, file: str, row: int, values: dict[str, str], problems: list[FactProblem]):
        self.file, self.row, self.values, self.problems = file, row, values, problems
        self.ok = True
        self.extras: tuple[str, ...] = ()  # extra numeric columns kept (deals)

    def fail(self, column: str | None, message: str, words: tuple[str, ...] = (), **fields: object) -> None:
        """Record a problem: `message` is a message id filled by `fields` (`payplan.facts.problems`)."""
        self.ok = False
        self.problems.append(FactProblem(self.file, self.row, column, message, fields, words))

    def text(self, column: str, required: bool = True) -> str | None:
        value = (self.values.get(column) or "").strip()
        if not value:
            if required:
                self.fail(column, N_("a value is required"))
            return None
        return value

    def ident(self, column: str, required: bool = True) -> str | None:
        value = self.text(column, required)
        if value is not None and _CONTROL.search(value):
            self.fail(column, N_("%(value)r contains control characters"), value=value)
            return None
        return value

    def day(self, column: str, required: bool = True) -> date | None:
        value = self.text(column, required)
        if value is None:
            return None
        parsed = parse_day(value)
        if parsed is None:
            self.fail(column, N_("%(value)r is not an ISO 8601 date (expected YYYY-MM-DD)"), value=value)
        elif not FIRST_YEAR <= parsed.year <= LAST_YEAR:  # the years of a pay period (core.periods)
            self.fail(column, N_("%(value)s is outside the years %(first)s to %(last)s"), value=value,
                      first=FIRST_YEAR, last=LAST_YEAR)
            return None
        return parsed

    def instant(self, column: str) -> datetime | None:
        """The column's instant in UTC (naive) when it is a timestamp with an offset, else None
        (a date, or a time without an offset: a wall-clock day, bucketed as it stands)."""
        value = self.text(column, False)
        return utc_instant(value) if value is not None else None

    def number(self, column: str, places: int, required: bool = True, what: str = N_("decimal amount")) -> Decimal | None:
        value = self.text(column, required)
        if value is None:
            return None
        shown = repr(value) if len(value) <= 40 else repr(value[:30] + "…")
        if not NUMBER.match(value):
            self.fail(column, N_("%(value)s is not a %(what)s"), ("what",), value=shown, what=what)
            return None
        if len(value.partition(".")[2]) > places:
            self.fail(column, N_("%(value)s has more than %(places)s decimal places"), value=shown, places=places)
            return None
        limit = _LIMITS.get(places, bounds.FACT_EXTRA)
        number = Decimal(value)
        if abs(number) > limit:
            self.fail(column, N_("%(value)s is out of range: a %(what)s here is at most %(limit)s"), ("what",),
                      value=shown, what=what, limit=f"{limit:,}")
            return None
        return D(number)

    def choice(self, column: str, allowed: tuple[str, ...]) -> str | None:
        value = self.text(column)
        if value is not None and value not in allowed:
            self.fail(column, N_("%(value)r is not one of %(allowed)s"), value=value, allowed=", ".join(allowed))
            return None
        return value


def parse_day(text: str) -> date | None:
    """An ISO 8601 date, or a datetime reduced to its (UTC, when offset-aware) date; a moment whose
    UTC day is not a `date` (0001-01-01T00:00+01:00) keeps its own day."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(timezone.utc)
        except OverflowError:
            pass
    return moment.date()


def utc_instant(text: str) -> datetime | None:
    """An offset-aware ISO 8601 timestamp as a naive UTC datetime; None for anything else."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    try:
        return moment.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:  # before 0001-01-01 or after 9999-12-31 in UTC: the day is refused (`Cells.day`)
        return None
