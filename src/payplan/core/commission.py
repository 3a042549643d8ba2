"""Commission: a rate or tier table on the credited base of deals, one line per deal.

Deals are taken in closing order along a cumulative axis; a deal straddling a
tier edge is split into slices and its line shows the blended rate. Retroactive
tiers re-rate earlier slices once reached. Then multipliers (accelerators,
decelerators), gates, cap and floor each add their own line.
Must not know about other components, draws or clawbacks.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.base import base_function, describe_base
from payplan.core.context import Ctx
from payplan.core.formula import FormulaError
from payplan.core.inputs import Deal
from payplan.core.plan import Commission
from payplan.core.result import Line, Slice
from payplan.core.tiers import Band, applied_tiers, band_index, slice_segment
from payplan.core.trace import Node
from payplan.core.adjust import apply_multipliers, apply_limits, apply_gates

ZERO, ONE = Decimal(0), Decimal(1)


def evaluate_commission(c: Commission, ctx: Ctx) -> tuple[list[Line], Node]:
    node = Node(c.id, c.label or "Commission", formula="rate × {base} × credit share, per deal",
                inputs={"base": describe_base(c.base)})
    deals = [d for d in ctx.inputs.deals if d.status == "won" and (not c.products or d.product in c.products)]
    bases = _bases(c, deals, ctx)
    total = sum(bases.values(), ZERO)
    node.add(Node(f"{c.id}.base", "Commissionable base", value=total, formula="{base} × share, summed over {n} deals",
                  inputs={"base": describe_base(c.base), "n": Decimal(len(deals))},
                  evidence=tuple(d.id for d in deals)))
    quota = _quota(c, ctx, node)
    bands = _bands(c, quota, ctx, node)
    lines, unrounded = _deal_lines(c, deals, bases, bands, quota, ctx)
    node.add(Node(f"{c.id}.deals", "Deal lines", value=sum((ln.amount for ln in lines), ZERO),
                  formula="each deal rounded, then summed"))
    attainment = total / quota if quota else None
    measure = attainment if c.multipliers_on == "attainment" else total
    multiplied, adjusted = apply_multipliers(c.id, c.multipliers, measure, c.boundary, unrounded, ctx, node)
    lines += multiplied
    lines += apply_gates(c.id, c.gates, adjusted, ctx, node)
    lines += apply_limits(c.id, c.cap, c.floor, lines, ctx, node)
    return lines, node


def _deal_lines(c: Commission, deals: list[Deal], bases: dict[str, Decimal], bands: list[Band],
                quota: Decimal | None, ctx: Ctx) -> tuple[list[Line], Decimal]:
    """One rounded line per deal, and the unrounded sum (what multipliers scale)."""
    label = c.label or "Commission"
    lines, unrounded = [], ZERO
    for deal, slices in _allocate(c, deals, bases, bands, quota):
        amount = ZERO
        for s in slices:
            amount += s.amount * s.rate
        unrounded += amount
        base = bases[deal.id]
        lines.append(Line(c.id, "commission", label, ctx.money(amount), deal_id=deal.id,
                          base=base, rate=(amount / base) if base else ZERO, share=deal.share,
                          slices=tuple(slices)))
    return lines, unrounded


def _bases(c: Commission, deals: list[Deal], ctx: Ctx) -> dict[str, Decimal]:
    fn = base_function(c.base)
    bases = {}
    for deal in deals:
        try:
            bases[deal.id] = fn(deal) * deal.share
        except FormulaError as exc:
            ctx.fail("base-formula", f"deal {deal.id}: {exc}", c.id)
            bases[deal.id] = ZERO
    return bases


def _needs_quota(c: Commission) -> bool:
    return (c.tiers_on == "attainment" and bool(c.tiers)) or c.above_quota or (
        c.rate is None and not c.tiers and c.target_incentive is not None) or (
        bool(c.multipliers) and c.multipliers_on == "attainment")


def _quota(c: Commission, ctx: Ctx, node: Node) -> Decimal | None:
    if not _needs_quota(c) and c.quota is None:
        return None
    quota, source = ctx.target(c.quota_key, c.quota, True)
    node.add(Node(f"{c.id}.quota", "Quota", value=quota, source=source))
    if quota is None or quota <= 0:
        ctx.fail("no-quota", f"{c.id} needs a positive quota (plan `quota` or target override '{c.quota_key}')", c.id)
        return None
    return quota


def _bands(c: Commission, quota: Decimal | None, ctx: Ctx, node: Node) -> list[Band]:
    if not c.tiers:
        rate = c.rate
        if rate is None and c.target_incentive is not None and quota:
            # The quota is prorated for a partial period, so the incentive must be too.
            incentive = c.target_incentive * ctx.prorate
            rate = incentive / quota if incentive else ZERO
            node.add(Node(f"{c.id}.rate", "Individual commission rate", value=rate,
                          formula="target incentive / quota = {incentive} / {quota}",
                          inputs={"incentive": incentive, "quota": quota}))
        return [Band(ZERO, None, rate or ZERO)]
    scale = quota if c.tiers_on == "attainment" and quota else ONE
    # Attainment tiers on the excess over quota keep their meaning: "from 1.2" starts at 120% of quota.
    shift = quota if c.above_quota and c.tiers_on == "attainment" and quota else ZERO
    return [Band(max(t.from_ * scale - shift, ZERO), None if t.to is None else max(t.to * scale - shift, ZERO),
                 t.rate, t.mode == "retroactive") for t in c.tiers]


def _allocate(c: Commission, deals: list[Deal], bases: dict[str, Decimal], bands: list[Band],
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
    applied = applied_tiers(bands, band_index(bands, total, boundary))
    return [(bands[j].rate, "retroactive" if j != i or bands[i].retroactive else "marginal")
            for i, j in enumerate(applied)]


def _slices(bands: list[Band], rates: list[tuple[Decimal, str]], lo: Decimal, hi: Decimal) -> list[Slice]:
    return [Slice(i, amount, *rates[i]) for i, amount in slice_segment(bands, lo, hi)]
