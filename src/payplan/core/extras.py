"""SPIFFs, manager overrides and fixed amounts: the simpler pay components.

Each returns its lines and a trace node. Must not know about draws, clawbacks
or other components.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.adjust import apply_limits
from payplan.core.base import base_function, describe_base
from payplan.core.context import Ctx
from payplan.core.formula import FormulaError
from payplan.core.inputs import Deal
from payplan.core.metrics import MetricSpec
from payplan.core.money import fmt, pct
from payplan.core.plan import Fixed, Override, Spiff
from payplan.core.result import Line
from payplan.core.trace import Node

ZERO, ONE = Decimal(0), Decimal(1)


def evaluate_spiff(c: Spiff, ctx: Ctx) -> tuple[list[Line], Node]:
    label = c.label or "SPIFF"
    window = f"{c.starts or 'start'} to {c.ends or 'open'}"
    node = Node(c.id, label, formula=f"time-boxed bonus, {window}", source=c.why)
    lines: list[Line] = []
    if c.metric is not None:
        lines += _spiff_metric(c, ctx, node, label)
    else:
        lines += _spiff_deals(c, ctx, node, label)
    lines += apply_limits(c.id, c.cap, None, lines, ctx, node)
    node.value = sum((ln.amount for ln in lines), ZERO)
    return lines, node


def in_window(c: Spiff, day) -> bool:
    return day is not None and (c.starts is None or day >= c.starts) and (c.ends is None or day <= c.ends)


def _credited_base(fn, deal: Deal, ctx: Ctx, where: str) -> Decimal:
    """The deal's base × credit share; a formula the deal cannot satisfy is an issue and 0."""
    try:
        return fn(deal) * deal.share
    except FormulaError as exc:
        ctx.fail("base-formula", f"deal {deal.id}: {exc}", where)
        return ZERO


def _spiff_deals(c: Spiff, ctx: Ctx, node: Node, label: str) -> list[Line]:
    fn = base_function(c.base)
    lines = []
    for deal in ctx.inputs.deals:
        if deal.status != "won" or (c.products and deal.product not in c.products) or not in_window(c, deal.closed_at):
            continue
        base = _credited_base(fn, deal, ctx, c.id)
        amount = (c.per_deal or ZERO) * deal.share + (c.rate or ZERO) * base
        how = " + ".join(part for part in (
            f"{fmt(c.per_deal)} per deal × share {fmt(deal.share)}" if c.per_deal else "",
            f"{pct(c.rate, 2)} × {fmt(base)}" if c.rate else "") if part)
        lines.append(Line(c.id, "spiff", label, ctx.money(amount), deal_id=deal.id, base=base,
                          rate=c.rate, share=deal.share, cause=how))
    node.add(Node(f"{c.id}.deals", "Qualifying deals", value=Decimal(len(lines)),
                  source=", ".join(ln.deal_id or "" for ln in lines[:50])))
    return lines


def _spiff_metric(c: Spiff, ctx: Ctx, node: Node, label: str) -> list[Line]:
    overlaps = (c.starts is None or c.starts <= ctx.period.end) and (c.ends is None or c.ends >= ctx.period.start)
    mv = ctx.metric(MetricSpec(c.metric or ""))
    units = mv.value if mv is not None and mv.value is not None else ZERO
    if not overlaps:
        units = ZERO
    amount = units * (c.per_unit or ZERO)
    node.add(Node(f"{c.id}.units", f"{c.metric}", value=units,
                  formula=f"{fmt(units)} × {fmt(c.per_unit)} = {fmt(amount)}",
                  source=", ".join(mv.evidence[:50]) if mv else ""))
    return [Line(c.id, "spiff", label, ctx.money(amount), base=units, rate=c.per_unit,
                 cause=f"{fmt(units)} {c.metric} × {fmt(c.per_unit)}")]


def evaluate_override(c: Override, ctx: Ctx) -> tuple[list[Line], Node]:
    label = c.label or "Manager override"
    node = Node(c.id, label, formula=f"{pct(c.rate, 2)} of the team's {describe_base(c.base)}", source=c.why)
    fn = base_function(c.base)
    per_member = [(m.rep.id, sum((_credited_base(fn, d, ctx, c.id) for d in m.deals if d.status == "won"), ZERO))
                  for m in ctx.inputs.team]
    total = sum((b for _, b in per_member), ZERO)
    node.add(Node(f"{c.id}.team_base", "Team base", value=total,
                  inputs=dict(per_member)))
    if not _team_gate(c, total, ctx, node):
        lines: list[Line] = []
    elif c.threshold is not None:
        excess = max(total - c.threshold, ZERO)
        lines = [Line(c.id, "override", label, ctx.money(excess * c.rate), base=excess, rate=c.rate,
                      cause=f"{pct(c.rate, 2)} × (team {fmt(total)} − threshold {fmt(c.threshold)})")]
    else:
        lines = [Line(c.id, "override", label, ctx.money(b * c.rate), rep_id=rep, base=b, rate=c.rate,
                      cause=f"{pct(c.rate, 2)} × {rep} {fmt(b)}") for rep, b in per_member]
    lines += apply_limits(c.id, c.cap, None, lines, ctx, node)
    node.value = sum((ln.amount for ln in lines), ZERO)
    return lines, node


def _team_gate(c: Override, total: Decimal, ctx: Ctx, node: Node) -> bool:
    if c.min_attainment is None:
        return True
    quota, source = ctx.target("team_quota", c.team_quota, True)
    if not quota:
        ctx.fail("no-quota", f"override {c.id} is gated on team attainment but has no team quota "
                 "(plan `team_quota` or target override 'team_quota')", c.id)
    attainment = total / quota if quota else ZERO
    ok = attainment >= c.min_attainment
    node.add(Node(f"{c.id}.team_attainment", "Team attainment", value=attainment, source=source,
                  formula=f"{fmt(total)} / {fmt(quota)} {'≥' if ok else '<'} minimum {pct(c.min_attainment)}"))
    return ok


def evaluate_fixed(c: Fixed, ctx: Ctx) -> tuple[list[Line], Node]:
    label = c.label or "Fixed pay"
    if c.from_salary:
        base, how = ctx.rep.salary or ZERO, "rep salary"
    else:
        base, how = c.amount or ZERO, "plan amount"
    amount = base * ctx.prorate
    if ctx.prorate != ONE:
        how += f" {fmt(base)} × {fmt(ctx.prorate)} ({ctx.prorate_note})"
    node = Node(c.id, label, value=ctx.money(amount), formula=how, source=c.why)
    return [Line(c.id, "fixed", label, ctx.money(amount), base=base, cause=how)], node
