"""Tier tables: slicing an amount across bands and choosing the rate of each slice.

Each tier is marginal (its rate pays only the slice inside it) or retroactive
(once the total reaches it, its rate also pays every slice below it). A slice in
tier i is paid at the rate of the highest tier j ≥ i that is i itself or a
retroactive tier the total reached. `boundary` says which side of an edge a
band owns: "lower" = [from, to), "upper" = (from, to] (a value exactly on an
edge then stays in the lower tier). Under "upper" a band starting at or below 0
also owns its start, so 0 always has a tier; a first band starting above 0
(a threshold) does not. Must not know about deals or plans.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

ZERO = Decimal(0)


class Band(msgspec.Struct, frozen=True):
    start: Decimal
    stop: Decimal | None  # None = open-ended
    rate: Decimal
    retroactive: bool = False


def band_index(bands: list[Band], value: Decimal, boundary: str = "lower") -> int:
    """Index of the band that contains `value` (-1 when below every band).

    A value in a gap between bands (which the linter reports) counts as in the
    band below the gap.
    """
    below = -1
    for i, band in enumerate(bands):
        if contains(band, value, boundary, first=i == 0):
            return i
        if value >= band.start:
            below = i
    return below


def contains(band: Band, value: Decimal, boundary: str, first: bool = False) -> bool:
    """Whether `value` lies in `band` under the boundary rule (`first`: the lowest band)."""
    if boundary == "lower":
        low_ok = value >= band.start
        high_ok = band.stop is None or value < band.stop
    else:
        low_ok = value > band.start or (first and band.start <= 0 and value == band.start)
        high_ok = band.stop is None or value <= band.stop
    return low_ok and high_ok


def applied_tiers(bands: list[Band], reached: int) -> list[int]:
    """For each band i, the band whose rate pays slices in i, given the reached band."""
    result = []
    for i in range(len(bands)):
        chosen = i
        for j in range(i + 1, reached + 1):
            if bands[j].retroactive:
                chosen = j
        result.append(chosen)
    return result


def slice_segment(bands: list[Band], lo: Decimal, hi: Decimal) -> list[tuple[int, Decimal]]:
    """Split the axis segment [lo, hi) into (band index, amount) pieces.

    Bands are sorted and gap-checked by the linter, so the walk stops at the
    first band that starts at or above `hi` (this runs once per deal).
    """
    pieces = []
    for i, band in enumerate(bands):
        if band.start >= hi:
            break
        stop = band.stop
        if stop is not None and stop <= lo:
            continue
        top = hi if stop is None or stop > hi else stop
        bottom = lo if lo > band.start else band.start
        if top > bottom:
            pieces.append((i, top - bottom))
    return pieces
