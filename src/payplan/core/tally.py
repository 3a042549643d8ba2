"""Tally: what a plan pays one rep for one period, without lines or trace (a simulation's fast path).

A simulation reads only the comparison `Outcome` of each rep-period (total,
component amounts, KPI attainments, the pay that rewards volume). `evaluate`
also builds every line, slice and trace node a statement prints, which is most
of its cost. `tally_reader` turns a plan into a function that computes the same
figures with the same Decimal operations, in the same order, and nothing else.

It covers the common plan shapes — scorecards, commissions on revenue or margin,
the statement cap — and returns None for any other plan (draws, clawbacks,
spiffs, overrides, fixed pay, formula bases). Its function returns None for a
rep-period on which `evaluate` would record an issue (a missing metric, target,
quota or salary): the caller then runs `evaluate`. Whenever it answers, the
answer equals `outcome_reader(plan)(evaluate(...))` byte for byte, and covered
plans carry no state (tests/core/test_tally.py checks both over generated plans
and the examples).
Must not build lines, trace nodes or issues, nor approximate a case it does not cover.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from payplan.core.adjust import gate_key
from payplan.core.commission import CommissionInfo, allocate, rate_table, commission_bands, commission_info
from payplan.core.context import rounding_rule
from payplan.core.curves import interpolate
from payplan.core.inputs import CarriedState, RepInputs
from payplan.core.periods import Period
from payplan.core.plan import Commission, Gate, Kpi, Plan, Scorecard
from payplan.core.proration import factor
from payplan.core.scorecard import KpiInfo, scorecard_kpis
from payplan.core.simulate import RATIO, Outcome, is_volume_metric, pays_volume
from payplan.core.tiers import Band, band_index, contains

ZERO, ONE = Decimal(0), Decimal(1)

# (inputs, carried state, period) → outcome, as `evaluate` is called; covered plans
# neither read nor change the state, so it is accepted and ignored.
Tally = Callable[[RepInputs, "CarriedState | None", Period], "Outcome | None"]
# One component: (inputs, proration, KPI attainments out) → (amount, volume part or None), or None.
_Step = Callable[[RepInputs, Decimal, dict[str, Decimal]], "tuple[Decimal, Decimal | None] | None"]


def tally_reader(plan: Plan) -> Tally | None:
    """The plan's tally function, or None when the plan has a part only `evaluate` covers."""
    if plan.clawback is not None or not all(_covered(c) for c in plan.components):
        return None
    rules = _Rules(plan)
    steps = [(c.id, _scorecard_step(c, rules) if isinstance(c, Scorecard) else _commission_step(c, rules))
             for c in plan.components]
    cap, zero = plan.cap, rules.zero

    def tally(inputs: RepInputs, state: CarriedState | None, period: Period) -> Outcome | None:
        prorate = factor(plan, inputs.rep, period)[0]
        components: dict[str, Decimal] = {}
        kpis: dict[str, Decimal] = {}
        total, volume = zero, ZERO
        for cid, step in steps:
            got = step(inputs, prorate, kpis)
            if got is None:
                return None
            amount, part = got
            components[cid] = amount
            total += amount
            if part is not None:
                volume += part
        if cap is not None and total > cap:
            line = rules.money(cap - total)
            components["statement_cap"] = zero + line
            total += line
        return Outcome(inputs.rep.id, period.key, total, components, kpis, volume)

    return tally


def _covered(comp) -> bool:
    if isinstance(comp, Scorecard):
        return True
    return isinstance(comp, Commission) and comp.base in ("revenue", "margin")


class _Rules:
    """The plan's rounding and proration rules, and the attainments shared across rep-periods."""

    __slots__ = ("quantum", "mode", "score_quantum", "zero", "prorates_quotas", "shared")

    def __init__(self, plan: Plan) -> None:
        self.quantum, self.mode, self.score_quantum = rounding_rule(plan)
        self.zero = self.money(ZERO)
        self.prorates_quotas = plan.proration.quotas
        # An attainment to 4 places repeats across rep-periods: one object per value
        # (keyed by text, as `outcome_reader` does: hashing a Decimal costs more).
        self.shared: dict[str, Decimal] = {}

    def money(self, value: Decimal) -> Decimal:
        return value.quantize(self.quantum, rounding=self.mode)

    def target(self, inputs: RepInputs, key: str, default: Decimal | None, unit_prorated: bool,
               prorate: Decimal) -> Decimal | None:
        """`Ctx.target`'s value: the override, else the plan default; prorated if asked."""
        override = inputs.targets.get(key) if inputs.targets else None
        value = override.value if override else default
        if value is None or not unit_prorated or not self.prorates_quotas or prorate == 1:
            return value
        return value * prorate

    def kept(self, attainment: Decimal) -> Decimal:
        rounded = attainment.quantize(RATIO, ROUND_HALF_UP)
        text = str(rounded)
        value = self.shared.get(text)
        if value is None:
            value = self.shared[text] = rounded
        return value


