"""The tally of a commission: its amount, and each deal's paid line when clawbacks need them.

`evaluate_commission` without lines, slices or trace, for `payplan.core.tally`:
the same Decimal operations in the same order. Must not build lines, trace nodes
or issues; returns None where the engine would record one.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.commission import CommissionInfo, allocate, commission_bands, commission_info, rate_table
from payplan.core.inputs import RepInputs
from payplan.core.periods import Period
from payplan.core.plan import Commission
from payplan.core.simulate import pays_volume
from payplan.core.tally.rules import Rules, gated
from payplan.core.tiers import Band, band_index, contains

ZERO, ONE = Decimal(0), Decimal(1)


def commission_step(c: Commission, rules: Rules):
    """`evaluate_commission`'s amount; all of it is volume pay when `pays_volume` says so."""
    info = commission_info(c)
    volume = pays_volume(c)
    multipliers = [Band(m.from_, m.to, m.factor) for m in c.multipliers]

    def step(inputs: RepInputs, period: Period, prorate: Decimal, out: dict[str, Decimal], paid: list | None):
        amount = _commission(c, info, multipliers, inputs, prorate, rules, paid)
        if amount is None:
            return None
        return amount, (amount if volume else None)

    return step


def _commission(c: Commission, info: CommissionInfo, multipliers: list[Band], inputs: RepInputs,
                prorate: Decimal, rules: Rules, paid: list | None) -> Decimal | None:
    """Deal lines, then multiplier, gates, cap or floor, summed as `_collect` sums them.
    A cap or floor compares the sum of the lines so far (`amount`, by value). Each deal
    line's (deal id, amount, component id) goes to `paid` when it is a list."""
    products = c.products
    deals = [d for d in inputs.deals if d.status == "won" and (not products or d.product in products)]
    if c.base == "margin":
        bases = {d.id: (d.amount - d.cost) * d.share for d in deals}
    else:
        bases = {d.id: d.amount * d.share for d in deals}
    total = sum(bases.values(), ZERO)
    quota = None
    if info.needs_quota or c.quota is not None:
        quota = rules.target(inputs, c.quota_key, c.quota, True, prorate)
        if quota is None or quota <= 0:
            return None
    bands = commission_bands(c, info, quota, prorate)[0]
    if c.tiers_on != "margin_rate" and c.accumulate == "period" and len(bases) == len(deals):
        unrounded, amount = _period_sums(c, info, bases, total, bands, quota, rules, paid)
    else:
        unrounded, amount = _allocated_sums(c, deals, bases, bands, quota, rules, paid)
    if multipliers:
        measure = (total / quota if quota else None) if c.multipliers_on == "attainment" else total
        delta = _multiplier_delta(c, multipliers, measure, unrounded)
        if delta is not None:
            amount += rules.money(delta)
            unrounded += delta
    if c.gates:
        amount = gated(c.gates, unrounded, amount, inputs, {}, rules)
    if c.cap is not None and amount > c.cap:
        amount += rules.money(c.cap - amount)
    elif c.floor is not None and amount < c.floor:
        amount += rules.money(c.floor - amount)
    return amount


def _period_sums(c: Commission, info: CommissionInfo, bases: dict[str, Decimal], total: Decimal,
                 bands: list[Band], quota: Decimal | None, rules: Rules,
                 paid: list | None) -> tuple[Decimal, Decimal]:
    """`commission._period_lines` without its lines and slices: the unrounded sum of the
    deal amounts and the sum of the rounded ones, by the same arithmetic.

    Deals run up a cumulative axis, so the band holding a deal's start only moves
    up (`k`, reset when a negative base steps back); a deal inside that band is one
    slice, base × rate — the same value the scan over all bands finds. Only a deal
    crossing an edge is scanned (`_sliced`).
    """
    offset = quota if c.above_quota and quota else ZERO
    table = _edges(rate_table(info, bands, total - offset, c.boundary))
    quantum, mode, last = rules.quantum, rules.mode, len(table) - 1
    unrounded, summed = ZERO, rules.zero
    cumulative, k = -offset, 0
    for deal_id, base in bases.items():
        lo, hi = cumulative, cumulative + base
        cumulative = hi
        if ZERO > lo:
            lo = ZERO
        if ZERO > hi:
            hi = ZERO
        while k < last and table[k][1] <= lo:
            k += 1
        start, stop, rate = table[k]
        if start <= lo and hi <= stop:
            amount = ZERO + (hi - lo) * rate if hi > lo else ZERO
        else:
            amount = _sliced(table, lo, hi)
        if hi < lo:
            k = 0
        unrounded += amount
        line = amount.quantize(quantum, rounding=mode)
        summed += line
        if paid is not None:
            paid.append((deal_id, line, c.id))
    return unrounded, summed


def _sliced(table: list[tuple[Decimal, Decimal, Decimal]], lo: Decimal, hi: Decimal) -> Decimal:
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


def _edges(table: list[tuple]) -> list[tuple[Decimal, Decimal, Decimal]]:
    """A rate table as (start, stop or Infinity, rate), once per cached table."""
    entry = _EDGES.get(id(table))
    if entry is not None and entry[0] is table:
        return entry[1]
    edges = [(start, INFINITY if stop is None else stop, rate) for _, start, stop, rate, _ in table]
    if len(_EDGES) > 1024:
        _EDGES.clear()
    _EDGES[id(table)] = (table, edges)
    return edges


def _allocated_sums(c: Commission, deals: list, bases: dict[str, Decimal], bands: list[Band],
                    quota: Decimal | None, rules: Rules, paid: list | None) -> tuple[Decimal, Decimal]:
    """`commission._deal_lines`' general path (margin-rate tiers, per-deal tiers, repeated ids)."""
    unrounded, summed = ZERO, rules.zero
    for deal, slices in allocate(c, deals, bases, bands, quota):
        amount = ZERO
        for s in slices:
            amount += s.amount * s.rate
        unrounded += amount
        line = rules.money(amount)
        summed += line
        if paid is not None:
            paid.append((deal.id, line, c.id))
    return unrounded, summed


def _multiplier_delta(c: Commission, bands: list[Band], measure: Decimal | None,
                      amount: Decimal) -> Decimal | None:
    """`apply_multipliers`' unrounded line, or None when no band applies or its factor is 1."""
    if measure is None:
        return None
    i = band_index(bands, measure, c.boundary)
    if i < 0 or not contains(bands[i], measure, c.boundary, first=i == 0):
        return None
    factor_ = bands[i].rate
    return None if factor_ == ONE else amount * (factor_ - ONE)
