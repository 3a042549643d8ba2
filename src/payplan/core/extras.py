"""SPIFFs, manager overrides and fixed amounts: the simpler pay components.

Each returns its lines and a trace node. Must not know about draws, clawbacks
or other components.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.adjust import apply_limits
from payplan.core.base import base_function
from payplan.core.context import Ctx
from payplan.core.formula import FormulaError
from payplan.core.inputs import Deal
from payplan.core.metrics import MetricSpec
from payplan.core.periods import period_of
from payplan.core.plan import Fixed, Override, Spiff, Tier
from payplan.core.products import pays_on, warn_unlisted
from payplan.core.result import Line
from payplan.core.team import member_commissions
from payplan.core.tiers import Band, applied_tiers, band_index, contains
from payplan.core.trace import N_, Node

ZERO, ONE = Decimal(0), Decimal(1)


def evaluate_spiff(c: Spiff, ctx: Ctx) -> tuple[list[Line], Node]:
    label = c.label or N_("SPIFF")
    node = Node(c.id, label, formula=_WINDOWS[c.starts is not None, c.ends is not None], source=c.why,
                inputs={"starts": c.starts and c.starts.isoformat(), "ends": c.ends and c.ends.isoformat()})
    lines: list[Line] = []
    if c.metric is not None:
        lines += _spiff_metric(c, ctx, node, label)
    else:
        lines += _spiff_deals(c, ctx, node, label)
    lines += apply_limits(c.id, c.cap, None, lines, ctx, node)
    node.value = sum((ln.amount for ln in lines), ZERO)
    return lines, node


_WINDOWS = {(True, True): N_("time-boxed bonus, {starts:date} to {ends:date}"),
            (True, False): N_("time-boxed bonus, {starts:date} to open"),
            (False, True): N_("time-boxed bonus, start to {ends:date}"),
            (False, False): N_("time-boxed bonus, start to open")}


def spiff_spec(c: Spiff, period_kind: str) -> MetricSpec:
    """The metric a metric SPIFF counts: windowed to its dates when a bound falls inside a
    period (a bound on a period's edge only switches whole periods on or off)."""
    starts = c.starts if c.starts and period_of(c.starts, period_kind).start != c.starts else None
    ends = c.ends if c.ends and period_of(c.ends, period_kind).end != c.ends else None
    return MetricSpec(c.metric or "", starts=starts.isoformat() if starts else "",
                      ends=ends.isoformat() if ends else "")


def in_window(c: Spiff, day) -> bool:
    return day is not None and (c.starts is None or day >= c.starts) and (c.ends is None or day <= c.ends)


def _credited_base(fn, deal: Deal, ctx: Ctx, where: str) -> Decimal:
    """The deal's base × credit share; a formula the deal cannot satisfy is an issue and 0."""
    try:
        return fn(deal) * deal.share
    except FormulaError as exc:
        ctx.fail("base-formula", N_("deal {deal}: {error}"), where, deal=deal.id, error=str(exc))
        return ZERO


def _spiff_deals(c: Spiff, ctx: Ctx, node: Node, label: str) -> list[Line]:
    fn = base_function(c.base)
    won = [d for d in ctx.inputs.deals if d.status == "won" and in_window(c, d.closed_at)]
    warn_unlisted(c, [d for d in won if not pays_on(c, d.product)], ctx)
    deals = [d for d in won if pays_on(c, d.product)]
    per_deal = [c.per_deal] * len(deals)
    how = _SPIFF_DEAL[bool(c.per_deal), bool(c.rate)]
    if c.tiers:
        deals.sort(key=lambda d: (d.closed_at, d.id))
        per_deal = count_rates(c.tiers, len(deals))
        how = _SPIFF_COUNT[bool(c.rate)]
    lines = []
    for number, (deal, each) in enumerate(zip(deals, per_deal), start=1):
        base = _credited_base(fn, deal, ctx, c.id)
        amount = (each or ZERO) * deal.share + (c.rate or ZERO) * base
        inputs = {"per_deal": each, "share": deal.share, "rate": c.rate, "base": base}
        if c.tiers:
            inputs |= {"number": number, "count": len(deals)}
        lines.append(Line(c.id, "spiff", label, ctx.money(amount), deal_id=deal.id, base=base,
                          rate=c.rate, share=deal.share, cause=how, inputs=inputs))
    node.add(Node(f"{c.id}.deals", N_("Qualifying deals"), value=Decimal(len(lines)),
                  source=", ".join(ln.deal_id or "" for ln in lines[:50])))
    return lines


_SPIFF_DEAL = {(True, True): N_("{per_deal:money} per deal × share {share} + {rate:pct2} × {base:money}"),
               (True, False): N_("{per_deal:money} per deal × share {share}"),
               (False, True): N_("{rate:pct2} × {base:money}"), (False, False): ""}
_SPIFF_COUNT = {False: N_("deal {number} of {count}: {per_deal:money} × share {share}"),
                True: N_("deal {number} of {count}: {per_deal:money} × share {share} + {rate:pct2} × {base:money}")}


def count_rates(tiers: list[Tier], count: int) -> list[Decimal]:
    """The amount per deal of each of `count` qualifying deals, tiered on the deal's number:
    deal k is paid the rate of the tier holding k, or of the highest retroactive tier that
    the count reached above it; a number in no tier is paid 0."""
    bands = [Band(t.from_, t.to, t.rate, t.mode == "retroactive") for t in tiers]
    applied = applied_tiers(bands, band_index(bands, Decimal(count)))
    rates = []
    for k in range(1, count + 1):
        i = band_index(bands, Decimal(k))
        rates.append(bands[applied[i]].rate if i >= 0 and contains(bands[i], Decimal(k), "lower") else ZERO)
    return rates


def _spiff_metric(c: Spiff, ctx: Ctx, node: Node, label: str) -> list[Line]:
    overlaps = (c.starts is None or c.starts <= ctx.period.end) and (c.ends is None or c.ends >= ctx.period.start)
    mv = ctx.metric(spiff_spec(c, ctx.plan.period))
    units = mv.value if mv is not None and mv.value is not None else ZERO
    if not overlaps:
        units = ZERO
    amount = units * (c.per_unit or ZERO)
    inputs = {"units": units, "per_unit": c.per_unit, "amount": amount, "metric": c.metric}
    # named by the metric's key only in its inputs: a reader sees the SPIFF's label, then the units
    node.add(Node(f"{c.id}.units", N_("Units counted"), value=units, inputs=inputs,
                  formula=N_("{units} × {per_unit:money} = {amount:money}"),
                  source=", ".join(mv.evidence[:50]) if mv else ""))
    return [Line(c.id, "spiff", label, ctx.money(amount), base=units, rate=c.per_unit, inputs=inputs,
                 cause=N_("{units} × {per_unit:money} per unit"))]


def evaluate_override(c: Override, ctx: Ctx) -> tuple[list[Line], Node]:
    label = c.label or N_("Manager override")
    node = Node(c.id, label, formula=_TEAM_ON if c.on else _TEAM_BASE.get(c.base, _TEAM_FORMULA), source=c.why,
                inputs={"rate": c.rate, "formula": c.base, "on": c.on})
    fn = base_function(c.base)
    per_member = member_commissions(c, ctx) if c.on else [
        (m.rep.id, sum((_credited_base(fn, d, ctx, c.id) for d in m.deals if d.status == "won"), ZERO))
        for m in ctx.inputs.team]
    total = sum((b for _, b in per_member), ZERO)
    node.add(Node(f"{c.id}.team_base", N_("Team base"), value=total,
                  inputs=dict(per_member)))
    if not _team_gate(c, total, ctx, node):
        lines: list[Line] = []
    elif c.threshold is not None:
        excess = max(total - c.threshold, ZERO)
        lines = [Line(c.id, "override", label, ctx.money(excess * c.rate), base=excess, rate=c.rate,
                      cause=N_("{rate:pct2} × (team {total:money} − threshold {threshold:money})"),
                      inputs={"rate": c.rate, "total": total, "threshold": c.threshold})]
    else:
        lines = [Line(c.id, "override", label, ctx.money(b * c.rate), rep_id=rep, base=b, rate=c.rate,
                      cause=N_("{rate:pct2} × {rep} {base:money}"), inputs={"rate": c.rate, "rep": rep, "base": b})
                 for rep, b in per_member]
    lines += apply_limits(c.id, c.cap, None, lines, ctx, node)
    node.value = sum((ln.amount for ln in lines), ZERO)
    return lines, node


_TEAM_BASE = {"revenue": N_("{rate:pct2} of the team's deal amount"),
              "margin": N_("{rate:pct2} of the team's deal margin (amount − cost)")}
_TEAM_FORMULA = N_("{rate:pct2} of the team's formula {formula}")
_TEAM_ON = N_("{rate:pct2} of what the team members earn from commission {on}")


def _team_gate(c: Override, total: Decimal, ctx: Ctx, node: Node) -> bool:
    if c.min_attainment is None:
        return True
    quota, source = ctx.target("team_quota", c.team_quota, True)
    if not quota:
        ctx.fail("no-quota", N_("override {component} is gated on team attainment but has no team quota "
                                "(plan `team_quota` or target override 'team_quota')"), c.id, component=c.id)
    attainment = total / quota if quota else ZERO
    ok = attainment >= c.min_attainment
    node.add(Node(f"{c.id}.team_attainment", N_("Team attainment"), value=attainment, source=source,
                  formula=N_("{total:money} / {quota:money} ≥ minimum {minimum:pct}") if ok
                  else N_("{total:money} / {quota:money} < minimum {minimum:pct}"),
                  inputs={"total": total, "quota": quota, "minimum": c.min_attainment}))
    return ok


def evaluate_fixed(c: Fixed, ctx: Ctx) -> tuple[list[Line], Node]:
    label = c.label or N_("Fixed pay")
    base = (ctx.rep.salary or ZERO) if c.from_salary else (c.amount or ZERO)
    amount = ctx.money(base * ctx.prorate)
    # why a prorated share is what it is: the trace's `proration` node
    how = _FIXED[c.from_salary, ctx.prorate != ONE]
    inputs = {"base": base, "prorate": ctx.prorate}
    node = Node(c.id, label, value=amount, formula=how, inputs=inputs, source=c.why)
    return [Line(c.id, "fixed", label, amount, base=base, cause=how, inputs=inputs)], node


_FIXED = {(True, False): N_("rep salary"), (False, False): N_("plan amount"),
          (True, True): N_("rep salary {base:money} × {prorate}"),
          (False, True): N_("plan amount {base:money} × {prorate}")}
