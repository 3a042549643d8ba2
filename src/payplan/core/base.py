"""The commissionable base of a deal: revenue, margin or a declared formula of its fields.

Returns the base of the whole deal; callers multiply by the rep's credit share.
Must not apply rates or tiers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

from payplan.core.formula import FormulaError, compile_formula
from payplan.core.inputs import Deal
from payplan.core.trace import N_

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


_BASE_WORDS = {"revenue": N_("deal amount"), "margin": N_("deal margin (amount − cost)")}


def describe_base(base: str) -> str:
    """The base for a `{base:word}` field: our words for revenue and margin, else the
    declared formula itself (a plan text, printed as written)."""
    return _BASE_WORDS.get(base, base)


def base_template(base: str, revenue: str, margin: str, formula: str) -> str:
    """The one of three complete templates that fits the base (a text reads whole in any
    language, so "formula {base}" is not glued into a sentence): `formula` names the
    declared formula as `{base}` (`describe_base`)."""
    return revenue if base == "revenue" else margin if base == "margin" else formula


def commission_formulas(base: str) -> tuple[str, str]:
    """A commission's formulas over `{base}` and `{n}` deals: per deal, and summed."""
    return (base_template(base, N_("rate × deal amount × credit share, per deal"),
                          N_("rate × deal margin (amount − cost) × credit share, per deal"),
                          N_("rate × formula {base} × credit share, per deal")),
            base_template(base, N_("deal amount × share, summed over {n} deals"),
                          N_("deal margin (amount − cost) × share, summed over {n} deals"),
                          N_("formula {base} × share, summed over {n} deals")))


def check_base(base: str) -> str | None:
    """An error message when `base` is not a valid base, else None."""
    problem = base_error(base)
    return None if problem is None else str(problem)


def base_error(base: str) -> FormulaError | None:
    """Why `base` is not a valid base (its template and inputs), else None."""
    try:
        base_function(base)
    except FormulaError as exc:
        return exc
    return None
