"""Bases and bands (issue #15): product exclusions, per-deal functions in base formulas,
a curve's boundary side and open-ended slope. Values computed by hand from the rules in words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from payplan.core.lint import check_plan
from tests.core.test_lint import codes, make, only

D = Decimal


def test_a_product_both_included_and_excluded_is_an_error():
    def change(d):
        d["components"][1].update(products=["licence", "hardware"], exclude_products=["hardware"])
    issue = only(check_plan(make(change)), "product-both")
    assert issue.severity == "error" and "'hardware'" in issue.message
    assert issue.where.startswith("components[1].exclude_products")


def test_disjoint_product_lists_are_clean():
    def change(d):
        d["components"][1].update(products=["licence"], exclude_products=["hardware"])
    assert "product-both" not in codes(check_plan(make(change)))


def _formula(text: str, **fields: str) -> Decimal:
    from payplan.core.formula import compile_formula
    fn, _ = compile_formula(text)
    return fn({k: D(v) for k, v in fields.items()})


def test_max_floors_a_margin_at_zero_per_deal():
    assert _formula("max(amount - cost, 0)", amount="100", cost="150") == 0
    assert _formula("max(amount - cost, 0)", amount="200", cost="150") == 50
    assert _formula("min(amount, 500, cap) + abs(amount - cost)", amount="700", cost="900", cap="600") == 700


@pytest.mark.parametrize("text, words", [
    ("round(amount)", "unknown function round()"),
    ("__import__('os')", "unknown function __import__()"),
    ("max(amount)", "max() takes 2 to 8 arguments, not 1"),
    ("abs(amount, cost)", "abs() takes 1 argument, not 2"),
    ("max(amount, key=cost)", "only + - * / ( ), numbers, deal fields and max, min, abs"),
    ("max(*amount)", "only + - * / ( ), numbers, deal fields and max, min, abs"),
    ("max(" + ", ".join(["amount"] * 9) + ")", "not 9"),
])
def test_other_calls_are_refused_with_the_key(text, words):
    def change(d):
        d["components"][1]["base"] = text
    issue = only(check_plan(make(change)), "base-formula")
    assert words in issue.message and issue.where.startswith("components[1].base")


STEP = [(D("0.8"), D(0)), (D("0.8"), D("0.5")), (D(1), D(1))]


@pytest.mark.parametrize("x, lower, upper", [
    ("0.79", "0", "0"), ("0.8", "0.5", "0"), ("0.9", "0.75", "0.75"), ("1", "1", "1"), ("3", "1", "1")])
def test_the_boundary_side_decides_only_the_step(x, lower, upper):
    from payplan.core.curves import compiled, interpolate
    assert interpolate(STEP, D(x)) == interpolate(STEP, D(x), "lower") == D(lower)
    assert interpolate(STEP, D(x), "upper") == compiled(STEP, "upper")(D(x)) == D(upper)


@pytest.mark.parametrize("x, want", [("0.5", "0"), ("1", "1"), ("1.2", "1.4"), ("2.5", "4")])
def test_a_slope_continues_past_the_last_point(x, want):
    from payplan.core.curves import compiled, describe, interpolate
    points = [(D("0.7"), D(0)), (D(1), D(1))]
    assert interpolate(points, D(x), slope=D(2)) == compiled(points, slope=D(2))(D(x)) == D(want)
    assert describe(points, D(2)) == "0.7→0, 1→1, +2/1"


def test_a_slope_needs_a_curve_and_warns_when_falling():
    def change(d):
        d["components"][0]["payout_curve_slope_after"] = D(2)
        d["components"][0]["kpis"][0].update(curve=[[D(0), D(0)], [D(10), D(1)]], curve_slope_after=D("-0.1"))
    issues = check_plan(make(change))
    assert only(issues, "slope-without-curve").where.startswith("components[0].payout_curve_slope_after")
    falling = only(issues, "falling-slope")
    assert falling.severity == "warning" and falling.where.startswith("components[0].kpis[0].curve_slope_after")
