"""A metric SPIFF whose dates cut a period counts a windowed metric; the tally declines it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from payplan.core.engine import evaluate
from payplan.core.extras import spiff_spec
from payplan.core.inputs import MetricValue, Rep, RepInputs
from payplan.core.lint import check_plan
from payplan.core.metrics import MetricSpec
from payplan.core.periods import parse_period
from payplan.core.plan import Plan, Spiff
from payplan.core.tally import batch_reader


def _plan(spiff: Spiff) -> Plan:
    return Plan(id="p", version=1, name="spiff", effective_from=date(2026, 1, 1), period="month",
                currency="USD", components=[spiff])


def test_a_window_on_period_edges_reads_the_whole_period_metric():
    aligned = Spiff(id="s", metric="meetings", per_unit=D(25), starts=date(2026, 1, 1), ends=date(2026, 6, 30))
    assert spiff_spec(aligned, "month") == MetricSpec("meetings")
    assert spiff_spec(aligned, "quarter") == MetricSpec("meetings")
    assert batch_reader(_plan(aligned)) is not None


def test_a_window_inside_a_period_reads_its_own_metric_and_the_tally_declines():
    spiff = Spiff(id="s", metric="meetings", per_unit=D(25), starts=date(2026, 3, 10), ends=date(2026, 3, 20))
    spec = spiff_spec(spiff, "month")
    assert (spec.starts, spec.ends) == ("2026-03-10", "2026-03-20")
    # by quarter: 1 April starts Q2 (no start bound needed), 15 May falls inside it
    assert spiff_spec(Spiff(id="s", metric="demos", per_unit=D(1), starts=date(2026, 4, 1),
                            ends=date(2026, 5, 15)), "quarter") == MetricSpec("demos", ends="2026-05-15")
    plan = _plan(spiff)
    assert batch_reader(plan) is None
    month = parse_period("2026-03")
    metrics = {"meetings": MetricValue(D(6), 6), spec.key: MetricValue(D(3), 3)}
    result = evaluate(plan, RepInputs(Rep("r", hired_on=date(2025, 1, 1)), month.key, metrics), None, month)
    assert result.total == D(75)  # 3 meetings in the window × 25, not the month's 6


def test_a_score_cannot_be_windowed_inside_a_period():
    spiff = Spiff(id="s", metric="crm_hygiene", per_unit=D(100), starts=date(2026, 3, 10))
    assert "spiff-window-score" in {i.code for i in check_plan(_plan(spiff))}
    whole = Spiff(id="s", metric="crm_hygiene", per_unit=D(100), starts=date(2026, 3, 1))
    assert "spiff-window-score" not in {i.code for i in check_plan(_plan(whole))}
