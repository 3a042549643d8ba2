"""The KPI scorecard bonus: metric values → attainment → weighted score → payout.

amount = target incentive × proration × payout_curve(Σ weight × attainment) × gates.
Every step is a trace node a rep can follow. Must not touch deals or money
beyond the one bonus line and its gate lines.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.adjust import apply_gates
from payplan.core.context import Ctx, prorates_target
from payplan.core.curves import describe, interpolate
from payplan.core.metrics import MetricSpec, lookup
from payplan.core.money import fmt, pct
from payplan.core.plan import Kpi, Scorecard
from payplan.core.result import Line
from payplan.core.trace import Node

ZERO, ONE = Decimal(0), Decimal(1)


def kpi_spec(kpi: Kpi) -> MetricSpec:
    return MetricSpec(kpi.metric, product=kpi.product, kind=kpi.activity_kind, scope=kpi.scope)


def evaluate_scorecard(c: Scorecard, ctx: Ctx) -> tuple[list[Line], Node]:
    node = Node(f"{c.id}", c.label or "KPI bonus", formula="target incentive × payout(score) × gates")
    attainments: dict[str, Decimal] = {}
    score = ZERO
    for kpi in c.kpis:
        points, attainment = _kpi(kpi, ctx, node, c.id)
        attainments[kpi.id] = attainment
        score += points
    node.add(Node(f"{c.id}.score", "Weighted score", value=fmt(score),
                  formula=" + ".join(f"{k.id} points" for k in c.kpis) + f" = {pct(score)}"))
    ratio = _payout_ratio(c, score, node)
    incentive = _target_incentive(c, ctx, node)
    raw = incentive * ratio
    lines = [Line(c.id, "bonus", c.label or "KPI bonus", ctx.money(raw))]
    node.add(Node(f"{c.id}.payout", "Bonus before gates", value=fmt(lines[0].amount),
                  formula=f"{fmt(incentive)} × {pct(ratio)} = {fmt(raw)}"))
    lines += apply_gates(c.id, c.gates, raw, ctx, node, attainments)
    node.value = fmt(sum((ln.amount for ln in lines), ZERO))
    return lines, node


def _kpi(kpi: Kpi, ctx: Ctx, parent: Node, cid: str) -> tuple[Decimal, Decimal]:
    """Score one KPI; returns (points, attainment)."""
    key = f"kpi.{kpi.id}"
    node = parent.add(Node(key, kpi.label or kpi.id, source=kpi.why))
    mv = ctx.metric(kpi_spec(kpi))
    value = mv.value if mv is not None else None
    node.add(Node(f"{key}.value", f"{kpi.metric} (actual)", value=fmt(value),
                  inputs={"count": str(mv.count if mv else 0)},
                  source=", ".join(mv.evidence[:50]) if mv else "no facts"))
    if value is None:
        ctx.warn("no-data", f"no data for metric {kpi.metric}: attainment 0", f"kpi {kpi.id}")
        attainment, how = ZERO, "no data → 0"
    else:
        attainment, how = _attainment(kpi, value, ctx, node)
        node.add(Node(f"{key}.raw", "Attainment before threshold, floor and cap", value=fmt(attainment),
                      formula=how))
    attainment = _bound(kpi, attainment, node, key)
    attainment = ctx.score(attainment)
    points = ctx.score(kpi.weight * attainment)
    node.add(Node(f"{key}.attainment", "Attainment", value=fmt(attainment), formula=how))
    node.add(Node(f"{key}.points", "Points", value=fmt(points),
                  formula=f"{pct(attainment)} × weight {pct(kpi.weight)} = {pct(points, 2)} points"))
    node.value = fmt(points)
    node.formula = f"{kpi.metric} {fmt(value)} → attainment {pct(attainment)} × weight {pct(kpi.weight)} = {pct(points, 2)} points"
    return points, attainment


def _attainment(kpi: Kpi, value: Decimal, ctx: Ctx, node: Node) -> tuple[Decimal, str]:
    if kpi.curve:
        return interpolate(kpi.curve, value), f"curve({fmt(value)}) over {describe(kpi.curve)}"
    target, source = ctx.target(kpi.target_key or kpi.metric, kpi.target, prorates_target(kpi.metric))
    node.add(Node(f"kpi.{kpi.id}.target", "Target", value=fmt(target), source=source))
    if target is None:
        ctx.fail("no-target", f"KPI {kpi.id} has no target and no curve", f"kpi {kpi.id}")
        return ZERO, "no target → 0"
    better = kpi.better or (lookup(kpi.metric).better if lookup(kpi.metric) else "higher")
    if better == "higher":
        return _ratio(value, target, ctx, kpi), f"actual / target = {fmt(value)} / {fmt(target)}"
    if kpi.lower_is == "mirror":
        if target == 0:
            return ONE - value, f"lower is better: 1 − actual = 1 − {fmt(value)}"
        return ONE - (value - target) / abs(target), f"lower is better: 1 − (actual − target) / |target| = 1 − ({fmt(value)} − {fmt(target)}) / {fmt(abs(target))}"
    return _ratio(target, value, ctx, kpi), f"lower is better: target / actual = {fmt(target)} / {fmt(value)}"


def _ratio(num: Decimal, den: Decimal, ctx: Ctx, kpi: Kpi) -> Decimal:
    if den == 0:
        ctx.warn("zero-division", f"KPI {kpi.id}: division by zero, attainment capped", f"kpi {kpi.id}")
        return kpi.cap if kpi.cap is not None and num > 0 else ZERO
    return num / den


def _bound(kpi: Kpi, a: Decimal, node: Node, key: str) -> Decimal:
    notes = []
    if kpi.threshold is not None and a < kpi.threshold:
        notes.append(f"below threshold {pct(kpi.threshold)} → 0")
        a = ZERO
    if kpi.floor is not None and a < kpi.floor:
        notes.append(f"raised to floor {pct(kpi.floor)}")
        a = kpi.floor
    if kpi.cap is not None and a > kpi.cap:
        notes.append(f"capped at {pct(kpi.cap)}")
        a = kpi.cap
    if notes:
        node.add(Node(f"{key}.bounds", "Threshold, floor and cap", value=fmt(a), formula="; ".join(notes)))
    return a


def _payout_ratio(c: Scorecard, score: Decimal, node: Node) -> Decimal:
    ratio = interpolate(c.payout_curve, score) if c.payout_curve else score
    how = f"payout curve ({describe(c.payout_curve)}) at {pct(score)}" if c.payout_curve else "payout = score"
    if c.payout_cap is not None and ratio > c.payout_cap:
        ratio, how = c.payout_cap, how + f", capped at {pct(c.payout_cap)}"
    node.add(Node(f"{c.id}.payout_ratio", "Payout ratio", value=fmt(ratio), formula=how))
    return ratio


def _target_incentive(c: Scorecard, ctx: Ctx, node: Node) -> Decimal:
    if c.salary_share is not None:
        salary = ctx.rep.salary
        if salary is None:
            ctx.fail("no-salary", f"{c.id}: bonus is a share of salary but the rep has no salary", c.id)
            salary = ZERO
        base, how = c.salary_share * salary, f"{pct(c.salary_share)} of salary {fmt(salary)}"
    else:
        base, how = c.target_incentive or ZERO, "plan"
    value = base * ctx.prorate
    if ctx.prorate != ONE:
        how += f" × proration {fmt(ctx.prorate)} ({ctx.prorate_note})"
    node.add(Node(f"{c.id}.target_incentive", "Target incentive", value=fmt(value), formula=how))
    return value
