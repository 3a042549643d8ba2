"""HR simulation speed: one plan variant over 12 months × 10,000 reps with metrics cached.

Builds the cached metric inputs in memory (the scoring benchmark's realistic
reps, a different rep's figures each month) and times what a second plan
variant costs in a simulation: stage 2 only — scoring every rep through the
months in order with carried state, reducing each result to its comparison
outcome — on one core and in worker processes (`payplan.simulation.pool`). The
same inputs through `evaluate` give the engine's rate in the same run, which the
tally's is set against (machines differ; the ratio does not).
Must not touch a database: stage 1 has its own benchmark.
"""

from __future__ import annotations

import os
import time
from decimal import Decimal

import msgspec

from payplan.bench.scoring import PLAN, make_inputs
from payplan.core.engine import evaluate
from payplan.core.inputs import MetricValue, RepInputs
from payplan.core.periods import Period
from payplan.core.plan import Plan
from payplan.core.simulate import outcome_reader
from payplan.core.tally.batch import Columns
from payplan.gcpause import collector_paused
from payplan.simulation.pool import score_in_processes
from payplan.simulation.scoring import score_reps

TARGET_SECONDS = 3.0
CENT = Decimal("0.01")


def cached_inputs(reps: int, months: int) -> tuple[dict[Period, dict[str, RepInputs]], list[Period]]:
    """Inputs per month: rep i gets the figures of rep (i + 7·month) so months differ, and an
    average deal size of its own that month (a money amount rarely repeats in real history,
    so the tally's per-KPI memo must not meet a repeated one here either)."""
    base = make_inputs(reps)
    ids = [item.rep.id for item in base]
    periods = [Period(2026 + m // 12, "month", m % 12 + 1) for m in range(months)]
    by_period = {}
    for m, period in enumerate(periods):
        by_period[period] = {
            rep_id: _own_deal_size(msgspec.structs.replace(
                base[(i + 7 * m) % reps], rep=base[i].rep, period_key=period.key), m * reps + i)
            for i, rep_id in enumerate(ids)}
    return by_period, periods


def _own_deal_size(inputs: RepInputs, n: int) -> RepInputs:
    metrics = dict(inputs.metrics)
    size = metrics["avg_deal_size"]
    metrics["avg_deal_size"] = MetricValue((size.value + Decimal(n) / 100).quantize(CENT), size.count)
    return msgspec.structs.replace(inputs, metrics=metrics)


def run(reps: int = 10_000, months: int = 12, workers: int | None = None, repeats: int = 3) -> dict:
    """Seconds to score one plan variant over cached inputs, one core and `workers` processes.

    Each is timed `repeats` times and the fastest kept, as `timeit` does: on a shared
    machine a slower repeat measures the neighbours, not the code.
    """
    plan = msgspec.convert(PLAN, Plan, strict=False)
    by_period, periods = cached_inputs(reps, months)
    rep_ids = sorted(by_period[periods[0]])
    # The metric cache's columns, built as `MetricCache.load` builds them (once for all variants).
    columns = {p: Columns([by_period[p][rep_id] for rep_id in rep_ids]).warm() for p in periods}
    score_reps(plan, by_period, periods[:1], rep_ids[:10])  # warm caches (compiled formulas)
    outcomes: list = []
    one_core = _fastest(repeats, lambda: outcomes.extend(score_reps(plan, by_period, periods, rep_ids, columns)))
    count = len(outcomes) // repeats
    workers = workers or os.cpu_count() or 1
    parallel = None
    if workers > 1 and hasattr(os, "fork"):
        parallel = _fastest(max(1, repeats - 1), lambda: score_in_processes(
            plan, by_period, periods, rep_ids, workers, columns))
    seconds = min(one_core, parallel or one_core)
    engine = max(_engine_rate(plan, by_period, periods[:2], rep_ids) for _ in range(max(1, repeats - 1)))
    return {"reps": reps, "months": months, "rep_periods": count, "seconds": seconds,
            "seconds_one_core": one_core, "seconds_parallel": parallel, "workers": workers,
            "per_second_one_core": count / one_core, "target_seconds": TARGET_SECONDS,
            "engine_per_second_one_core": engine}


def _fastest(repeats: int, work) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def _engine_rate(plan: Plan, by_period: dict[Period, dict[str, RepInputs]], periods: list[Period],
                 rep_ids: list[str]) -> float:
    """Rep-periods per second through `evaluate` (lines and trace) and `outcome_reader`, on
    the same inputs: what the tally's figure compares with in the same run."""
    reduce = outcome_reader(plan)
    start = time.perf_counter()
    with collector_paused():
        count = sum(1 for period in periods for rep_id in rep_ids
                    if reduce(evaluate(plan, by_period[period][rep_id], None, period)))
    return count / (time.perf_counter() - start)


if __name__ == "__main__":
    print(run())
