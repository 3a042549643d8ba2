"""The tally of a scorecard: its amount, its volume share and its KPI attainments.

`evaluate_scorecard` without lines or trace, for `payplan.core.tally`: the same
Decimal operations in the same order. Must not build lines, trace nodes or issues;
returns None where the engine would record one.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.curves import interpolate
from payplan.core.inputs import RepInputs
from payplan.core.periods import Period
from payplan.core.plan import Kpi, Scorecard
from payplan.core.scorecard import KpiInfo, scorecard_kpis
from payplan.core.simulate import is_volume_metric
from payplan.core.tally.rules import Rules, gated

ZERO, ONE = Decimal(0), Decimal(1)


MEMO_LIMIT = 4096  # distinct values remembered per KPI (counts and rates repeat; amounts rarely)


def scorecard_step(c: Scorecard, rules: Rules):
    """`evaluate_scorecard`'s amount and `outcome_reader`'s volume share and attainments.

    A KPI's scored attainment is a function of its value and target alone, and
    values repeat across reps and months (12 demos, a 25% conversion), so each KPI
    remembers what a value scored against the plan's own target — for a rep whose
    target for it is overridden or prorated, it is worked out afresh. The key is the
    value's text: 12 and 12.0 are equal Decimals but divide into differently written
    quotients.
    """
    # (metric key, KPI id, volume?, memo, target key or None when no target is read,
    #  whether a partial period scales the target, KPI, info)
    kpis = [(info.spec_key, kpi.id, is_volume_metric(kpi.metric), {}, None if kpi.curve else info.target_key,
             info.prorates and not kpi.curve, kpi, info) for kpi, info in scorecard_kpis(c)]
    prorates = rules.prorates_quotas
    kpi_gates = any(g.kpi_min is not None for g in c.gates)  # only these read the attainments

    def step(inputs: RepInputs, period: Period, prorate: Decimal, out: dict[str, Decimal], paid: list | None):
        metrics, targets = inputs.metrics, inputs.targets
        scaled = prorates and prorate != 1
        free = not targets and not scaled  # every KPI reads its plan target as it stands
        attainments: dict[str, Decimal] = {}
        score = volume_points = ZERO
        for spec_key, kpi_id, is_volume, memo, target_key, scales, kpi, info in kpis:
            mv = metrics.get(spec_key)
            value = mv.value if mv is not None else None
            if value is None:
                return None
            plain = free or (not (scaled and scales) and not (targets and target_key in targets))
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
            rules: Rules) -> tuple[Decimal, Decimal, Decimal] | None:
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
                rules: Rules) -> Decimal | None:
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
           prorate: Decimal, rules: Rules) -> Decimal | None:
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
        amount = gated(c.gates, raw, amount, inputs, attainments, rules)
    return amount
