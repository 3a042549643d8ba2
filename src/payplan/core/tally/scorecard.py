"""The tally of a scorecard: its amount, its volume share and its KPI attainments, for a batch.

`evaluate_scorecard` without lines or trace, for `payplan.core.tally`: for each rep
the same Decimal operations in the same order, done a KPI column at a time over
every rep of a `Batch`. Must not build lines, trace nodes or issues; marks a rep
dead where the engine would record one.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import compress, repeat
from operator import add, mul

from payplan.core.curves import compiled
from payplan.core.inputs import RepInputs
from payplan.core.plan import Kpi, Scorecard
from payplan.core.proration import ONE as WHOLE
from payplan.core.scorecard import KpiInfo, scorecard_kpis
from payplan.core.simulate import is_volume_metric
from payplan.core.tally.batch import Batch
from payplan.core.tally.rules import Rules, gated_columns

ZERO, ONE = Decimal(0), Decimal(1)
DEAD = (ZERO, ZERO, ZERO)  # a declined rep's place in a column (never read)

MEMO_LIMIT = 4096  # distinct values remembered per KPI (counts and rates repeat; amounts rarely)


class _Kpi:
    """One KPI as the columns read it: where its value is, its memo, and what makes a rep odd for it."""

    __slots__ = ("kpi", "info", "spec_key", "id", "volume", "memo", "target_key", "scales", "curve")

    def __init__(self, kpi: Kpi, info: KpiInfo) -> None:
        self.kpi, self.info, self.spec_key, self.id = kpi, info, info.spec_key, kpi.id
        self.volume = is_volume_metric(kpi.metric)
        self.memo: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
        self.target_key = None if kpi.curve else info.target_key  # None: no target is read
        self.scales = info.prorates and not kpi.curve  # a partial period scales its target
        self.curve = compiled(kpi.curve, kpi.curve_boundary, kpi.curve_slope_after) if kpi.curve else None


def scorecard_step(c: Scorecard, rules: Rules):
    """`evaluate_scorecard`'s amounts and `outcome_reader`'s volume shares and attainments.

    A KPI's scored attainment is a function of its value and target alone, and
    values repeat across reps and months (12 demos, a 25% conversion), so each KPI
    remembers what a value scored against the plan's own target — for a rep whose
    target for it is overridden or prorated, it is worked out afresh. The key is the
    value's text: 12 and 12.0 are equal Decimals but divide into differently written
    quotients (and hashing a Decimal costs ten times more).
    """
    kpis = [_Kpi(kpi, info) for kpi, info in scorecard_kpis(c)]
    bonus = _bonus_step(c, rules)
    kpi_gates = any(g.kpi_min is not None for g in c.gates)  # only these read the attainments

    def step(batch: Batch) -> tuple[list[Decimal], list[Decimal]]:
        points, volume_points = [], []
        attainments: dict[str, list[Decimal]] = {}
        for k in kpis:
            attained, scored, kept = _kpi_columns(k, batch, rules, kpi_gates)
            points.append(scored)
            if k.volume:
                volume_points.append(scored)
            batch.kpis[k.id] = kept
            if kpi_gates:
                attainments[k.id] = attained
        n = len(batch)
        # ZERO + p1 + p2 …, in KPI order, as `evaluate_scorecard` adds them
        score = [sum(row, ZERO) for row in zip(*points)] if points else [ZERO] * n
        volume = [sum(row, ZERO) for row in zip(*volume_points)] if volume_points else [ZERO] * n
        amounts = bonus(batch, score, attainments)
        return amounts, [amount * v / s if s else ZERO for amount, v, s in zip(amounts, volume, score)]

    return step


def _kpi_columns(k: _Kpi, batch: Batch, rules: Rules,
                 attained: bool) -> tuple[list[Decimal] | None, list[Decimal], list[Decimal]]:
    """One KPI's (attainment — when `attained` is asked for —, points, attainment to 4
    places) for every rep of the batch: each distinct value scored once, then looked up
    by each rep's code; reps whose target differs from the plan's worked out afresh."""
    codes, values = batch.columns.metric(k.spec_key)
    table = [_plain_scored(k, value, rules) for value in values]
    # per rep: (attainment, only when asked for; points; attainment to 4 places)
    columns = [list(map(part.__getitem__, codes)) if attained or which else None
               for which, part in enumerate(zip(*table))]
    if any(got is DEAD for got in table):  # a missing value or plan target: the engine's issue
        dead = [got is DEAD for got in table]
        batch.dead.update(compress(range(len(codes)), map(dead.__getitem__, codes)))
    for i in batch.odd:
        if not _plain(k, batch, i):
            value = values[codes[i]]
            got = None if value is None else _scored(k, value, batch.items[i].targets, batch.prorates[i], rules)
            if got is None:
                batch.dead.add(i)
            else:
                for column, part in zip(columns, got):
                    if column is not None:
                        column[i] = part
    return columns[0], columns[1], columns[2]


def _plain_scored(k: _Kpi, value: Decimal | None, rules: Rules) -> tuple[Decimal, Decimal, Decimal]:
    """What a value scores against the plan's own target (DEAD where the engine records an issue)."""
    if value is None:
        return DEAD
    text = str(value)
    got = k.memo.get(text)
    if got is None:
        got = _scored(k, value, None, WHOLE, rules) or DEAD
        if len(k.memo) < MEMO_LIMIT:
            k.memo[text] = got
    return got