# --- scorecards -------------------------------------------------------------------------


MEMO_LIMIT = 4096  # distinct values remembered per KPI (counts and rates repeat; amounts rarely)


def _scorecard_step(c: Scorecard, rules: _Rules) -> _Step:
    """`evaluate_scorecard`'s amount and `outcome_reader`'s volume share and attainments.

    A KPI's scored attainment is a function of its value and target alone, and
    values repeat across reps and months (12 demos, a 25% conversion), so while
    every target is the plan's own (no override, nothing prorated) each KPI
    remembers what a value scored. The key is the value's text: 12 and 12.0 are
    equal Decimals but divide into differently written quotients.
    """
    kpis = [(info.spec_key, kpi.id, is_volume_metric(kpi.metric), {}, kpi, info)
            for kpi, info in scorecard_kpis(c)]
    prorates = rules.prorates_quotas
    kpi_gates = any(g.kpi_min is not None for g in c.gates)  # only these read the attainments

    def step(inputs: RepInputs, prorate: Decimal, out: dict[str, Decimal]):
        metrics = inputs.metrics
        plain = not inputs.targets and (prorate == 1 or not prorates)
        attainments: dict[str, Decimal] = {}
        score = volume_points = ZERO
        for spec_key, kpi_id, is_volume, memo, kpi, info in kpis:
            mv = metrics.get(spec_key)
            value = mv.value if mv is not None else None
            if value is None:
                return None
            text = str(value)
            scored = memo.get(text) if plain else None
            if scored is None:
                scored = _scored(kpi, info, value, inputs, prorate, rules)
                if scored is None:
                    return None
                if plain and len(memo) < MEMO_LIMIT:
                    memo[text] = scored
            attainment, points, out[kpi_id] = scored
            if kpi_gates:
                attainments[kpi_id] = attainment
            score += points
            if is_volume:
                volume_points += points
        amount = _bonus(c, score, attainments, inputs, prorate, rules)
        if amount is None:
            return None
        return amount, (amount * volume_points / score if score else ZERO)

    return step


def _scored(kpi: Kpi, info: KpiInfo, value: Decimal, inputs: RepInputs, prorate: Decimal,
            rules: _Rules) -> tuple[Decimal, Decimal, Decimal] | None:
    """(attainment, points, attainment to 4 places) with the plan's score rounding."""
    attainment = _attainment(kpi, info, value, inputs, prorate, rules)
    if attainment is None:
        return None
    if rules.score_quantum is not None:
        attainment = attainment.quantize(rules.score_quantum, rounding=rules.mode)
        points = (kpi.weight * attainment).quantize(rules.score_quantum, rounding=rules.mode)
    else:
        points = kpi.weight * attainment
    return attainment, points, rules.kept(attainment)


def _attainment(kpi: Kpi, info: KpiInfo, value: Decimal, inputs: RepInputs, prorate: Decimal,
                rules: _Rules) -> Decimal | None:
    """`scorecard._kpi`'s attainment after threshold, floor and cap; None where it records an issue."""
    if kpi.curve:
        attainment = interpolate(kpi.curve, value)
    else:
        target = rules.target(inputs, info.target_key, kpi.target, info.prorates, prorate)
        if info.higher and target:
            attainment = value / target
        else:
            attainment = _ratio(kpi, info, value, target)
            if attainment is None:
                return None
    low, cap = info.low, kpi.cap
    if (low is not None and attainment < low) or (cap is not None and attainment > cap):
        if kpi.threshold is not None and attainment < kpi.threshold:
            attainment = ZERO
        elif kpi.floor is not None and attainment < kpi.floor:
            attainment = kpi.floor
        if cap is not None and attainment > cap:
            attainment = cap
    return attainment


