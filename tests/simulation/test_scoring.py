"""Scoring a plan over cached inputs: worker processes give exactly what one process gives."""

from __future__ import annotations

import os

import msgspec
import pytest

from payplan.bench.scoring import PLAN
from payplan.bench.simulation import cached_inputs, run
from payplan.core.plan import Plan
from payplan.core.tally.batch import Columns
from payplan.simulation.pool import score_in_processes
from payplan.simulation.scoring import score_reps


@pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes are forked")
@pytest.mark.parametrize("clawback", [False, True], ids=["split by period", "carries state: split by rep"])
def test_workers_and_cached_columns_give_the_same_outcomes(clawback) -> None:
    """Scoring alone, over the metric cache's columns, and in worker processes gives the
    same outcomes, byte for byte and in the same order (rep by rep, period by period)."""
    plan = msgspec.convert({**PLAN, **({"clawback": {"window_days": 90}} if clawback else {})}, Plan, strict=False)
    by_period, periods = cached_inputs(40, 3)
    rep_ids = sorted(by_period[periods[0]])
    columns = {p: Columns([by_period[p][rep_id] for rep_id in rep_ids]).warm() for p in periods}
    alone = score_reps(plan, by_period, periods, rep_ids)
    cached = score_reps(plan, by_period, periods, rep_ids, columns)
    together = score_in_processes(plan, by_period, periods, rep_ids, workers=3, columns=columns)
    some = score_in_processes(plan, by_period, periods, rep_ids[5:30], workers=2, columns=columns)
    encode = msgspec.json.encode
    assert encode(cached) == encode(alone) == encode(together)
    assert encode(some) == encode([o for o in alone if o.rep_id in set(rep_ids[5:30])])
    assert len(alone) == 120 and [(o.rep_id, o.period) for o in alone[:3]] == [
        (rep_ids[0], p.key) for p in periods]
    assert alone[0].kpis and alone[0].volume_pay >= 0


def test_benchmark_reports_seconds() -> None:
    figures = run(reps=30, months=2, workers=2, repeats=2)
    assert figures["rep_periods"] == 60 and figures["seconds"] > 0 and figures["target_seconds"] == 3.0
    assert figures["engine_per_second_one_core"] > 0  # the tally's rate is set against it


def test_benchmark_gives_each_rep_period_its_own_deal_size() -> None:
    """The KPI memo must meet average deal sizes as real history has them: no repeats."""
    by_period, periods = cached_inputs(50, 3)
    sizes = [item.metrics["avg_deal_size"].value for period in periods for item in by_period[period].values()]
    assert len(set(sizes)) == len(sizes) == 150


def test_machine_row_reports_decimal_speed() -> None:
    from payplan.bench import machine

    figures = machine.run(number=1_000, repeat=2)
    assert set(figures) == {"add", "multiply", "quantize"} and all(ns > 0 for ns in figures.values())


def test_a_cache_without_some_reps_is_not_misread() -> None:
    """Columns cached for fewer reps than asked for are built afresh, never misaligned."""
    plan = msgspec.convert(PLAN, Plan, strict=False)
    by_period, periods = cached_inputs(12, 2)
    rep_ids = sorted(by_period[periods[0]])
    partial = {p: Columns([by_period[p][rep_id] for rep_id in rep_ids[:5]]).warm() for p in periods}
    encode = msgspec.json.encode
    assert encode(score_reps(plan, by_period, periods, rep_ids, partial)) == encode(
        score_reps(plan, by_period, periods, rep_ids))
