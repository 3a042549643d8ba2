"""What moves a rep's pay: the payout change from one more unit of each KPI, gates, tiers, a typical deal.

Every figure is a difference of two engine evaluations (`core.engine.evaluate`) of the
rep's scored inputs (`runs.progress.Scoring`), the second with exactly one change: the
KPI's metric value one unit better (one activity for counts, one percentage point for
ratios, one more NPS answer of 10, one day shorter for days), or a synthetic won deal
copied from the rep's median won deal (money metrics and commissions). Tier distances
read the plan's tiers against the base the trace shows. Must not write anything, and
must not estimate pay by a formula of its own.
"""

from __future__ import annotations

import statistics
from decimal import Decimal

import msgspec
from sqlalchemy import Connection

from payplan.core.engine import evaluate
from payplan.core.inputs import Deal, MetricValue, RepInputs
from payplan.core.metrics import CATALOG, MetricSpec
from payplan.core.periods import Period
from payplan.core.plan import Commission, Scorecard
from payplan.core.result import RepResult
from payplan.core.scorecard import kpi_spec
from payplan.runs.progress import Scoring, _dec
from payplan.store.rows import period_deals

POINT = Decimal("0.01")  # one percentage point of a ratio
NEAR = {"ratio": Decimal("0.05")}  # a gate "within 5 points" of its minimum (other units: 5)


class Change(msgspec.Struct, frozen=True):
    """The payout change of one what-if: in total and per component (changed ones only)."""

    total: Decimal
    components: dict[str, Decimal]


class Gain(msgspec.Struct, frozen=True):
    kpi: str
    label: str
    metric: str
    unit: str
    step: str  # "unit" / "point" / "answer_10" / "day" / "deal"
    change: Change | None  # None: the metric has no value to move yet


class GateWatch(msgspec.Struct, frozen=True):
    component: str
    component_label: str
    label: str
    metric: str
    unit: str
    actual: Decimal | None
    minimum: Decimal
    factor: Decimal
    applies: bool  # the gate cuts pay now
    at_stake: Change  # applies: reaching the minimum; else: falling one step below it


class TierStep(msgspec.Struct, frozen=True):
    component: str
    base: Decimal
    rate: Decimal | None  # the rate of the band the base is in
    distance: Decimal | None  # more base to the next band (None: in the top band)
    next_rate: Decimal | None
    next_mode: str | None


class TypicalDeal(msgspec.Struct, frozen=True):
    deal_id: str
    amount: Decimal
    margin: Decimal
    source: str  # "period" or "year"
    change: Change


class Moves(msgspec.Struct, frozen=True):
    gates: list[GateWatch]
    gains: list[Gain]
    tiers: list[TierStep]
    typical_deal: TypicalDeal | None


def moves(conn: Connection, scoring: Scoring) -> Moves:
    """Gates about to cut pay, each KPI's one-more-unit gain, tier distances and a typical deal."""
    typical = typical_deal(conn, scoring)
    deal_change = _change(scoring, with_deal(scoring.inputs, typical[0], scoring.period)) if typical else None
    gains = [_gain(scoring, comp.id, kpi, deal_change) for comp in scoring.plan.components
             if isinstance(comp, Scorecard) for kpi in comp.kpis]
    found = None
    if typical and deal_change is not None:
        deal, source = typical
        found = TypicalDeal(deal.id, deal.amount, (deal.amount - deal.cost) * deal.share, source, deal_change)
    return Moves(gates(scoring), gains, tiers(scoring), found)


def reevaluate(scoring: Scoring, inputs: RepInputs) -> RepResult:
    """The engine on changed inputs, from the same starting state and period."""
    return evaluate(scoring.plan, inputs, scoring.state_in, scoring.period)


def _change(scoring: Scoring, inputs: RepInputs) -> Change:
    after, before = reevaluate(scoring, inputs), scoring.result
    old = {c.id: c.amount for c in before.components}
    new = {c.id: c.amount for c in after.components}
    parts = {key: new.get(key, Decimal(0)) - old.get(key, Decimal(0)) for key in sorted({*old, *new})}
    return Change(after.total - before.total, {k: v for k, v in parts.items() if v})


