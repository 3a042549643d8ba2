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
