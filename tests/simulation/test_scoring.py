"""Scoring a plan over cached inputs: worker processes give exactly what one process gives."""

from __future__ import annotations

import os

import msgspec
import pytest

from payplan.bench.scoring import PLAN
from payplan.bench.simulation import cached_inputs, run
from payplan.core.plan import Plan
from payplan.simulation_pool import score_in_processes
from payplan.simulation_scoring import score_reps


@pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes are forked")
def test_workers_give_the_same_outcomes() -> None:
    plan = msgspec.convert(PLAN, Plan, strict=False)
    by_period, periods = cached_inputs(40, 3)
    rep_ids = sorted(by_period[periods[0]])
    alone = score_reps(plan, by_period, periods, rep_ids)
    together = score_in_processes(plan, by_period, periods, rep_ids, workers=3)
    key = lambda o: (o.rep_id, o.period)  # noqa: E731
    assert sorted(together, key=key) == sorted(alone, key=key)
    assert len(alone) == 120 and alone[0].kpis and alone[0].volume_pay >= 0


def test_benchmark_reports_seconds() -> None:
    figures = run(reps=30, months=2, workers=2)
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