def _unit(metric: str) -> str:
    definition = CATALOG.get(metric)
    return definition.unit if definition else "score"


def _gain(scoring: Scoring, component: str, kpi, deal_change: Change | None) -> Gain:
    spec, unit = kpi_spec(kpi), _unit(kpi.metric)
    label = kpi.label or kpi.id
    if unit == "money":
        return Gain(kpi.id, label, kpi.metric, unit, "deal", deal_change if spec.scope == "self" else None)
    moved = one_more(scoring.inputs.metrics.get(spec.key), kpi.metric, unit)
    if moved is None:
        return Gain(kpi.id, label, kpi.metric, unit, _STEPS.get(unit, "unit"), None)
    return Gain(kpi.id, label, kpi.metric, unit, _STEPS.get(unit, "unit"),
                _change(scoring, with_metric(scoring.inputs, spec.key, moved)))


_STEPS = {"count": "unit", "ratio": "point", "score": "answer_10", "days": "day"}


def one_more(value: MetricValue | None, metric: str, unit: str) -> MetricValue | None:
    """The metric one unit better: None when there is nothing to move (no value, unknown unit)."""
    value = value or MetricValue(None)
    if unit == "count":
        return msgspec.structs.replace(value, value=(value.value or 0) + 1, count=value.count + 1)
    if unit == "ratio" and value.value is not None:
        return MetricValue(min(value.value + POINT, Decimal(1)), value.count, value.evidence)
    if metric == "nps":  # one more answer of 10: a promoter (`store.metrics._nps`)
        net, answers = (value.numerator or Decimal(0)) + 1, (value.denominator or Decimal(0)) + 1
        return MetricValue(net * 100 / answers, value.count + 1, value.evidence, net, answers)
    if unit == "days" and value.value is not None and value.value >= 1:
        return MetricValue(value.value - 1, value.count, value.evidence)
    return None


def with_metric(inputs: RepInputs, key: str, value: MetricValue) -> RepInputs:
    return msgspec.structs.replace(inputs, metrics={**inputs.metrics, key: value})


def gates(scoring: Scoring) -> list[GateWatch]:
    """Gates on a metric that cut pay now, or whose metric is within 5 points of the minimum."""
    found = []
    for comp in scoring.plan.components:
        for i, gate in enumerate(getattr(comp, "gates", ()) or ()):
            if not gate.metric or gate.min is None:
                continue
            key, unit = MetricSpec(gate.metric).key, _unit(gate.metric)
            actual = scoring.inputs.metrics.get(key, MetricValue(None)).value
            applies = actual is None or actual < gate.min
            if not applies and actual - gate.min > NEAR.get(unit, Decimal(5)):
                continue
            step = POINT if unit == "ratio" else Decimal(1)
            moved = gate.min if applies else gate.min - step
            at_stake = _change(scoring, with_metric(scoring.inputs, key, MetricValue(moved, 1)))
            found.append(GateWatch(comp.id, comp.label or comp.id, gate.label or comp.id, gate.metric, unit,
                                   actual, gate.min, gate.factor, applies, at_stake))
    return sorted(found, key=lambda g: not g.applies)


def tiers(scoring: Scoring) -> list[TierStep]:
    """For each commission tiered on its base amount: the band the trace's base is in and the next."""
    found = []
    for comp in scoring.plan.components:
        if not isinstance(comp, Commission) or not comp.tiers or comp.tiers_on != "amount":
            continue
        node = scoring.result.trace.find(f"{comp.id}.base")
        base = _dec(node.value) if node is not None else None
        if base is None:
            continue
        current = [t for t in comp.tiers if t.from_ <= base]
        upcoming = [t for t in comp.tiers if t.from_ > base]
        nxt = min(upcoming, key=lambda t: t.from_) if upcoming else None
        found.append(TierStep(comp.id, base, current[-1].rate if current else None,
                              nxt.from_ - base if nxt else None, nxt.rate if nxt else None,
                              nxt.mode if nxt else None))
    return found


