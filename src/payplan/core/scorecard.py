"""The KPI scorecard bonus: metric values → attainment → weighted score → payout.

amount = target incentive × proration × payout_curve(Σ weight × attainment) × gates.
Every step is a trace node a rep can follow; formulas are templates filled in
only when read, so scoring stays fast. Must not touch deals or money beyond the
one bonus line and its gate lines.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from payplan.core.adjust import apply_gates
from payplan.core.context import Ctx, prorates_target
from payplan.core.curves import describe, interpolate
from payplan.core.metrics import MetricSpec, UNIT_SPECS, lookup
from payplan.core.plan import Kpi, Scorecard
from payplan.core.result import Line
from payplan.core.trace import N_, Node

ZERO, ONE = Decimal(0), Decimal(1)

# A KPI's sentence, printed after the KPI's label (so without the metric's key); `how` is one
# of our words (below), or the curve's points in KPI_SENTENCE_CURVE; `unit` is the spec the
# metric's values are written with (`UNIT_SPECS`: an amount, a percentage, a plain number).
KPI_SENTENCE = N_("{actual:{unit}} vs target {target:{unit}} ({how:word}) → attainment {attainment:pts} "
                  "× weight {weight:.0%} = {points:pts} of the score")
KPI_SENTENCE_NO_TARGET = N_("{actual:{unit}} ({how:word}) → attainment {attainment:pts} "
                            "× weight {weight:.0%} = {points:pts} of the score")
KPI_SENTENCE_CURVE = N_("{actual:{unit}} (curve over {how:interval}) → attainment {attainment:pts} "
                        "× weight {weight:.0%} = {points:pts} of the score")
RATIO = N_("actual / target")


class KpiInfo(msgspec.Struct, frozen=True):
    """What scoring a KPI needs that depends only on the plan (computed once per KPI)."""

    spec_key: str
    key: str
    label: str
    better: str
    prorates: bool
    target_key: str
    curve_words: str
    higher: bool  # better == "higher": the plain actual / target ratio applies
    low: Decimal | None  # the larger of threshold and floor: below it the attainment is bounded
    unit: str = ""  # the `fill` spec of the metric's values (UNIT_SPECS)


_INFO: dict[int, tuple[Kpi, KpiInfo]] = {}


def kpi_spec(kpi: Kpi) -> MetricSpec:
    return MetricSpec(kpi.metric, product=kpi.product, kind=kpi.activity_kind, scope=kpi.scope)


def kpi_info(kpi: Kpi) -> KpiInfo:
    entry = _INFO.get(id(kpi))
    if entry is not None and entry[0] is kpi:
        return entry[1]
    definition = lookup(kpi.metric)
    better = kpi.better or (definition.better if definition else "higher")
    lows = [b for b in (kpi.threshold, kpi.floor) if b is not None]
    info = KpiInfo(kpi_spec(kpi).key, f"kpi.{kpi.id}", kpi.label or kpi.id, better,
                   prorates_target(kpi.metric), kpi.target_key or kpi.metric,
                   describe(kpi.curve, kpi.curve_slope_after) if kpi.curve else "", better == "higher", max(lows) if lows else None,
                   UNIT_SPECS.get(definition.unit, "") if definition else "")
    _INFO[id(kpi)] = (kpi, info)
    return info


_KPIS: dict[int, tuple[Scorecard, tuple[tuple[Kpi, KpiInfo], ...]]] = {}


def scorecard_kpis(c: Scorecard) -> tuple[tuple[Kpi, KpiInfo], ...]:
    """The scorecard's KPIs with their plan info, looked up once per scorecard (not per rep)."""
    entry = _KPIS.get(id(c))
    if entry is None or entry[0] is not c:
        if len(_KPIS) > 1024:
            _KPIS.clear()
        entry = _KPIS[id(c)] = (c, tuple((kpi, kpi_info(kpi)) for kpi in c.kpis))
    return entry[1]