def _ratio(kpi: Kpi, info: KpiInfo, value: Decimal, target: Decimal | None) -> Decimal | None:
    """`scorecard._ratio` without its words; None for a missing target or a zero one on higher-is-better."""
    if target is None or info.better == "higher":
        return None  # "higher" reaches here only with a zero target
    if kpi.lower_is == "mirror":
        return ONE - value if target == 0 else ONE - (value - target) / abs(target)
    if value <= 0:
        return kpi.cap if kpi.cap is not None else ONE
    return target / value


def _bonus(c: Scorecard, score: Decimal, attainments: dict[str, Decimal], inputs: RepInputs,
           prorate: Decimal, rules: _Rules) -> Decimal | None:
    """The scorecard's amount: its bonus line plus its gate lines, summed as `_collect` sums them."""
    ratio = interpolate(c.payout_curve, score) if c.payout_curve else score
    if c.payout_cap is not None and ratio > c.payout_cap:
        ratio = c.payout_cap
    if c.salary_share is not None:
        salary = inputs.rep.salary
        if salary is None:
            return None
        base = c.salary_share * salary
    else:
        base = c.target_incentive or ZERO
    raw = base * prorate * ratio
    amount = rules.zero + rules.money(raw)
    if c.gates:
        amount = _gates(c.gates, raw, amount, inputs, attainments, rules)
    return amount


def _gates(gates: list[Gate], unrounded: Decimal, amount: Decimal, inputs: RepInputs,
           attainments: dict[str, Decimal], rules: _Rules) -> Decimal:
    """`apply_gates`: each gate that applies adds unrounded × (factor − 1); gates compound."""
    for gate in gates:
        if gate.kpi_min is not None:
            hit = any(a < gate.kpi_min for a in attainments.values())
        else:
            mv = inputs.metrics.get(gate_key(gate.metric or ""))
            value = mv.value if mv else None
            hit = value is None or (gate.min is not None and value < gate.min)
        if hit and gate.factor != ONE:
            amount += rules.money(unrounded * (gate.factor - ONE))
            unrounded = unrounded * gate.factor
    return amount


# --- commissions ------------------------------------------------------------------------


def _commission_step(c: Commission, rules: _Rules) -> _Step:
    """`evaluate_commission`'s amount; all of it is volume pay when `pays_volume` says so."""
    info = commission_info(c)
    volume = pays_volume(c)
    multipliers = [Band(m.from_, m.to, m.factor) for m in c.multipliers]

    def step(inputs: RepInputs, prorate: Decimal, out: dict[str, Decimal]):
        amount = _commission(c, info, multipliers, inputs, prorate, rules)
        if amount is None:
            return None
        return amount, (amount if volume else None)

    return step


def _commission(c: Commission, info: CommissionInfo, multipliers: list[Band], inputs: RepInputs,
                prorate: Decimal, rules: _Rules) -> Decimal | None:
    """Deal lines, then multiplier, gates, cap or floor, summed as `_collect` sums them.
    A cap or floor compares the sum of the lines so far (`amount`, by value)."""
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
        unrounded, amount = _period_sums(c, info, bases, total, bands, quota, rules)
    else:
        unrounded, amount = _allocated_sums(c, deals, bases, bands, quota, rules)
    if multipliers:
        measure = (total / quota if quota else None) if c.multipliers_on == "attainment" else total
        delta = _multiplier_delta(c, multipliers, measure, unrounded)
        if delta is not None:
            amount += rules.money(delta)
            unrounded += delta
    if c.gates:
        amount = _gates(c.gates, unrounded, amount, inputs, {}, rules)
    if c.cap is not None and amount > c.cap:
        amount += rules.money(c.cap - amount)
    elif c.floor is not None and amount < c.floor:
        amount += rules.money(c.floor - amount)
    return amount


def _period_sums(c: Commission, info: CommissionInfo, bases: dict[str, Decimal], total: Decimal,
                 bands: list[Band], quota: Decimal | None, rules: _Rules) -> tuple[Decimal, Decimal]:
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
    unrounded, paid = ZERO, rules.zero
    cumulative, k = -offset, 0
    for base in bases.values():
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
        paid += amount.quantize(quantum, rounding=mode)
    return unrounded, paid


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
                    quota: Decimal | None, rules: _Rules) -> tuple[Decimal, Decimal]:
    """`commission._deal_lines`' general path (margin-rate tiers, per-deal tiers, repeated ids)."""
    unrounded, paid = ZERO, rules.zero
    for _, slices in allocate(c, deals, bases, bands, quota):
        amount = ZERO
        for s in slices:
            amount += s.amount * s.rate
        unrounded += amount
        paid += rules.money(amount)
    return unrounded, paid


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
