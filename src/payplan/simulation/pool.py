"""Scoring one plan over the metric cache: in this process, or in worker processes for a large simulation.

`score` picks: below `PARALLEL_FROM` rep-periods, or with one worker, it is
`scoring.score_reps`; above, `score_in_processes` splits the work.
A plan that carries no state from one period to the next is split by period;
one that does (draws, clawbacks, negative totals carried) by rep, since state carries
only within a rep.
The parent scores the first share itself (it would otherwise sit idle) while
each forked worker scores another over the metric inputs and columns it
inherited from the parent (nothing is pickled on the way in). Only the small
`Outcome`s come back, packed as columns (`_pack`): component and KPI ids once
per distinct shape and each distinct KPI attainment once per worker, so the
parent decodes far fewer strings and shares one Decimal per attainment value.
The outcomes are then put rep by rep, period by period, as one process orders
them. Fork only: the inputs are shared copy-on-write (no cyclic collection runs
while scoring, so the workers neither walk nor copy them).
Must not load inputs or open connections: workers have no database.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from decimal import Decimal

import msgspec

from payplan.core.inputs import RepInputs
from payplan.core.issues import Issue
from payplan.core.periods import Period
from payplan.core.plan import Plan
from payplan.core.simulate import Outcome
from payplan.core.tally.batch import Columns
from payplan.evaluation.pipeline import with_history
from payplan.gcpause import collector_paused
from payplan.simulation.scoring import MetricCache, score_reps

_JOB: tuple | None = None  # (plan, inputs by period, columns), inherited by forked workers

# One outcome: rep, period, total, shape index, component amounts, attainment indexes, volume pay, issues
# (pickled, empty when none: an issue's template inputs mix Decimals and words, which msgpack cannot type).
_Row = tuple[str, str, Decimal, int, list[Decimal], list[int], Decimal, bytes]
# Packed outcomes: (component ids, KPI ids) per shape, distinct attainments, rows.
_Packed = tuple[list[tuple[list[str], list[str]]], list[Decimal], list[_Row]]
_ENCODE = msgspec.msgpack.Encoder()
_DECODE = msgspec.msgpack.Decoder(_Packed)


PARALLEL_FROM = 20_000  # rep-periods per plan above which scoring uses worker processes


def score(plan: Plan, cache: MetricCache, periods: list[Period], rep_ids: list[str],
          workers: int = 1) -> list[Outcome]:
    """Score one plan over cached inputs, in `workers` forked processes when worth it."""
    cache.load(with_history(plan, periods))
    if workers <= 1 or len(rep_ids) * len(periods) < PARALLEL_FROM or not hasattr(os, "fork"):
        return score_reps(plan, cache.by_period, periods, rep_ids, cache.columns)
    return score_in_processes(plan, cache.by_period, periods, rep_ids, workers, cache.columns)


def score_in_processes(plan: Plan, by_period: dict[Period, dict[str, RepInputs]], periods: list[Period],
                       rep_ids: list[str], workers: int, columns: dict[Period, Columns] | None = None) -> list[Outcome]:
    """`payplan.simulation.scoring.score_reps` in `workers` processes: the first share in
    this one, the others in forked ones; outcomes rep by rep, as `score_reps` orders them.

    A plan that carries no state from one period to the next is split by period
    (each process then reads only its periods' inputs, so fewer of the inherited
    pages are copied on write); one that does, by rep.
    """
    global _JOB
    if workers <= 1:
        return score_reps(plan, by_period, periods, rep_ids, columns)
    by_periods = with_history(plan, periods) == periods and len(periods) >= workers
    shares = [(periods[i::workers], rep_ids) if by_periods else (periods, rep_ids[i::workers])
              for i in range(workers)]
    _JOB = (plan, by_period, columns)
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            pending = pool.map_async(_score_share, shares[1:])
            outcomes = score_reps(plan, by_period, shares[0][0], shares[0][1], columns)
            parts = pending.get()
    finally:
        _JOB = None
    with collector_paused():
        for part in parts:
            outcomes.extend(_unpack(_DECODE.decode(part)))
        return _rep_major(outcomes, rep_ids, periods)


def _rep_major(outcomes: list[Outcome], rep_ids: list[str], periods: list[Period]) -> list[Outcome]:
    """Outcomes rep by rep in `rep_ids` order, each rep's in period order."""
    order = {period.key: i for i, period in enumerate(periods)}
    by_rep: dict[str, list[Outcome]] = {rep_id: [] for rep_id in rep_ids}
    for outcome in outcomes:
        by_rep[outcome.rep_id].append(outcome)
    out: list[Outcome] = []
    for found in by_rep.values():
        if len(found) > 1:
            found.sort(key=lambda o: order[o.period])
        out += found
    return out


def _score_share(share: tuple[list[Period], list[str]]) -> bytes:

    assert _JOB is not None, "workers must be forked from score_in_processes"
    plan, by_period, columns = _JOB
    periods, rep_ids = share
    return _ENCODE.encode(_pack(score_reps(plan, by_period, periods, rep_ids, columns)))


def _pack(outcomes: list[Outcome]) -> _Packed:
    """Outcomes as rows that repeat no id and no attainment (attainments are shared objects,
    so identity finds the repeats without hashing a Decimal)."""
    shapes: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
    seen: dict[int, int] = {}
    values: list[Decimal] = []
    rows = []
    for o in outcomes:
        shape = (tuple(o.components), tuple(o.kpis))
        index = shapes.get(shape)
        if index is None:
            index = shapes[shape] = len(shapes)
        picks = []
        for value in o.kpis.values():
            at = seen.get(id(value))
            if at is None:
                at = seen[id(value)] = len(values)
                values.append(value)
            picks.append(at)
        rows.append((o.rep_id, o.period, o.total, index, list(o.components.values()), picks, o.volume_pay,
                     pickle.dumps(o.issues) if o.issues else b""))
    return [(list(c), list(k)) for c, k in shapes], values, rows


def _unpack(packed: _Packed) -> list[Outcome]:
    shapes, values, rows = packed
    return [Outcome(rep_id, period, total, dict(zip(shapes[shape][0], amounts)),
                    dict(zip(shapes[shape][1], [values[i] for i in picks])), volume,
                    tuple(_issues(issues)))
            for rep_id, period, total, shape, amounts, picks, volume, issues in rows]


def _issues(packed: bytes) -> list[Issue]:
    return pickle.loads(packed) if packed else []  # noqa: S301 - our own worker's bytes
