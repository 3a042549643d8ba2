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
