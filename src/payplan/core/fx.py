"""Currency conversion of deal money into the plan's pay currency: which rate, and the rounding.

A plan with an `[fx]` table (`payplan.core.plan.Fx`) pays deals in other currencies at
dated rates (fx_rates.csv: 1 `from` = `rate` `to`). The rate date is the deal's close
date, the period's end, or the period's average (the mean of the rates dated in the
period, exact). A missing rate is an error, or (`missing = "last_earlier"`) the latest
rate dated at most `max_days` before. Each amount is multiplied at full precision and
rounded once, half up, to the pay currency's minor unit, per deal.
Pure: rates arrive as data; must not read the database (`payplan.store.fx` does).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import msgspec

from payplan.core.money import minor_units, quantum
from payplan.core.periods import Period
from payplan.core.trace import N_


class FxRate(msgspec.Struct, frozen=True, gc=False):
    """The rate a deal was converted at: `day` is the rate's date (None for an average),
    `wanted` the date the plan asked for when an earlier rate stood in for it."""

    rate: Decimal  # for an average: the sum of the rates averaged (see `times`)
    day: date | None = None
    wanted: date | None = None
    average_of: int = 0  # how many dated rates were averaged (period_average)

    def times(self, amount: Decimal) -> Decimal:
        """`amount` × this rate, exact for an average too (amount × sum ÷ count, divided last)."""
        return amount * self.rate / self.average_of if self.average_of else amount * self.rate

    @property
    def shown(self) -> Decimal:
        """The rate as printed: an average to 6 places (the rate file's precision)."""
        return (self.rate / self.average_of).quantize(Decimal("0.000001"), ROUND_HALF_UP) if self.average_of else self.rate


class Converted(msgspec.Struct, frozen=True, gc=False):
    """A deal's money before conversion, and the rate used (carried on `Deal.fx`)."""

    currency: str
    amount: Decimal
    cost: Decimal
    rate: FxRate


class MissingRate(Exception):
    """No usable rate: names the pair and the date asked for."""

    def __init__(self, source: str, target: str, day: date | str):
        super().__init__(f"{source}/{target} {day}")
        self.source, self.target, self.day = source, target, day


Rates = dict[tuple[str, str], list[tuple[date, Decimal]]]  # (from, to) → [(day, rate)] sorted by day


def rate_for(rates: Rates, source: str, target: str, day: date, missing: str, max_days: int) -> FxRate:
    """The rate from `source` to `target` for `day` under the plan's missing-rate policy."""
    series = rates.get((source, target), [])
    i = bisect_right(series, (day, Decimal("Infinity"))) - 1
    if i >= 0:
        found, rate = series[i]
        if found == day:
            return FxRate(rate, found)
        if missing == "last_earlier" and found >= day - timedelta(days=max_days):
            return FxRate(rate, found, wanted=day)
    raise MissingRate(source, target, day)


def period_rate(rates: Rates, source: str, target: str, period: Period, rule: str,
                missing: str, max_days: int) -> FxRate:
    """The rate of a whole period: at its end, or the exact mean of the rates dated in it."""
    if rule == "period_end":
        return rate_for(rates, source, target, period.end, missing, max_days)
    inside = [r for d, r in rates.get((source, target), []) if period.start <= d <= period.end]
    if inside:
        return FxRate(sum(inside, Decimal(0)), average_of=len(inside))
    if missing == "last_earlier":  # no rate in the period: the last one before it, within max_days
        return rate_for(rates, source, target, period.start, missing, max_days)
    raise MissingRate(source, target, period.key)


def convert(amount: Decimal, rate: FxRate, currency: str) -> Decimal:
    """`amount` × `rate` exactly, rounded once, half up, to `currency`'s minor unit."""
    return rate.times(amount).quantize(quantum(minor_units(currency)), ROUND_HALF_UP)


def deal_rate(rates: Rates, source: str, target: str, closed_at: date, period: Period, rule: str,
              missing: str, max_days: int) -> FxRate:
    """The rate for one deal closed on `closed_at`, evaluated in `period`."""
    if rule == "close_date":
        return rate_for(rates, source, target, closed_at, missing, max_days)
    return period_rate(rates, source, target, period, rule, missing, max_days)


# How a converted deal's money is shown on its lines (templates: `payplan.core.trace.fill`).
CONVERSION = N_("{currency} {original:money} × {rate} ({source} {day:date}) = {pay} {converted:money}")
CONVERSION_EARLIER = N_("{currency} {original:money} × {rate} ({source} {day:date}, the last rate before "
                        "{wanted:date}) = {pay} {converted:money}")
CONVERSION_AVERAGE = N_("{currency} {original:money} × {rate} ({source} average of {count} rates in {period}) "
                        "= {pay} {converted:money}")


def conversion_cause(deal_amount: Decimal, note: Converted, source: str, pay: str,
                     period_key: str) -> tuple[str, dict]:
    """The template and inputs of a deal line's conversion: its original amount, rate and date."""
    rate = note.rate
    inputs = {"currency": note.currency, "original": note.amount, "rate": rate.shown,
              "source": source or "fx_rates.csv", "pay": pay, "converted": deal_amount}
    if rate.average_of:
        return CONVERSION_AVERAGE, inputs | {"count": rate.average_of, "period": period_key}
    if rate.wanted is not None:
        return CONVERSION_EARLIER, inputs | {"day": rate.day, "wanted": rate.wanted}
    return CONVERSION, inputs | {"day": rate.day}


def with_conversions(lines: list, deals: tuple, source: str, pay: str, period_key: str) -> list:
    """Deal lines of converted deals with the conversion as their cause (lines with a cause
    of their own keep it)."""
    converted = {d.id: d for d in deals if d.fx is not None}
    if not converted:
        return lines
    out = []
    for line in lines:
        deal = converted.get(line.deal_id) if line.deal_id else None
        if deal is not None and not line.cause:
            cause, inputs = conversion_cause(deal.amount, deal.fx, source, pay, period_key)
            line = msgspec.structs.replace(line, cause=cause, inputs={**line.inputs, **inputs})
        out.append(line)
    return out