def typical_deal(conn: Connection, scoring: Scoring) -> tuple[Deal, str] | None:
    """The rep's median won deal (by amount) of the period, else of the year, as a new synthetic
    won deal closing on the as-of day (its cycle length kept); None without won deals or commission."""
    if not any(isinstance(c, Commission) for c in scoring.plan.components):
        return None
    won = [d for d in scoring.inputs.deals if d.status == "won"]
    source = "period"
    if not won:
        year = Period(scoring.period.year, "year", 1)
        won = [d for d in period_deals(conn, year, [scoring.rep.id]).get(scoring.rep.id, ()) if d.status == "won"]
        source = "year"
    if not won:
        return None
    median = sorted(won, key=lambda d: (d.amount, d.id))[(len(won) - 1) // 2]
    closed = min(max(scoring.as_of, scoring.period.start), scoring.period.end)
    created = closed - (median.closed_at - median.created_at) if median.closed_at and median.created_at else None
    deal = msgspec.structs.replace(median, id="what-if", closed_at=closed, created_at=created,
                                   cancelled_at=None, rep_id=scoring.rep.id)
    return deal, source


def with_deal(inputs: RepInputs, deal: Deal, period: Period) -> RepInputs:
    """`inputs` with one more credited won deal: in the deals and in every own deal metric."""
    metrics = dict(inputs.metrics)
    for key, value in inputs.metrics.items():
        spec = _spec_of(key)
        if spec is not None and spec.scope == "self" and spec.product in ("", deal.product) \
                and _in_window(spec, deal.closed_at):
            metrics[key] = _deal_metric(spec.name, value, deal, inputs, period)
    return msgspec.structs.replace(inputs, deals=(*inputs.deals, deal), metrics=metrics)


def _spec_of(key: str) -> MetricSpec | None:
    """The spec behind a metric key (`MetricSpec.key`), for catalog metrics."""
    scope, _, text = key.rpartition(":") if ":" in key.split("[")[0] else ("self", "", key)
    name, _, rest = text.partition("[")
    if name not in CATALOG:
        return None
    fields = dict(part.partition("=")[::2] for part in rest.rstrip("]").split(",") if part)
    return MetricSpec(name, product=fields.get("product", ""), kind=fields.get("kind", ""), scope=scope,
                      starts=fields.get("from", ""), ends=fields.get("to", ""))


def _in_window(spec: MetricSpec, day) -> bool:
    """Whether a deal closed on `day` counts in a windowed metric (a metric SPIFF's dates)."""
    text = day.isoformat() if day is not None else ""
    return (not spec.starts or text >= spec.starts) and (not spec.ends or (bool(text) and text <= spec.ends))


def _deal_metric(name: str, v: MetricValue, deal: Deal, inputs: RepInputs, period: Period) -> MetricValue:
    """One metric with the won deal added, as `store.metrics` would total it."""
    share, margin = deal.share, deal.amount - deal.cost
    lead = deal.created_at is not None and period.start <= deal.created_at <= period.end
    days = Decimal((deal.closed_at - deal.created_at).days) if deal.created_at else Decimal(0)
    num, den = v.numerator or Decimal(0), v.denominator or Decimal(0)
    ratio = {"win_rate": (1, 1), "cycle_days_mean": (days, 1), "avg_deal_size": (deal.amount, 1),
             "lead_conversion": (1 if lead else 0, 1 if lead else 0)}
    if name in ("deals_won",) or (name == "leads" and lead):
        return MetricValue((v.value or 0) + 1, v.count + 1, v.evidence)
    if name in ("revenue", "margin"):
        return MetricValue((v.value or 0) + (deal.amount if name == "revenue" else margin) * share, v.count + 1)
    if name in ratio:
        n, d = num + ratio[name][0], den + ratio[name][1]
        return MetricValue(n / d if d else None, v.count + 1, v.evidence, n, d)
    if name == "cycle_days_median":
        cycles = [Decimal((d.closed_at - d.created_at).days) for d in inputs.deals
                  if d.status == "won" and d.closed_at and d.created_at] + [days]
        return MetricValue(Decimal(statistics.median(cycles)), v.count + 1, v.evidence)
    return v
