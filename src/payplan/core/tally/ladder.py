"""A commission's deal lines by value, where its tier bands run from 0 without a gap.

`ladder_sums` is the fast path of `payplan.core.tally.commission`: it pays each deal
base × the rate of the band it falls in (or its pieces across an edge), and proves
the result equal to what the engine's running-sum slicing gives (see there). Also
here: `reach`, `band_index` by bisection, and `sliced`, the engine's slicing of one
segment. Must not read plans or inputs beyond the rate table and the deal columns.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from decimal import Decimal, Inexact
from itertools import repeat
from operator import mul

from payplan.core.plan import Commission
from payplan.core.tally.rules import Rules
from payplan.core.tiers import Band, band_index

ZERO = Decimal(0)


def ladder_sums(ladder: tuple | None, known: tuple, c: Commission, rules: Rules, paid: list | None, flags,
                 need_unrounded: bool) -> tuple[Decimal | None, Decimal] | None:
    """`commission._period_sums` by deal values, where the rate table's bands (its
    `ladder_of`) run from 0 without a gap up to the running sum's highest point. None
    when that is not so, or not provably exact.

    The engine pays a deal the part of [lo, hi) in each band × that band's rate, where
    lo and hi are the running sums before and after it, each raised to 0 if below:
    base × r for a deal inside one band (hi × r when lo was raised), Σ piece × r for
    one across an edge, 0 when hi ≤ lo.
    A Decimal operation whose exact result has at most 28 significant digits returns
    that value, so the engine's lines equal these values whenever every step is
    exact — and each is: the running sums are `sums` (made without an Inexact signal,
    or this is not called), hi − lo is the base itself (or hi), the product is
    computed here without Inexact, and a crossing deal's pieces are computed here
    as the engine computes them. Equal values quantize to the same line (a −0 product is made +0,
    as ZERO + … does there). The unrounded sum only ever meets multiplication and
    rounding, so its value is all that matters.
    """
    ids, values, sums, _, high, pays = known
    if ladder is None or high > ladder[2]:
        return None  # a band missing from 0, or a running sum past the bands' end
    edges, rates, _, table = ladder
    flags[Inexact] = False
    if pays is None:
        amounts = _rising(values, sums, edges, rates, table)
    else:
        amounts = _winding(len(values), pays, high, edges, rates, table)
    unrounded = sum(amounts, ZERO) if need_unrounded else None
    if flags[Inexact]:
        return None
    if paid is not None:
        amounts = [ZERO + amount for amount in amounts]
    lines = list(map(rules.money, amounts))
    if paid is not None:
        paid.extend(zip(ids, lines, repeat(c.id)))
    return unrounded, sum(lines, rules.zero)


def _rising(values: list[Decimal], sums: list[Decimal], edges: list[Decimal], rates: list[Decimal],
            table: list) -> list[Decimal]:
    """Deal values when no base is negative: the running sums only rise, so bisecting
    them at each edge splits the deals into runs that share a band's rate; a deal
    across an edge is sliced."""
    n, top = len(values), sums[-1]
    amounts: list[Decimal] = []
    start, crossing = 0, []
    for edge, rate in zip(edges, rates):  # `rate`: the band below `edge`
        k = bisect_left(sums, edge) if edge < top else n + 1  # sums[k - 1] < edge <= sums[k]
        end = min(k, n)  # deals from k start at or above the edge
        amounts += map(mul, values[start:end], repeat(rate))
        start = max(start, end)
        if 0 < k <= n and edge < sums[k]:
            crossing.append(k - 1)
    amounts += map(mul, values[start:], repeat(rates[-1]))
    for k in crossing:
        lo = sums[k]
        amounts[k] = _across(lo, sums[k + 1], bisect_right(edges, lo), edges, rates, table)
    return amounts


def _across(lo: Decimal, hi: Decimal, j: int, edges: list[Decimal], rates: list[Decimal], table: list) -> Decimal:
    """`sliced` for a deal from band j across its top edge: when it ends in the next
    band, its two pieces added as `sliced` adds them (the edge is that band's stop and
    the next one's start: equal values)."""
    if j + 1 < len(edges) and hi > edges[j + 1]:
        return sliced(table, lo, hi)
    edge = edges[j]
    return ZERO + (edge - lo) * rates[j] + (hi - edge) * rates[j + 1]


def _winding(n: int, pays: list[tuple], high: Decimal, edges: list[Decimal], rates: list[Decimal],
             table: list) -> list[Decimal]:
    """Deal values when the running sum also falls: each paying deal's (hi − lo) × the
    rate of the band lo is in, or its pieces when it crosses an edge; 0 for the others."""
    amounts = [ZERO] * n
    if not edges or high <= edges[0]:  # every deal in the first band
        rate = rates[0]
        for k, _, _, value in pays:
            amounts[k] = value * rate
        return amounts
    last = len(edges)
    for k, lo, hi, value in pays:
        j = bisect_right(edges, lo)
        amounts[k] = _across(lo, hi, j, edges, rates, table) if j < last and hi > edges[j] else value * rates[j]
    return amounts


_REACH: dict[tuple[int, str], tuple[list, Callable[[Decimal], int]]] = {}


def reach(bands: list[Band], boundary: str) -> Callable[[Decimal], int]:
    """`band_index` over these bands, by bisection when they follow one another without
    a gap (the linter's rule; with a gap, `band_index` itself). Once per bands list."""
    entry = _REACH.get((id(bands), boundary))
    if entry is not None and entry[0] is bands:
        return entry[1]
    starts = [band.start for band in bands]
    if not bands or any(a.stop is None or a.stop != b.start for a, b in zip(bands, bands[1:])):
        def find(value: Decimal) -> int:
            return band_index(bands, value, boundary)
    elif boundary == "lower":  # [from, to): the last band starting at or below the value
        def find(value: Decimal) -> int:
            return bisect_right(starts, value) - 1
    else:  # (from, to]: the last band starting below it; the first start is the first band's
        first = starts[0]  # when at or below 0, else (in no band) the last band starting there

        def find(value: Decimal) -> int:
            i = bisect_left(starts, value) - 1
            if i < 0 and value == first:
                return 0 if first <= 0 else bisect_right(starts, value) - 1
            return i
    if len(_REACH) > 1024:
        _REACH.clear()
    _REACH[(id(bands), boundary)] = (bands, find)
    return find


_LADDERS: dict[int, tuple[list, tuple | None]] = {}


def ladder_of(table: list[tuple]) -> tuple[list[Decimal], list[Decimal], Decimal, list] | None:
    """(the edges between bands, each band's rate, where the bands end, the table as
    `edges_of`) for the bands that run from 0 without a gap; None when the first band
    does not start at 0. Once per cached table."""
    entry = _LADDERS.get(id(table))
    if entry is not None and entry[0] is table:
        return entry[1]
    rows = edges_of(table)
    found = None
    if rows and rows[0][0] == 0:
        edges, rates, stop = [], [rows[0][2]], rows[0][1]
        for start, next_stop, rate in rows[1:]:
            if start != stop:
                break
            edges.append(start)
            rates.append(rate)
            stop = next_stop
        found = (edges, rates, stop, rows)
    if len(_LADDERS) > 1024:
        _LADDERS.clear()
    _LADDERS[id(table)] = (table, found)
    return found



def sliced(table: list[tuple[Decimal, Decimal, Decimal]], lo: Decimal, hi: Decimal) -> Decimal:
    """The segment [lo, hi) across the bands, as `commission._period_lines` slices it.
    An open-ended band stops at Infinity here, which takes the same branches as None there."""
    amount = ZERO
    for start, stop, rate in table:
        if start >= hi:
            break
        if stop <= lo:
            continue
        top = hi if stop > hi else stop
        bottom = lo if lo > start else start
        if top > bottom:
            amount += (top - bottom) * rate
    return amount


INFINITY = Decimal("Infinity")
_EDGES: dict[int, tuple[list, list]] = {}


def edges_of(table: list[tuple]) -> list[tuple[Decimal, Decimal, Decimal]]:
    """A rate table as (start, stop or Infinity, rate), once per cached table."""
    entry = _EDGES.get(id(table))
    if entry is not None and entry[0] is table:
        return entry[1]
    edges = [(start, INFINITY if stop is None else stop, rate) for _, start, stop, rate, _ in table]
    if len(_EDGES) > 1024:
        _EDGES.clear()
    _EDGES[id(table)] = (table, edges)
    return edges
