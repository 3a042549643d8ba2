"""Deal, activity and NPS totals → the engine's `MetricValue`s (value, count, evidence and
the numerator and denominator of a ratio), exactly: money from stored integer units, counts
as Decimals. Must not query (`payplan.store.aggregates`, `payplan.store.deal_pass` do).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Callable

from payplan.core.inputs import MetricValue
from payplan.core.metrics import ACTIVITY_METRICS, DEAL_METRICS, MetricSpec
from payplan.core.money import D
from payplan.store.deal_pass import CENT, DealTotals

__all__ = ["DEAL_VALUES", "count", "empty_value", "median", "nps"]


def empty_value(spec: MetricSpec) -> MetricValue:
    """The value of a metric for a rep with no facts: zero for counts and sums, else undefined."""
    zero = spec.name in ACTIVITY_METRICS or spec.name in ("leads", "deals_won", "deals_lost", "revenue", "margin")
    return MetricValue(Decimal(0) if zero else None)


@lru_cache(maxsize=4096)
def _int(n: int) -> Decimal:
    return D(n)


def _evidence(*groups: tuple[str, ...]) -> tuple[str, ...]:
    """Sorted ids of one or more groups (each already sorted)."""
    if len(groups) == 1:
        return groups[0]
    return tuple(sorted({i for ids in groups for i in ids}))


def _disjoint(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    """Two sorted groups of ids that share none (a deal is won or lost, not both), as one."""
    return tuple(sorted(first + second)) if first and second else first or second


def count(n: int, *ids: tuple[str, ...]) -> MetricValue:
    return MetricValue(_int(n), n, _evidence(*ids))


def _ratio(num: Decimal, den: Decimal, count: int, *ids: tuple[str, ...]) -> MetricValue:
    return MetricValue(num / den if den else None, count, _evidence(*ids), num, den)


_CENTS = Decimal("0.01")


def _money(units: int, places: int) -> Decimal:
    """Stored units back to money, keeping at least cents and dropping only trailing zeros."""
    per_cent = 10 ** (places - 2)
    if units % per_cent == 0:  # the usual case (no split credit): whole cents
        return CENT * (units // per_cent)  # exact, as Decimal(...).scaleb(-2)
    value = D(units).scaleb(-places)
    cents = value.quantize(_CENTS)
    return cents if cents == value else value.normalize()


def nps(answers: int, promoters: int, detractors: int, ids: tuple[str, ...]) -> MetricValue:
    net = _int(promoters - detractors)
    return MetricValue(net * 100 / answers if answers else None, answers, ids, net, _int(answers))


def median(t: DealTotals) -> MetricValue:
    total = _int(t.median_days)
    return MetricValue(total / t.median_count, t.won, t.won_ids, total, _int(t.median_count))


def _won_value(value: Decimal, t: DealTotals) -> MetricValue:
    return MetricValue(value, t.won, t.won_ids)


DEAL_VALUES: dict[str, Callable[[DealTotals], MetricValue]] = {
    "leads": lambda t: count(t.leads, t.lead_ids),
    "deals_won": lambda t: count(t.won, t.won_ids),
    "deals_lost": lambda t: count(t.lost, t.lost_ids),
    "win_rate": lambda t: MetricValue(_int(t.won) / _int(t.won + t.lost) if t.won or t.lost else None, t.won + t.lost,
                                      _disjoint(t.won_ids, t.lost_ids), _int(t.won), _int(t.won + t.lost)),
    "lead_conversion": lambda t: _ratio(_int(t.leads_won), _int(t.leads), t.leads, t.lead_ids),
    "revenue": lambda t: _won_value(_money(t.revenue, 8), t),
    "margin": lambda t: _won_value(_money(t.margin, 8), t),
    "margin_rate": lambda t: _ratio(_money(t.margin, 8), _money(t.revenue, 8), t.won, t.won_ids),
    "avg_deal_size": lambda t: _ratio(_money(t.amount, 2), _int(t.won), t.won, t.won_ids),
    "cycle_days_mean": lambda t: _ratio(_int(t.cycle_days), _int(t.won), t.won, t.won_ids),
}
assert set(DEAL_VALUES) | {"cycle_days_median"} == DEAL_METRICS
