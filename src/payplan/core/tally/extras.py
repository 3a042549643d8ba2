"""The tally of SPIFFs and fixed pay: their amounts, as `payplan.core.extras` computes them.

`evaluate_spiff` (per qualifying deal on revenue or margin, or per unit of a
metric, then its cap) and `evaluate_fixed` without lines or trace, for
`payplan.core.tally`, rep by rep over a batch. Must not build lines, trace nodes or issues.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.extras import in_window
from payplan.core.inputs import RepInputs
from payplan.core.metrics import MetricSpec
from payplan.core.periods import Period
from payplan.core.plan import Fixed, Spiff
from payplan.core.products import pays_on, unlisted
from payplan.core.simulate import pays_volume
from payplan.core.tally.batch import Batch
from payplan.core.tally.rules import Rules

ZERO = Decimal(0)


def spiff_step(c: Spiff, rules: Rules):
    """The SPIFF's lines summed as `_collect` sums them, then its cap on that sum."""
    volume = pays_volume(c)
    key = MetricSpec(c.metric).key if c.metric is not None else None

    def step(batch: Batch) -> tuple[list[Decimal], list[Decimal] | None]:
        amounts = []
        for i, inputs in enumerate(batch.items):
            lines = (_metric_line(c, key, inputs, batch.period, rules) if key is not None
                     else _deal_lines(c, inputs, rules))
            if lines is None:  # `evaluate` warns of a deal of an unlisted product
                batch.dead.add(i)
                lines = ()
            amount = rules.zero
            for line in lines:
                amount += line
            if c.cap is not None and amount > c.cap:
                amount += rules.money(c.cap - amount)
            amounts.append(amount)
        return amounts, (amounts if volume else None)

    return step


def _deal_lines(c: Spiff, inputs: RepInputs, rules: Rules) -> list[Decimal] | None:
    """Each qualifying deal's line; None when a deal's product is in neither list."""
    per_deal, rate, margin = c.per_deal or ZERO, c.rate or ZERO, c.base == "margin"
    lines = []
    for deal in inputs.deals:
        if deal.status != "won" or not in_window(c, deal.closed_at):
            continue
        if not pays_on(c, deal.product):
            if unlisted(c, deal):
                return None
            continue
        base = (deal.amount - deal.cost) * deal.share if margin else deal.amount * deal.share
        lines.append(rules.money(per_deal * deal.share + rate * base))
    return lines


def _metric_line(c: Spiff, key: str, inputs: RepInputs, period: Period, rules: Rules) -> list[Decimal]:
    overlaps = (c.starts is None or c.starts <= period.end) and (c.ends is None or c.ends >= period.start)
    mv = inputs.metrics.get(key)
    units = mv.value if mv is not None and mv.value is not None and overlaps else ZERO
    return [rules.money(units * (c.per_unit or ZERO))]


def fixed_step(c: Fixed, rules: Rules):
    """The fixed amount (or the rep's salary) × the active share of the period, rounded."""

    def step(batch: Batch) -> tuple[list[Decimal], None]:
        amounts = []
        for inputs, prorate in zip(batch.items, batch.prorates):
            base = (inputs.rep.salary or ZERO) if c.from_salary else (c.amount or ZERO)
            amounts.append(rules.zero + rules.money(base * prorate))
        return amounts, None

    return step
