"""Compare what two plans pay over the same metric values: rows, per-rep deltas, totals.

HR's question "what would this plan have paid, and who wins or loses?" answered
from two lists of results. `outcome_of` shrinks each `RepResult` to what a
comparison reads (total, components, KPI attainments, pay that rewards volume
alone) so a large simulation never keeps thousands of traces; `compare` pairs
the outcomes by rep × period and computes deltas, the distribution of pay,
winners and losers beyond a threshold, payout as a share of revenue and margin,
and how strongly pay tracks margin versus volume.

Money stays Decimal and exact; correlations (Pearson's r) are computed in
Decimal too and reported to four places.
Pure (stdlib + msgspec): must not load plans or facts, nor evaluate anything.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import msgspec

from payplan.core.issues import Issue
from payplan.core.metrics import VOLUME_FAMILIES, lookup
from payplan.core.plan import Commission, Override, Plan, Scorecard, Spiff
from payplan.core.result import RepResult

ZERO = Decimal(0)
RATIO = Decimal("0.0001")


class Outcome(msgspec.Struct, frozen=True):
    """What one plan paid one rep for one period, reduced for comparison."""

    rep_id: str
    period: str
    total: Decimal
    components: dict[str, Decimal]
    kpis: dict[str, Decimal]  # KPI id → attainment after threshold, floor and cap, to 0.0001
    volume_pay: Decimal  # the part of `total` paid for revenue or activity counts alone
    issues: tuple[Issue, ...] = ()


class Activity(msgspec.Struct, frozen=True):
    """The business a rep brought in during a period (from the shared metric values)."""

    revenue: Decimal = ZERO
    margin: Decimal = ZERO


class Row(msgspec.Struct, frozen=True):
    """One rep × period: pay under each plan (0 where a plan does not cover the rep)."""

    rep_id: str
    period: str
    baseline: Decimal
    proposal: Decimal
    delta: Decimal
    revenue: Decimal
    margin: Decimal
    covered: str  # both / baseline / proposal
    baseline_kpis: dict[str, Decimal] = {}
    proposal_kpis: dict[str, Decimal] = {}


class RepChange(msgspec.Struct, frozen=True):
    """One rep over the whole window; `change` is gain / loss / same against the threshold."""

    rep_id: str
    baseline: Decimal
    proposal: Decimal
    delta: Decimal
    change: str


class Distribution(msgspec.Struct, frozen=True):
    """Of per-rep totals over the window. p90 is the nearest-rank value (no interpolation)."""

    min: Decimal
    median: Decimal
    p90: Decimal
    max: Decimal


class PlanStats(msgspec.Struct, frozen=True):
    total: Decimal
    share_of_revenue: Decimal | None  # total pay / total revenue
    share_of_margin: Decimal | None
    distribution: Distribution
    correlation_margin: Decimal | None  # Pearson's r of pay vs margin over rep-periods
    correlation_revenue: Decimal | None
    volume_share: Decimal | None  # share of pay from volume-only KPIs and revenue commission


class Totals(msgspec.Struct, frozen=True):
    baseline: PlanStats
    proposal: PlanStats
    cost_delta: Decimal
    cost_delta_share: Decimal | None  # cost delta / baseline total
    delta_distribution: Distribution
    threshold: Decimal
    gainers: int  # reps whose window delta is above +threshold
    losers: int  # reps whose window delta is below −threshold
    revenue: Decimal
    margin: Decimal


class Comparison(msgspec.Struct, frozen=True):
    rows: list[Row]
    reps: list[RepChange]
    totals: Totals


# --- results → outcomes -----------------------------------------------------------------


def outcome_of(plan: Plan, result: RepResult) -> Outcome:
    """Reduce a result to its comparison figures; `plan` says which pay rewards volume."""
    return outcome_reader(plan)(result)


def outcome_reader(plan: Plan) -> Callable[[RepResult], Outcome]:
    """`outcome_of` for many results of one plan: what counts as volume is worked out once."""
    volume_kpis = {c.id: frozenset(k.id for k in c.kpis if is_volume_metric(k.metric))
                   for c in plan.components if isinstance(c, Scorecard)}
    volume_components = frozenset(c.id for c in plan.components if pays_volume(c))
    # Attainments to 4 places repeat across rep-periods: one object per value saves memory.
    # Keyed by text, not by the Decimal: hashing a fresh Decimal costs more than printing it.
    shared: dict[str, Decimal] = {}

    def read(result: RepResult) -> Outcome:
        kpis: dict[str, Decimal] = {}
        volume = ZERO
        components = {c.id: c.amount for c in result.components}
        for node in result.trace.children:
            key = node.key
            ids = volume_kpis.get(key)
            if ids is not None:
                volume += _scorecard_volume(ids, node, components.get(key, ZERO), kpis, shared)
            elif key in volume_components:
                volume += components.get(key, ZERO)
        return Outcome(result.rep_id, result.period, result.total, components, kpis, volume, result.issues)

    return read


def _scorecard_volume(volume_ids: frozenset[str], node, amount: Decimal, kpis: dict[str, Decimal],
                      shared: dict[str, Decimal]) -> Decimal:
    """Record KPI attainments; the bonus's volume part is the volume KPIs' share of the points.

    Runs for every rep-period of a simulation, so it reads each KPI node's inputs
    once and rounds positionally (a keyword argument to `quantize` costs as much
    as the rounding itself).
    """
    points = volume_points = ZERO
    get = shared.get
    for child in node.children:
        inputs = child.inputs
        if "attainment" not in inputs:
            continue
        key = child.key
        if not key.startswith("kpi."):
            continue
        kpi_id = key[4:]
        attainment = inputs["attainment"]
        if isinstance(attainment, Decimal):
            rounded = attainment.quantize(RATIO, ROUND_HALF_UP)
            text = str(rounded)
            kept = get(text)
            if kept is None:
                kept = shared[text] = rounded
            kpis[kpi_id] = kept
        else:
            kpis[kpi_id] = ZERO
        value = child.value if isinstance(child.value, Decimal) else ZERO
        points += value
        if kpi_id in volume_ids:
            volume_points += value
    return amount * volume_points / points if points else ZERO


def is_volume_metric(name: str) -> bool:
    definition = lookup(name)
    return definition is not None and definition.family in VOLUME_FAMILIES


def pays_volume(comp) -> bool:
    """Commission, spiffs and overrides on revenue (or counts) pay for volume alone."""
    if isinstance(comp, Spiff) and comp.metric:
        return is_volume_metric(comp.metric)
    if isinstance(comp, (Commission, Spiff, Override)):
        return "cost" not in comp.base and comp.base != "margin"
    return False


# --- comparison -------------------------------------------------------------------------


def compare(baseline: list[Outcome], proposal: list[Outcome], activity: dict[tuple[str, str], Activity],
            threshold: Decimal = ZERO) -> Comparison:
    """Pair outcomes by (rep, period) and compute rows, per-rep changes and totals."""
    before = {(o.rep_id, o.period): o for o in baseline}
    after = {(o.rep_id, o.period): o for o in proposal}
    rows = [_row(key, before.get(key), after.get(key), activity.get(key, Activity()))
            for key in sorted(before.keys() | after.keys())]
    reps = _rep_changes(rows, threshold)
    revenue = sum((r.revenue for r in rows), ZERO)
    margin = sum((r.margin for r in rows), ZERO)
    base_stats = _plan_stats(rows, [r.baseline for r in reps], "baseline", baseline, revenue, margin)
    prop_stats = _plan_stats(rows, [r.proposal for r in reps], "proposal", proposal, revenue, margin)
    cost_delta = prop_stats.total - base_stats.total
    totals = Totals(
        baseline=base_stats, proposal=prop_stats, cost_delta=cost_delta,
        cost_delta_share=_ratio(cost_delta, base_stats.total), delta_distribution=distribution([r.delta for r in reps]),
        threshold=threshold, gainers=sum(r.change == "gain" for r in reps),
        losers=sum(r.change == "loss" for r in reps), revenue=revenue, margin=margin)
    return Comparison(rows, reps, totals)


def _row(key: tuple[str, str], before: Outcome | None, after: Outcome | None, act: Activity) -> Row:
    paid_before = before.total if before else ZERO
    paid_after = after.total if after else ZERO
    covered = "both" if before and after else "baseline" if before else "proposal"
    return Row(key[0], key[1], paid_before, paid_after, paid_after - paid_before, act.revenue, act.margin,
               covered, before.kpis if before else {}, after.kpis if after else {})


def _rep_changes(rows: list[Row], threshold: Decimal) -> list[RepChange]:
    sums: dict[str, tuple[Decimal, Decimal]] = {}
    for row in rows:
        b, p = sums.get(row.rep_id, (ZERO, ZERO))
        sums[row.rep_id] = (b + row.baseline, p + row.proposal)
    changes = []
    for rep_id, (b, p) in sorted(sums.items()):
        delta = p - b
        change = "gain" if delta > threshold else "loss" if delta < -threshold else "same"
        changes.append(RepChange(rep_id, b, p, delta, change))
    return changes


def _plan_stats(rows: list[Row], per_rep: list[Decimal], side: str, outcomes: list[Outcome],
                revenue: Decimal, margin: Decimal) -> PlanStats:
    pay = [getattr(r, side) for r in rows]
    total = sum(pay, ZERO)
    volume = sum((o.volume_pay for o in outcomes), ZERO)
    return PlanStats(
        total=total, share_of_revenue=_ratio(total, revenue), share_of_margin=_ratio(total, margin),
        distribution=distribution(per_rep),
        correlation_margin=correlation(pay, [r.margin for r in rows]),
        correlation_revenue=correlation(pay, [r.revenue for r in rows]),
        volume_share=_ratio(volume, total))


# --- statistics -------------------------------------------------------------------------


def distribution(values: list[Decimal]) -> Distribution:
    """min / median / p90 (nearest rank) / max, exact; all zero for no values."""
    if not values:
        return Distribution(ZERO, ZERO, ZERO, ZERO)
    ordered = sorted(values)
    n = len(ordered)
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    rank = -(-9 * n // 10)  # ceil(0.9 n), 1-based
    return Distribution(ordered[0], median, ordered[rank - 1], ordered[-1])


def correlation(xs: list[Decimal], ys: list[Decimal]) -> Decimal | None:
    """Pearson's r in Decimal, to four places; None with fewer than two points or a constant series."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs, ZERO) / n, sum(ys, ZERO) / n
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    spread = sum((d * d for d in dx), ZERO) * sum((d * d for d in dy), ZERO)
    if not spread:
        return None
    r = sum((a * b for a, b in zip(dx, dy)), ZERO) / spread.sqrt()
    return r.quantize(RATIO, rounding=ROUND_HALF_UP)


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole).quantize(RATIO, rounding=ROUND_HALF_UP) if whole else None
