"""The linter on windows (`payplan.core.lint_windows`): each nonsense combination is refused
(or warned about) with a message naming the key, and the sensible ones pass."""

from __future__ import annotations

import msgspec
import pytest

from payplan.core.lint import check_plan
from payplan.core.plan import Plan

KPI = {"id": "won", "metric": "deals_won", "weight": 1, "target": 2, "why": "closing"}


def _issues(kind: str = "commission", plan: dict | None = None, **fields) -> list:
    comp = ({"kind": "commission", "id": "c", "rate": "0.05"} if kind == "commission" else
            {"kind": "scorecard", "id": "c", "target_incentive": "900", "kpis": [KPI]})
    data = {"id": "p", "version": 1, "name": "P", "effective_from": "2026-01-01", "period": "month",
            "currency": "USD", "components": [{**comp, **fields}], **(plan or {})}
    return [i for i in check_plan(msgspec.convert(data, Plan, strict=False)) if i.code.startswith("window")]


@pytest.mark.parametrize("kind", ["commission", "scorecard"])
@pytest.mark.parametrize("fields, code, key", [
    ({"pay_on": "window_end"}, "window-measure", "pay_on"),
    ({"window": "quarter"}, "window-measure", "window"),
    ({"window_periods": 3}, "window-measure", "window_periods"),
    ({"measure": "window", "window": "periods"}, "window-periods", "window_periods"),
    ({"measure": "window", "window": "periods", "window_periods": 0}, "window-periods", "window_periods"),
    ({"measure": "window", "window": "periods", "window_periods": 10**8}, "window-periods", "window_periods"),
    ({"measure": "window", "window": "quarter", "window_periods": 3}, "window-periods", "window_periods"),
    ({"measure": "window", "window_start": "2026-02-01"}, "window-periods", "window_start"),
    ({"measure": "window", "window": "periods", "window_periods": 2, "window_start": "2026-02-15"},
     "window-periods", "window_start"),
])
def test_a_key_without_its_window_is_an_error_naming_the_key(kind, fields, code, key):
    found = [i for i in _issues(kind, **fields) if i.severity == "error"]
    assert [i.code for i in found] == [code]
    assert found[0].where.startswith(f"components[0].{key} ") and key in found[0].message


@pytest.mark.parametrize("kind", ["commission", "scorecard"])
def test_sensible_windows_pass(kind):
    assert _issues(kind, measure="window", window="quarter", pay_on="window_end") == []
    assert _issues(kind, measure="window", window="periods", window_periods=6, window_start="2026-04-01") == []
    assert _issues(kind, measure="window", window="periods", window_periods=1) == []


def test_a_window_shorter_than_the_plan_period_is_an_error():
    found = _issues("scorecard", {"period": "year"}, measure="window", window="quarter")
    assert [(i.severity, i.code) for i in found] == [("error", "window-measure")]
    assert "shorter than the plan's yearly period" in found[0].message


@pytest.mark.parametrize("kind", ["commission", "scorecard"])
def test_a_window_longer_than_the_version_is_a_warning(kind):
    found = _issues(kind, {"effective_to": "2026-06-30"}, measure="window", window="year")
    assert [(i.severity, i.code) for i in found] == [("warning", "window-span")]
    assert "2026 is longer than the plan version (2026-01-01 to 2026-06-30)" in found[0].message
    # six months of a six-month version: measured whole
    assert _issues(kind, {"effective_to": "2026-06-30"}, measure="window", window="periods", window_periods=6) == []


def test_a_window_paid_at_its_end_after_effective_to_is_a_warning():
    found = _issues("scorecard", {"effective_to": "2026-08-31"}, measure="window", window="quarter",
                    pay_on="window_end")
    assert [(i.severity, i.code, i.where.split()[0]) for i in found] == [("warning", "window-span", "components[0].pay_on")]
    assert "last window 2026-Q3 ends after effective_to 2026-08-31" in found[0].message
    # paid each period, the same window pays what is due so far: nothing is left unpaid
    assert _issues("scorecard", {"effective_to": "2026-08-31"}, measure="window", window="quarter") == []


def test_a_window_scorecard_refuses_gates_and_a_median():
    found = _issues("scorecard", measure="window", gates=[{"metric": "deals_won", "min": 1}],
                    kpis=[{**KPI, "metric": "cycle_days_median", "target": 30}])
    assert sorted((i.code, i.where.split()[0]) for i in found) == [
        ("window-kpi", "components[0].kpis[0].metric"), ("window-measure", "components[0].gates")]


def test_a_window_commission_refuses_per_deal_mechanics():
    found = _issues("commission", measure="window", cap="100", accumulate="deal")
    assert sorted(i.where.split()[0] for i in found) == ["components[0].accumulate", "components[0].cap"]