def evaluate_scorecard(c: Scorecard, ctx: Ctx) -> tuple[list[Line], Node]:
    label = c.label or N_("KPI bonus")
    node = Node(c.id, label, formula=N_("target incentive × payout ratio, then gates"))
    children = node.children
    attainments: dict[str, Decimal] = {}
    score = ZERO
    for kpi, info in scorecard_kpis(c):
        points, attainment = score_kpi(kpi, info, ctx, children)
        attainments[kpi.id] = attainment
        score += points
    children.append(Node(f"{c.id}.score", N_("Weighted score"), value=score, formula=N_("sum of the KPI points")))
    ratio = payout_ratio(c, score, node)
    incentive = _target_incentive(c, ctx, node)
    raw = incentive * ratio
    lines = [Line(c.id, "bonus", label, ctx.money(raw))]
    children.append(Node(f"{c.id}.payout", N_("Bonus before gates"), value=lines[0].amount,
                         formula=N_("{incentive:money} × {ratio:.2%} = {raw:money}"),
                         inputs={"incentive": incentive, "ratio": ratio, "raw": raw}))
    if c.gates:
        lines += apply_gates(c.id, c.gates, raw, ctx, node, attainments)
    return lines, node


def score_kpi(kpi: Kpi, info: KpiInfo, ctx: Ctx, siblings: list[Node]) -> tuple[Decimal, Decimal]:
    """Score one KPI into one trace node (appended to `siblings`); returns (points, attainment).

    The node's inputs name every step (actual, target, raw, attainment, weight,
    points), addressable as `kpi.<id>.<input>`; a child node appears only when a
    threshold, floor or cap changed the attainment.
    This runs once per KPI per rep, so the common case (a plan target, higher is
    better, no bound hit) is written out inline rather than through helpers.
    """
    mv = ctx.inputs.metrics.get(info.spec_key)
    value = mv.value if mv is not None else None
    children: list[Node] = []
    target = raw = None
    formula = KPI_SENTENCE
    if value is None:
        ctx.warn("no-data", N_("no data for metric {metric}: attainment 0"), f"kpi {kpi.id}", metric=kpi.metric)
        how, attainment = N_("no data: attainment 0"), ZERO
    elif kpi.curve:
        raw = interpolate(kpi.curve, value, kpi.curve_boundary, kpi.curve_slope_after)
        how, formula = info.curve_words, KPI_SENTENCE_CURVE
        attainment = raw
    else:
        if ctx.plain_targets:  # no overrides and nothing to prorate: the plan's own target
            target = kpi.target
        else:
            target, source = ctx.target(info.target_key, kpi.target, info.prorates)
            if source != "plan":
                children.append(Node(f"{info.key}.target_source", N_("Target from"), value=target, source=source))
        if info.higher and target:
            raw, how = value / target, RATIO
        else:
            raw, how = _raw(kpi, info, value, target, ctx)
        attainment = raw
    low, cap = info.low, kpi.cap
    if (low is not None and attainment < low) or (cap is not None and attainment > cap):
        attainment = _bound(kpi, attainment, children, info.key)
    if ctx.rounds_scores:
        attainment = ctx.score(attainment)
        points = ctx.score(kpi.weight * attainment)
    else:
        points = kpi.weight * attainment
    if target is None and formula is KPI_SENTENCE:
        formula = KPI_SENTENCE_NO_TARGET
    siblings.append(Node(info.key, info.label, points, formula,
                         {"metric": kpi.metric, "actual": value, "count": mv.count if mv else 0,
                          "target": target, "raw": raw, "how": how, "attainment": attainment,
                          "weight": kpi.weight, "points": points, "unit": info.unit},
                         kpi.why, mv.evidence if mv is not None else (), children))
    return points, attainment


def _raw(kpi: Kpi, info: KpiInfo, value: Decimal, target: Decimal | None, ctx: Ctx) -> tuple[Decimal, str]:
    if target is None:
        ctx.fail("no-target", N_("KPI {kpi} has no target and no curve"), f"kpi {kpi.id}", kpi=kpi.id)
        return ZERO, N_("no target: attainment 0")
    return _ratio(kpi, info, value, target, ctx)


