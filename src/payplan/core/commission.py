"""Commission: a rate or tier table on the credited base of deals, one line per deal.

Deals are taken in closing order along a cumulative axis; a deal straddling a
tier edge is split into slices and its line shows the blended rate. Retroactive
tiers re-rate earlier slices once reached. Then multipliers (accelerators,
decelerators), gates, cap and floor each add their own line.
Must not know about other components, draws or clawbacks.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.base import base_function, commission_formulas, describe_base
from payplan.core.context import Ctx
from payplan.core.cumulative import stated_quota, window_lines
from payplan.core.formula import DIVISION_BY_ZERO, NO_FIELD, FormulaError
from payplan.core.inputs import Deal
from payplan.core.plan import Commission
from payplan.core.products import pays_on, warn_unlisted
from payplan.core.result import Line, Slice
from payplan.core.tiers import Band, applied_tiers, band_index, slice_segment
from payplan.core.trace import N_, Node
from payplan.core.adjust import apply_multipliers, apply_limits, apply_gates

ZERO, ONE = Decimal(0), Decimal(1)


class CommissionInfo:
    """What evaluating a commission needs that depends only on the plan, worked out once.

    `bands` is the tier table when it does not depend on the rep's quota (tiers on
    amount, or on attainment of the plan's own quota), and `tables` caches, per
    reached band, each band's (index, start, stop, applied rate, mode): the
    per-deal slicing then needs no calls.
    """

    __slots__ = ("commission", "label", "base_words", "per_deal", "summed", "base_fn", "needs_quota", "bands",
                 "tables")

    def __init__(self, c: Commission) -> None:
        self.commission = c
        self.label = c.label or N_("Commission")
        self.base_words = describe_base(c.base)
        self.per_deal, self.summed = commission_formulas(c.base)
        self.base_fn = base_function(c.base)
        self.needs_quota = _needs_quota(c)
        self.bands: list[Band] | None = None
        self.tables: dict[int, list[tuple]] = {}


_INFO: dict[int, CommissionInfo] = {}


def commission_info(c: Commission) -> CommissionInfo:
    info = _INFO.get(id(c))
    if info is None or info.commission is not c:
        if len(_INFO) > 1024:
            _INFO.clear()
        info = _INFO[id(c)] = CommissionInfo(c)
    return info


def evaluate_commission(c: Commission, ctx: Ctx) -> tuple[list[Line], Node]:
    info = commission_info(c)
    node = Node(c.id, info.label, formula=info.per_deal, inputs={"base": info.base_words})
    won = [d for d in ctx.inputs.deals if d.status == "won"]
    deals = [d for d in won if pays_on(c, d.product)] if c.products or c.exclude_products else won
    if c.products:
        warn_unlisted(c, won, ctx)
    bases = _bases(c, info, deals, ctx)
    total = sum(bases.values(), ZERO)
    node.children.append(Node(f"{c.id}.base", N_("Commissionable base"), value=total, formula=info.summed,
                              inputs={"base": info.base_words, "n": Decimal(len(deals))},
                              evidence=tuple(d.id for d in deals)))
    if c.measure == "window":  # tiers on the base so far in the window (payplan.core.cumulative)
        bands = commission_bands(c, info, stated_quota(c, info.needs_quota, ctx, node, False), ONE)[0]
        return window_lines(c, info.label, total, bands, ctx, node)
    quota = stated_quota(c, info.needs_quota, ctx, node, True)
    bands = _bands(c, info, quota, ctx, node)
    lines, unrounded, rounded = _deal_lines(c, info, deals, bases, total, bands, quota, ctx)
    node.children.append(Node(f"{c.id}.deals", N_("Deal lines"), value=rounded,
                              formula=N_("each deal rounded, then summed")))
    adjusted = unrounded
    if c.multipliers:
        attainment = total / quota if quota else None
        measure = attainment if c.multipliers_on == "attainment" else total
        multiplied, adjusted = apply_multipliers(c.id, c.multipliers, measure, c.boundary, unrounded, ctx, node)
        lines += multiplied
    if c.gates:
        lines += apply_gates(c.id, c.gates, adjusted, ctx, node)
    if c.cap is not None or c.floor is not None:
        # Without multiplier or gate lines the sum of lines is the deal lines' sum already.
        current = rounded if len(lines) == len(deals) else None
        lines += apply_limits(c.id, c.cap, c.floor, lines, ctx, node, current)
    return lines, node


def _deal_lines(c: Commission, info: CommissionInfo, deals: list[Deal], bases: dict[str, Decimal], total: Decimal,
                bands: list[Band], quota: Decimal | None, ctx: Ctx) -> tuple[list[Line], Decimal, Decimal]:
    """One rounded line per deal, the unrounded sum (what multipliers scale) and the rounded sum.
    `total` is the sum of `bases`."""
    if c.tiers_on != "margin_rate" and c.accumulate == "period" and len(bases) == len(deals):
        return _period_lines(c, info, deals, bases, total, bands, quota, ctx)
    label = info.label
    lines, unrounded, rounded = [], ZERO, ZERO
    for deal, slices in allocate(c, deals, bases, bands, quota):
        amount = ZERO
        for s in slices:
            amount += s.amount * s.rate
        unrounded += amount
        base = bases[deal.id]
        line = Line(c.id, "commission", label, ctx.money(amount), deal_id=deal.id,
                    base=base, rate=(amount / base) if base else ZERO, share=deal.share,
                    slices=tuple(slices))
        rounded += line.amount
        lines.append(line)
    return lines, unrounded, rounded


def _period_lines(c: Commission, info: CommissionInfo, deals: list[Deal], bases: dict[str, Decimal],
                  total: Decimal, bands: list[Band], quota: Decimal | None,
                  ctx: Ctx) -> tuple[list[Line], Decimal, Decimal]:
    """`_deal_lines` for tiers on the period's cumulative base (the common case), written
    as one loop: the same arithmetic as `allocate` + `slice_segment`, in the same
    order, without a generator and two helper calls per deal.

    Needs distinct deal ids (bases is keyed by id), which the caller checks.
    """
    offset = quota if c.above_quota and quota else ZERO
    table = rate_table(info, bands, total - offset, c.boundary)
    cid, label, places, rounding = c.id, info.label, ctx.money_quantum, ctx.money_mode
    lines, unrounded, rounded = [], ZERO, ZERO
    cumulative = -offset
    for deal, base in zip(deals, bases.values()):
        lo, hi = cumulative, cumulative + base
        cumulative = hi
        if ZERO > lo:  # max(lo, ZERO), keeping `lo` itself when equal
            lo = ZERO
        if ZERO > hi:
            hi = ZERO
        slices = []
        amount = ZERO
        for i, start, stop, rate, mode in table:
            if start >= hi:
                break
            if stop is not None and stop <= lo:
                continue
            top = hi if stop is None or stop > hi else stop
            bottom = lo if lo > start else start
            if top > bottom:
                piece = top - bottom
                slices.append(Slice(i, piece, rate, mode))
                amount += piece * rate
        unrounded += amount
        paid = amount if ctx.exact else amount.quantize(places, rounding=rounding)  # ctx.money, inlined
        rounded += paid
        lines.append(Line(cid, "commission", label, paid, deal.id, None, base,
                          (amount / base) if base else ZERO, deal.share, tuple(slices)))
    return lines, unrounded, rounded


def rate_table(info: CommissionInfo, bands: list[Band], total: Decimal, boundary: str,
               reached: int | None = None) -> list[tuple]:
    """Per band: (index, start, stop, rate finally paid, mode), cached per reached band
    when the bands are the plan's own (`info.bands`). `reached`: `band_index`'s answer
    when the caller has it."""
    if reached is None:
        reached = band_index(bands, total, boundary)
    cached = bands is info.bands
    if cached:
        table = info.tables.get(reached)
        if table is not None:
            return table
    table = [(i, band.start, band.stop, rate, mode)
             for i, (band, (rate, mode)) in enumerate(zip(bands, _rates_at(bands, reached)))]
    if cached:
        info.tables[reached] = table
    return table


def _bases(c: Commission, info: CommissionInfo, deals: list[Deal], ctx: Ctx) -> dict[str, Decimal]:
    # Margin and revenue cannot fail (only declared formulas raise FormulaError): one comprehension.
    if c.base == "margin":
        return {deal.id: (deal.amount - deal.cost) * deal.share for deal in deals}
    if c.base == "revenue":
        return {deal.id: deal.amount * deal.share for deal in deals}
    fn = info.base_fn
    bases = {}
    for deal in deals:
        try:
            bases[deal.id] = fn(deal) * deal.share
        except FormulaError as exc:
            _formula_failed(c, deal, exc, ctx)
            bases[deal.id] = ZERO
    return bases


_DEAL_ERRORS = {NO_FIELD: N_("deal {deal}: the deal has no field '{field}'"),
                DIVISION_BY_ZERO: N_("deal {deal}: division by zero in the commission base formula")}


def _formula_failed(c: Commission, deal: Deal, exc: FormulaError, ctx: Ctx) -> None:
    """An error naming the deal whose base the declared formula could not compute."""
    template = _DEAL_ERRORS.get(exc.template, N_("deal {deal}: {error}"))
    ctx.fail("base-formula", template, c.id, **{**exc.inputs, "deal": deal.id, "error": str(exc)})


def _needs_quota(c: Commission) -> bool:
    return (c.tiers_on == "attainment" and bool(c.tiers)) or c.above_quota or (
        c.rate is None and not c.tiers and c.target_incentive is not None) or (
        bool(c.multipliers) and c.multipliers_on == "attainment")


def _bands(c: Commission, info: CommissionInfo, quota: Decimal | None, ctx: Ctx, node: Node) -> list[Band]:
    bands, incentive = commission_bands(c, info, quota, ctx.prorate)
    if incentive is not None:
        node.add(Node(f"{c.id}.rate", N_("Individual commission rate"), value=bands[0].rate,
                      formula=N_("target incentive / quota = {incentive} / {quota}"),
                      inputs={"incentive": incentive, "quota": quota}))
    return bands


def commission_bands(c: Commission, info: CommissionInfo, quota: Decimal | None,
                     prorate: Decimal) -> tuple[list[Band], Decimal | None]:
    """The tier table on the axis, and the (prorated) incentive when the one rate is
    derived as target incentive / quota. The same list object each time when it
    depends only on the plan (so per-band rate tables can be cached against it)."""
    if c.tiers and (c.tiers_on != "attainment" or quota is c.quota):
        if info.bands is None:
            info.bands = _tier_bands(c, quota)
        return info.bands, None
    if not c.tiers:
        rate, incentive = c.rate, None
        if rate is None and c.target_incentive is not None and quota:
            # The quota is prorated for a partial period, so the incentive must be too.
            incentive = c.target_incentive * prorate
            rate = incentive / quota if incentive else ZERO
        return [Band(ZERO, None, rate or ZERO)], incentive
    return _tier_bands(c, quota), None


def _tier_bands(c: Commission, quota: Decimal | None) -> list[Band]:
    scale = quota if c.tiers_on == "attainment" and quota else ONE
    # Attainment tiers on the excess over quota keep their meaning: "from 1.2" starts at 120% of quota.
    shift = quota if c.above_quota and c.tiers_on == "attainment" and quota else ZERO
    return [Band(max(t.from_ * scale - shift, ZERO), None if t.to is None else max(t.to * scale - shift, ZERO),
                 t.rate, t.mode == "retroactive") for t in c.tiers]


def allocate(c: Commission, deals: list[Deal], bases: dict[str, Decimal], bands: list[Band],
             quota: Decimal | None):
    """Yield (deal, slices) with each slice at its finally applied rate."""
    offset = quota if c.above_quota and quota else ZERO
    if c.tiers_on == "margin_rate":
        for deal in deals:
            ratio = (deal.amount - deal.cost) / deal.amount if deal.amount else ZERO
            i = band_index(bands, ratio, c.boundary)
            # A margin rate below every tier earns nothing (not the first tier's rate).
            yield deal, [Slice(i, bases[deal.id], bands[i].rate if i >= 0 else ZERO, "lookup")]
        return
    if c.accumulate == "deal":
        for deal in deals:
            rates = _applied_rates(bands, bases[deal.id], c.boundary)
            yield deal, _slices(bands, rates, ZERO, bases[deal.id])
        return
    total = sum(bases.values(), ZERO) - offset
    rates = _applied_rates(bands, total, c.boundary)
    cumulative = -offset
    for deal in deals:
        lo, hi = cumulative, cumulative + bases[deal.id]
        cumulative = hi
        yield deal, _slices(bands, rates, max(lo, ZERO), max(hi, ZERO))


def _applied_rates(bands: list[Band], total: Decimal, boundary: str) -> list[tuple[Decimal, str]]:
    """Per band: the rate finally paid on its slices and whether that is retroactive."""
    return _rates_at(bands, band_index(bands, total, boundary))


def _rates_at(bands: list[Band], reached: int) -> list[tuple[Decimal, str]]:
    applied = applied_tiers(bands, reached)
    return [(bands[j].rate, "retroactive" if j != i or bands[i].retroactive else "marginal")
            for i, j in enumerate(applied)]


def _slices(bands: list[Band], rates: list[tuple[Decimal, str]], lo: Decimal, hi: Decimal) -> list[Slice]:
    return [Slice(i, amount, *rates[i]) for i, amount in slice_segment(bands, lo, hi)]
