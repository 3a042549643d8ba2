"""The tally of a commission: its amount, and each deal's paid line when clawbacks need them.

`evaluate_commission` without lines, slices or trace, for `payplan.core.tally`:
the same Decimal operations in the same order — except on the common path where
the tier bands run from 0 without a gap (`ladder.ladder_sums`), which computes
each deal line's value more directly and proves it equal (see there). Must not
build lines, trace nodes or issues; marks a rep dead where the engine would
record one.
"""

from __future__ import annotations

from decimal import Decimal, Inexact
from itertools import accumulate

from payplan.core.commission import CommissionInfo, allocate, commission_bands, commission_info, rate_table
from payplan.core.inputs import RepInputs
from payplan.core.plan import Commission
from payplan.core.products import pays_on, unlisted
from payplan.core.proration import ONE as WHOLE
from payplan.core.simulate import pays_volume
from payplan.core.tally.batch import Batch, paying
from payplan.core.tally.ladder import edges_of, ladder_of, ladder_sums, reach, sliced
from payplan.core.tally.rules import Rules, gated
from payplan.core.tiers import Band, band_index, contains

ZERO, ONE = Decimal(0), Decimal(1)


def commission_step(c: Commission, rules: Rules):
    """`evaluate_commission`'s amount per rep; all of it is volume pay when `pays_volume` says so.

    A rep with the whole period and no target of its own ("plain") reads the plan's
    own quota and tier bands, worked out once here; with distinct deal ids and exact
    running sums, its deal lines go by `ladder_sums` without further lookups. Any
    other rep, or one the ladder does not fit, takes `_commission`.
    """
    info = commission_info(c)
    volume = pays_volume(c)
    multipliers = [Band(m.from_, m.to, m.factor) for m in c.multipliers]
    by_period = c.tiers_on != "margin_rate" and c.accumulate == "period"
    margin, listable = c.base == "margin", by_period and not c.products and not c.exclude_products
    needs_quota = info.needs_quota or c.quota is not None
    plain_ok = listable and not c.above_quota and (not needs_quota or (c.quota is not None and c.quota > 0))
    unrounded_needed = bool(multipliers or c.gates)
    ladders: dict[int, tuple | None] = {}  # the plain reps' ladder per reached band
    plain_bands: list = []  # [bands, band finder] once built

    def plain(known: tuple, inputs: RepInputs, paid: list | None, flags) -> Decimal | None:
        """A plain rep's commission; None when the ladder does not fit."""
        if not plain_bands:
            bands = commission_bands(c, info, c.quota, WHOLE)[0]
            plain_bands.extend((bands, reach(bands, c.boundary)))
        total = known[2][-1]
        reached = plain_bands[1](total)
        ladder = ladders.get(reached, ladders)
        if ladder is ladders:
            ladder = ladders[reached] = ladder_of(rate_table(info, plain_bands[0], total, c.boundary, reached))
        got = ladder_sums(ladder, known, c, rules, paid, flags, unrounded_needed)
        return None if got is None else _finish(c, multipliers, inputs, rules, c.quota, total, *got)

    def step(batch: Batch) -> tuple[list[Decimal], list[Decimal] | None]:
        # Without a product filter, the cached won deals on this base are the deals paid.
        listed = batch.columns.deals(margin) if listable else None
        if listed is not None:
            ids, bases, sums, exact, high, pays, distinct = (
                listed.ids, listed.bases, listed.sums, listed.exact, listed.high, listed.paying, listed.distinct)
        amounts, paid, flags = [], batch.paid, batch.flags
        for i, (inputs, prorate) in enumerate(zip(batch.items, batch.prorates)):
            amount = known = None
            if listed is not None and distinct[i]:
                known = (ids[i], bases[i], sums[i], exact[i], high[i], pays[i])
                if plain_ok and known[3] and prorate is WHOLE and not inputs.targets:
                    amount = plain(known, inputs, paid[i] if paid else None, flags)
            if amount is None and c.products and any(d.status == "won" and unlisted(c, d) for d in inputs.deals):
                batch.dead.add(i)  # `evaluate` warns of a deal of an unlisted product
                amounts.append(ZERO)
                continue
            if amount is None:
                amount = _commission(c, info, multipliers, inputs, prorate, rules, paid[i] if paid else None,
                                     flags, known)
            if amount is None:
                batch.dead.add(i)
                amount = ZERO
            amounts.append(amount)
        return amounts, (amounts if volume else None)

    return step


