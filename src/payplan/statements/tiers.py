"""A commission's tier schedule as a statement shows it, and a retroactive re-rate in facts.

Built from the plan's `tiers` and the period's total base (the trace's `<id>.base`):
the bands as stated in the plan (amounts, or ratios for tiers on attainment or margin
rate), and, when a retroactive tier was reached, which tier re-rated the base below it.
Must not compute pay: which tier was reached is read with the engine's own band rules.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from payplan.core.plan import Commission
from payplan.core.tiers import Band, applied_tiers, band_index


class TierRow(msgspec.Struct, frozen=True):
    """One band of the plan's tier schedule; `unit` "money" or "ratio" (of from / to)."""

    index: int
    label: str
    start: Decimal
    stop: Decimal | None
    rate: Decimal
    mode: str
    unit: str


class Rerate(msgspec.Struct, frozen=True):
    """A retroactive tier reached in the period: the base below `start` is paid at `rate`."""

    total: Decimal  # the period's commissionable base
    label: str
    index: int
    start: Decimal
    rate: Decimal


def tier_rows(c: Commission) -> list[TierRow]:
    """The plan's tier schedule, in its order."""
    unit = "money" if c.tiers_on == "amount" else "ratio"
    return [TierRow(index=i, label=t.label, start=t.from_, stop=t.to, rate=t.rate, mode=t.mode, unit=unit)
            for i, t in enumerate(c.tiers)]


def rerate(c: Commission, total: Decimal | None) -> Rerate | None:
    """The retroactive tier that re-rates the lower bands, when the period's total reached one.

    Only for tiers on the period's cumulative amount (the usual case); None otherwise."""
    if total is None or c.tiers_on != "amount" or c.accumulate != "period" or c.above_quota or not c.tiers:
        return None
    bands = [Band(t.from_, t.to, t.rate, t.mode == "retroactive") for t in c.tiers]
    reached = band_index(bands, total, c.boundary)
    if reached < 1:
        return None
    chosen = applied_tiers(bands, reached)[0]
    if chosen == 0:
        return None
    tier = c.tiers[chosen]
    return Rerate(total=total, label=tier.label, index=chosen, start=tier.from_, rate=tier.rate)
