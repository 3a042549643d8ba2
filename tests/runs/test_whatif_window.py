"""The what-if deal counts in a windowed metric (a metric SPIFF's) only when it closes in the window."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from payplan.core.inputs import Deal, MetricValue, Rep, RepInputs
from payplan.core.periods import parse_period
from payplan.runs.whatif import with_deal

MARCH = parse_period("2026-03")
WINDOW = "deals_won[from=2026-03-10,to=2026-03-20]"


def _won(closed: date) -> dict:
    inputs = RepInputs(Rep("r"), MARCH.key, {"deals_won": MetricValue(D(1), 1), WINDOW: MetricValue(D(0), 0)})
    deal = Deal("what-if", "won", D(100), closed_at=closed, created_at=date(2026, 3, 1))
    return {k: v.value for k, v in with_deal(inputs, deal, MARCH).metrics.items()}


def test_the_what_if_deal_counts_in_a_window_only_inside_it():
    assert _won(date(2026, 3, 15)) == {"deals_won": D(2), WINDOW: D(1)}
    assert _won(date(2026, 3, 25)) == {"deals_won": D(2), WINDOW: D(0)}