def _commission(c: Commission, info: CommissionInfo, multipliers: list[Band], inputs: RepInputs,
                prorate: Decimal, rules: Rules, paid: list | None, flags, known: tuple | None) -> Decimal | None:
    """Deal lines, then multiplier, gates, cap or floor, summed as `_collect` sums them.
    Each deal line's (deal id, amount, component id) goes to `paid` when it is a list.
    `known`: what `Deals` keeps for the rep (as `_listed` gives it) when its ids are distinct."""
    if known is None:
        deals = [d for d in inputs.deals if d.status == "won" and pays_on(c, d.product)]
        if c.base == "margin":
            bases = {d.id: (d.amount - d.cost) * d.share for d in deals}
        else:
            bases = {d.id: d.amount * d.share for d in deals}
        flags[Inexact] = False
        sums = list(accumulate(bases.values(), initial=ZERO))  # ZERO + b1 + b2 …, as the engine sums them
        exact, distinct = not flags[Inexact], len(bases) == len(deals)
        known = _listed(list(bases), list(bases.values()), sums, exact)
    else:
        deals, bases, distinct = None, None, True
    ids, values, sums, exact = known[:4]
    total = sums[-1]
    quota = None
    if info.needs_quota or c.quota is not None:
        quota = rules.target(inputs.targets, c.quota_key, c.quota, True, prorate)
        if quota is None or quota <= 0:
            return None
    bands = commission_bands(c, info, quota, prorate)[0]
    if c.tiers_on != "margin_rate" and c.accumulate == "period" and distinct:
        got = None
        if exact and not (c.above_quota and quota):
            ladder = ladder_of(rate_table(info, bands, total, c.boundary, reach(bands, c.boundary)(total)))
            got = ladder_sums(ladder, known, c, rules, paid, flags, bool(multipliers or c.gates))
        unrounded, amount = got or _period_sums(c, info, dict(zip(ids, values)), total, bands, quota, rules, paid)
    else:
        unrounded, amount = _allocated_sums(c, deals, bases, bands, quota, rules, paid)
    return _finish(c, multipliers, inputs, rules, quota, total, unrounded, amount)


def _finish(c: Commission, multipliers: list[Band], inputs: RepInputs, rules: Rules, quota: Decimal | None,
            total: Decimal, unrounded: Decimal | None, amount: Decimal) -> Decimal:
    """The deal lines' sum with the multiplier, gates, and cap or floor lines added.
    A cap or floor compares the sum of the lines so far (`amount`, by value)."""
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


def _listed(ids: list[str], values: list[Decimal], sums: list[Decimal], exact: bool) -> tuple:
    """What `payplan.core.tally.batch.Deals` keeps for one rep, for deals listed here."""
    rising = not values or min(values) >= ZERO
    return ids, values, sums, exact, max(sums), None if rising else paying(values, sums)


def _period_sums(c: Commission, info: CommissionInfo, bases: dict[str, Decimal], total: Decimal,
                 bands: list[Band], quota: Decimal | None, rules: Rules,
                 paid: list | None) -> tuple[Decimal, Decimal]:
    """`commission._period_lines` without its lines and slices: the unrounded sum of the
    deal amounts and the sum of the rounded ones, by the same arithmetic.

    Deals run up a cumulative axis, so the band holding a deal's start only moves
    up (`k`, reset when a negative base steps back); a deal inside that band is one
    slice, base × rate — the same value the scan over all bands finds. Only a deal
    crossing an edge is scanned (`ladder.sliced`).
    """
    offset = quota if c.above_quota and quota else ZERO
    table = edges_of(rate_table(info, bands, total - offset, c.boundary))
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
            amount = sliced(table, lo, hi)
        if hi < lo:
            k = 0
        unrounded += amount
        line = amount.quantize(quantum, mode)
        summed += line
        if paid is not None:
            paid.append((deal_id, line, c.id))
    return unrounded, summed


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
