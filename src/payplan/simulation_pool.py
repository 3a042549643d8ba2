"""Scoring one plan in worker processes, one slice of reps each (a large simulation).

Reps are independent chains (state carries only within a rep), so the reps are
split into slices: the parent scores the first slice itself (it would otherwise
sit idle) while each forked worker scores another over the metric inputs it
inherited from the parent (nothing is pickled on the way in). Only the small
`Outcome`s come back, packed as columns (`_pack`): component and KPI ids once
per distinct shape and each distinct KPI attainment once per worker, so the
parent decodes far fewer strings and shares one Decimal per attainment value.
Fork only: the inputs are shared copy-on-write (no cyclic collection runs while
scoring, so the workers neither walk nor copy them).
Must not load inputs or open connections: workers have no database.
"""

from __future__ import annotations

import multiprocessing
from decimal import Decimal

import msgspec

from payplan.core.inputs import RepInputs
from payplan.core.issues import Issue
from payplan.core.periods import Period
from payplan.core.plan import Plan
from payplan.core.simulate import Outcome

_JOB: tuple | None = None  # (plan, inputs by period, periods), inherited by forked workers

# One outcome: rep, period, total, shape index, component amounts, attainment indexes, volume pay, issues.
_Row = tuple[str, str, Decimal, int, list[Decimal], list[int], Decimal, list[Issue]]
# Packed outcomes: (component ids, KPI ids) per shape, distinct attainments, rows.
_Packed = tuple[list[tuple[list[str], list[str]]], list[Decimal], list[_Row]]
_ENCODE = msgspec.msgpack.Encoder()
_DECODE = msgspec.msgpack.Decoder(_Packed)


def score_in_processes(plan: Plan, by_period: dict[Period, dict[str, RepInputs]], periods: list[Period],
                       rep_ids: list[str], workers: int) -> list[Outcome]:
    """`payplan.simulation_scoring.score_reps` over `workers` slices of `rep_ids`: the first in
    this process, the others in forked ones; outcomes in slice order."""
    from payplan.gcpause import collector_paused
    from payplan.simulation_scoring import score_reps

    global _JOB
    if workers <= 1:
        return score_reps(plan, by_period, periods, rep_ids)
    slices = [rep_ids[i::workers] for i in range(workers)]
    _JOB = (plan, by_period, periods)
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            pending = pool.map_async(_score_slice, slices[1:])
            own = score_reps(plan, by_period, periods, slices[0])
            parts = pending.get()
    finally:
        _JOB = None
    with collector_paused():
        for part in parts:
            own.extend(_unpack(_DECODE.decode(part)))
    return own


def _score_slice(rep_ids: list[str]) -> bytes:
    from payplan.simulation_scoring import score_reps

    assert _JOB is not None, "workers must be forked from score_in_processes"
    plan, by_period, periods = _JOB
    return _ENCODE.encode(_pack(score_reps(plan, by_period, periods, rep_ids)))


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
        rows.append((o.rep_id, o.period, o.total, index, list(o.components.values()), picks, o.volume_pay, o.issues))
    return [(list(c), list(k)) for c, k in shapes], values, rows


def _unpack(packed: _Packed) -> list[Outcome]:
    shapes, values, rows = packed
    return [Outcome(rep_id, period, total, dict(zip(shapes[shape][0], amounts)),
                    dict(zip(shapes[shape][1], [values[i] for i in picks])), volume, tuple(issues))
            for rep_id, period, total, shape, amounts, picks, volume, issues in rows]