def _ratio(kpi: Kpi, info: KpiInfo, value: Decimal, target: Decimal, ctx: Ctx) -> tuple[Decimal, str]:
    if info.better == "higher":
        if target == 0:
            ctx.warn("zero-target", N_("KPI {kpi}: target is 0, attainment set to the cap or 1"), f"kpi {kpi.id}",
                     kpi=kpi.id)
            return (kpi.cap if kpi.cap is not None else ONE), N_("target is 0")
        return value / target, RATIO
    if kpi.lower_is == "mirror":
        if target == 0:
            return ONE - value, N_("lower is better: 1 − actual")
        return ONE - (value - target) / abs(target), N_("lower is better: 1 − (actual − target) / |target|")
    if value <= 0:
        # The best possible result (nothing to lower): the KPI's cap, or at least full target.
        best = kpi.cap if kpi.cap is not None else ONE
        return best, N_("lower is better, actual is 0: best possible (the KPI cap)")
    return target / value, N_("lower is better: target / actual")


def _bound(kpi: Kpi, a: Decimal, children: list[Node], key: str) -> Decimal:
    """Threshold (below it: 0, and no floor), then floor, then cap."""
    note = ""
    if kpi.threshold is not None and a < kpi.threshold:
        note, a = N_("below the threshold {threshold:pts}: 0"), ZERO
    elif kpi.floor is not None and a < kpi.floor:
        note, a = N_("raised to the floor {floor:pts}"), kpi.floor
    if kpi.cap is not None and a > kpi.cap:
        note, a = N_("capped at {cap:pts}"), kpi.cap
    if note:
        children.append(Node(f"{key}.bounds", N_("Threshold, floor and cap"), value=a, formula=note,
                             inputs={"threshold": kpi.threshold, "floor": kpi.floor, "cap": kpi.cap}))
    return a


def payout_ratio(c: Scorecard, score: Decimal, node: Node) -> Decimal:
    ratio = (interpolate(c.payout_curve, score, c.payout_curve_boundary, c.payout_curve_slope_after)
             if c.payout_curve else score)
    capped = c.payout_cap is not None and ratio > c.payout_cap
    if capped:
        ratio = c.payout_cap
    how = _PAYOUT_WORDS[bool(c.payout_curve), capped]
    node.add(Node(f"{c.id}.payout_ratio", N_("Payout ratio"), value=ratio, formula=how,
                  inputs={"score": score, "cap": c.payout_cap, "curve": _curve_words(c)}))
    return ratio


_PAYOUT_WORDS = {  # (a payout curve?, capped?) → the payout ratio's formula
    (True, False): N_("payout curve at a score of {score:.2%}: {curve:interval}"),
    (True, True): N_("payout curve at a score of {score:.2%}: {curve:interval}, capped at {cap:pts}"),
    (False, False): N_("payout ratio = score"),
    (False, True): N_("payout ratio = score, capped at {cap:pts}"),
}


def _target_incentive(c: Scorecard, ctx: Ctx, node: Node) -> Decimal:
    if c.salary_share is not None:
        salary = ctx.rep.salary
        if salary is None:
            ctx.fail("no-salary", N_("{component}: bonus is a share of salary but the rep has no salary"), c.id,
                     component=c.id)
            salary = ZERO
        base = c.salary_share * salary
    else:
        base, salary = c.target_incentive or ZERO, None
    value = base * ctx.prorate
    how = _INCENTIVE_WORDS[c.salary_share is not None, ctx.prorate != ONE]
    node.add(Node(f"{c.id}.target_incentive", N_("Target incentive"), value=value, formula=how,
                  inputs={"share": c.salary_share, "salary": salary, "base": base,
                          "prorate": ctx.prorate}))
    return value


_INCENTIVE_WORDS = {  # (a share of salary?, prorated?) → the target incentive's formula
    (True, False): N_("{share:.0%} of salary {salary:money}"),
    (True, True): N_("{share:.0%} of salary {salary:money} × proration {prorate:pct2}"),
    (False, False): N_("plan target incentive {base:money}"),
    (False, True): N_("plan target incentive {base:money} × proration {prorate:pct2}"),
}


_CURVE_WORDS: dict[int, tuple[Scorecard, str]] = {}


def _curve_words(c: Scorecard) -> str:
    """The payout curve in words, computed once per scorecard."""
    entry = _CURVE_WORDS.get(id(c))
    if entry is None or entry[0] is not c:
        entry = _CURVE_WORDS[id(c)] = (c, describe(c.payout_curve, c.payout_curve_slope_after) if c.payout_curve else "")
    return entry[1]
