"""Scoring one plan in worker processes, one slice of reps each (a large simulation).

Reps are independent chains (state carries only within a rep), so the reps are
split into slices and each forked worker scores its slice over the metric inputs
it inherited from the parent (nothing is pickled on the way in); only the small
`Outcome`s come back, as MessagePack (five times faster than pickling them).
Fork only: the inputs are shared copy-on-write. Must not load inputs or open
connections: workers have no database.
"""

from __future__ import annotations

import multiprocessing

import msgspec

from payplan.core.inputs import RepInputs
from payplan.core.periods import Period
from payplan.core.plan import Plan
from payplan.core.simulate import Outcome

_JOB: tuple | None = None  # (plan, inputs by period, periods), inherited by forked workers
_ENCODE = msgspec.msgpack.Encoder()
_DECODE = msgspec.msgpack.Decoder(list[Outcome])


def score_in_processes(plan: Plan, by_period: dict[Period, dict[str, RepInputs]], periods: list[Period],
                       rep_ids: list[str], workers: int) -> list[Outcome]:
    """`payplan.simulation_scoring.score_reps` over `workers` slices of `rep_ids`, in forked processes."""
    global _JOB
    slices = [rep_ids[i::workers] for i in range(workers)]
    _JOB = (plan, by_period, periods)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_score_slice, slices)
    finally:
        _JOB = None
    return [outcome for part in parts for outcome in _DECODE.decode(part)]


def _score_slice(rep_ids: list[str]) -> bytes:
    from payplan.simulation_scoring import score_reps

    assert _JOB is not None, "workers must be forked from score_in_processes"
    plan, by_period, periods = _JOB
    return _ENCODE.encode(score_reps(plan, by_period, periods, rep_ids))
