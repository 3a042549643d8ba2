"""The commissionable base of a deal: revenue, margin or a declared formula of its fields.

Returns the base of the whole deal; callers multiply by the rep's credit share.
Must not apply rates or tiers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

from payplan.core.formula import FormulaError, compile_formula
from payplan.core.inputs import Deal

BaseFn = Callable[[Deal], Decimal]

_CACHE: dict[str, BaseFn] = {}


def base_function(base: str) -> BaseFn:
    """The function computing `base` for a deal (compiled once per formula text)."""
    if base in _CACHE:
        return _CACHE[base]
    if base == "revenue":
        fn: BaseFn = lambda d: d.amount  # noqa: E731
    elif base == "margin":
        fn = lambda d: d.amount - d.cost  # noqa: E731
    else:
        formula, _ = compile_formula(base)
        fn = lambda d: formula(_fields(d))  # noqa: E731
    _CACHE[base] = fn
    return fn


def _fields(deal: Deal) -> dict[str, Decimal]:
    fields = dict(deal.fields)
    fields["amount"], fields["cost"] = deal.amount, deal.cost
    fields["margin"] = deal.amount - deal.cost
    return fields


def describe_base(base: str) -> str:
    if base == "revenue":
        return "deal amount"
    if base == "margin":
        return "deal margin (amount − cost)"
    return f"formula {base}"


def check_base(base: str) -> str | None:
    """An error message when `base` is not a valid base, else None."""
    try:
        base_function(base)
    except FormulaError as exc:
        return str(exc)
    return None