def _plain(k: _Kpi, batch: Batch, i: int) -> bool:
    """Whether rep i reads this KPI's plan target as it stands (so the KPI's memo applies)."""
    targets = batch.items[i].targets
    if targets and k.target_key in targets:
        return False
    return not (k.scales and i in batch.scaled)


def _scored(k: _Kpi, value: Decimal, targets: dict | None, prorate: Decimal,
            rules: Rules) -> tuple[Decimal, Decimal, Decimal] | None:
    """(attainment, points, attainment to 4 places) with the plan's score rounding."""
    attainment = _attainment(k, value, targets, prorate, rules)
    if attainment is None:
        return None
    if rules.score_quantum is not None:
        attainment = attainment.quantize(rules.score_quantum, rules.mode)
        points = (k.kpi.weight * attainment).quantize(rules.score_quantum, rules.mode)
    else:
        points = k.kpi.weight * attainment
    return attainment, points, rules.kept(attainment)


def _attainment(k: _Kpi, value: Decimal, targets: dict | None, prorate: Decimal, rules: Rules) -> Decimal | None:
    """`scorecard._kpi`'s attainment after threshold, floor and cap; None where it records an issue."""
    kpi, info = k.kpi, k.info
    if k.curve is not None:
        attainment = k.curve(value)
    else:
        target = rules.target(targets, info.target_key, kpi.target, info.prorates, prorate)
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


def _bonus_step(c: Scorecard, rules: Rules):
    """The scorecard's amount per rep: its bonus line plus its gate lines, summed as `_collect` sums them."""
    curve = (compiled(c.payout_curve, c.payout_curve_boundary, c.payout_curve_slope_after)
             if c.payout_curve else None)
    cap, share = c.payout_cap, c.salary_share
    incentive = c.target_incentive or ZERO
    money = rules.money

    def bonus(batch: Batch, score: list[Decimal], attainments: dict[str, list[Decimal]]) -> list[Decimal]:
        ratios = list(map(curve, score)) if curve is not None else score
        if cap is not None:
            ratios = [cap if ratio > cap else ratio for ratio in ratios]
        if share is not None:
            bases = [_salary_base(share, item, batch, i) for i, item in enumerate(batch.items)]
            scaled = list(map(mul, bases, batch.prorates))
        else:
            scaled = list(map(mul, repeat(incentive), batch.prorates))
        raws = list(map(mul, scaled, ratios))  # base × prorate × ratio, in that order
        amounts = list(map(add, repeat(rules.zero), map(money, raws)))
        if c.gates:
            gated_columns(c.gates, raws, amounts, batch, attainments, rules)
        return amounts

    return bonus


def _salary_base(share: Decimal, item: RepInputs, batch: Batch, i: int) -> Decimal:
    salary = item.rep.salary
    if salary is None:  # the engine records a missing salary
        batch.dead.add(i)
        return ZERO
    return share * salary

