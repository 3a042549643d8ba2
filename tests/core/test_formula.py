"""Declared commission-base formulas: exact Decimal arithmetic over deal fields, and
everything that is not arithmetic refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from payplan.core.base import base_function, check_base, commission_formulas, describe_base
from payplan.core.formula import FormulaError, compile_formula
from payplan.core.inputs import Deal
from payplan.core.trace import fill

FIELDS = {"amount": D("100000.00"), "cost": D("60000.00"), "discount": D("5000.00"), "tax": D("0")}


def value(text: str, fields=FIELDS) -> D:
    fn, _ = compile_formula(text)
    return fn(fields)


def test_vat_exclusive_amount_is_exact_decimal():
    assert value("amount / 1.12") == D("100000.00") / D("1.12")
    assert value("amount / 1.12").quantize(D("0.01")) == D("89285.71")


def test_numbers_are_read_from_their_text_never_through_float():
    assert value("0.1 + 0.2") == D("0.3")  # a float would give 0.30000000000000004
    assert value("amount * 0.07") == D("7000.0000")


def test_precedence_parentheses_and_unary_minus():
    assert value("amount - discount * 2") == D("90000.00")
    assert value("(amount - discount) * 2") == D("190000.00")
    assert value("(amount - cost) * 0.9") == D("36000.000")
    assert value("-cost + amount") == D("40000.00")


def test_the_fields_read_are_reported():
    _, names = compile_formula("(amount - discount) / 1.2 - cost")
    assert names == frozenset({"amount", "discount", "cost"})


def test_unknown_field_fails_when_a_deal_lacks_it():
    fn, names = compile_formula("amount - rebate")
    assert names == frozenset({"amount", "rebate"})
    with pytest.raises(FormulaError, match="no field 'rebate'"):
        fn(FIELDS)


@pytest.mark.parametrize("text", ["amount / tax", "amount / (discount - 5000)", "tax / tax"])
def test_division_by_zero_is_a_formula_error(text):
    with pytest.raises(FormulaError, match="division by zero"):
        value(text)


@pytest.mark.parametrize("text", [
    "__import__('os')",
    "__import__('os').system('true')",
    "amount.__class__",
    "amount ** 2",
    "amount % 7",
    "amount // 2",
    "open('/etc/passwd')",
    "[amount]",
    "amount if cost else 0",
    "lambda: amount",
    "'amount'",
    "True",
    "amount < cost",
    "amount; cost",
])
def test_anything_but_arithmetic_is_refused_at_compile_time(text):
    with pytest.raises(FormulaError):
        compile_formula(text)


@pytest.mark.parametrize("text", ["amount +", "", "(amount", "amount cost"])
def test_syntax_errors_are_formula_errors(text):
    with pytest.raises(FormulaError, match="not a formula"):
        compile_formula(text)


def test_named_bases_and_formula_bases_on_a_deal():
    deal = Deal("D1", "won", D("150.00"), D("100.00"), closed_at=date(2026, 3, 1), fields={"discount": D("10")})
    assert base_function("revenue")(deal) == D("150.00")
    assert base_function("margin")(deal) == D("50.00")
    assert base_function("amount - discount")(deal) == D("140.00")
    assert base_function("margin / amount")(deal) == D("50.00") / D("150.00")


def test_check_base_names_the_problem():
    assert check_base("amount / 1.12") is None
    assert check_base("margin") is None
    assert "only + - * /" in check_base("__import__('os')")
    assert describe_base("amount / 1.12") == "amount / 1.12"  # a plan text, printed as written
    assert describe_base("margin") == "deal margin (amount − cost)"
    per_deal, summed = commission_formulas("amount / 1.12")
    assert fill(per_deal, {"base": "amount / 1.12"}) == "rate × formula amount / 1.12 × credit share, per deal"
    assert fill(summed, {"base": "amount / 1.12", "n": D(3)}) == "formula amount / 1.12 × share, summed over 3 deals"
    assert commission_formulas("revenue")[0] == "rate × deal amount × credit share, per deal"


def test_a_formula_error_is_a_template_with_its_fields():
    with pytest.raises(FormulaError) as caught:
        value("amount - rebate")
    assert caught.value.template == "the deal has no field '{field}'"
    assert caught.value.inputs == {"field": "rebate"}
    assert str(caught.value) == "the deal has no field 'rebate'"
