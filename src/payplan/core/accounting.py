"""Commission as a contract cost (ASC 340-40): capitalised and amortised straight-line.

What is capitalised is what the period's commission components cost: their deal
lines plus their accelerator, gate, cap and floor lines (not bonuses, draws or
clawbacks). The monthly amount is rounded; the last month takes the remainder so
the schedule sums exactly to what was capitalised. Must not change pay.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

from payplan.core.context import Ctx
from payplan.core.plan import Commission, Plan
from payplan.core.result import Amortization, Line

ZERO = Decimal(0)


def amortize(plan: Plan, lines: list[Line], ctx: Ctx) -> Amortization | None:
    """The amortisation schedule of this period's commission cost, when the plan asks for one."""
    if plan.accounting is None or plan.accounting.amortize_months is None:
        return None
    return schedule(capitalized(plan, lines), plan.accounting.amortize_months, ctx.money)


def capitalized(plan: Plan, lines: list[Line]) -> Decimal:
    """The sum of every line of the plan's commission components (as paid, after caps)."""
    ids = {c.id for c in plan.components if isinstance(c, Commission)}
    return sum((ln.amount for ln in lines if ln.component in ids), ZERO)


def schedule(amount: Decimal, months: int, rounder: Callable[[Decimal], Decimal]) -> Amortization:
    """Straight-line over `months` (at least 1): rounded monthly amounts, the remainder last."""
    if months < 1:
        raise ValueError(f"amortize_months must be at least 1, not {months}")
    monthly = rounder(amount / months)
    rest = amount - monthly * (months - 1)
    return Amortization(amount, months, monthly, tuple([monthly] * (months - 1) + [rest]))
