"""Commission as a contract cost (ASC 340-40): capitalised and amortised straight-line.

The monthly amount is rounded; the last month takes the remainder so the
schedule sums exactly to what was capitalised. Must not change pay.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.context import Ctx
from payplan.core.plan import Plan
from payplan.core.result import Amortization, Line

ZERO = Decimal(0)


def amortize(plan: Plan, lines: list[Line], ctx: Ctx) -> Amortization | None:
    if plan.accounting is None:
        return None
    capitalized = sum((ln.amount for ln in lines if ln.kind == "commission"), ZERO)
    return schedule(capitalized, plan.accounting.amortize_months, ctx.money)


def schedule(capitalized: Decimal, months: int, rounder) -> Amortization:
    monthly = rounder(capitalized / months)
    rest = capitalized - monthly * (months - 1)
    return Amortization(capitalized, months, monthly, tuple([monthly] * (months - 1) + [rest]))
