"""Rounding scope: a component's or the statement's exact sum rounded once, lines adjusted.

Under `rounding.scope = "component"` (or `"total"`) component evaluators leave line
amounts exact (`Ctx.money`); `round_scoped` then prints each line as
round(after) − round(before), where before and after are the exact running sum of
the component's lines (of the statement's, for "total") before and after it. The
printed lines add up to the rounded exact sum, and each differs from its own exact
amount by less than one unit of the last place. Must not compute the amounts.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from payplan.core.context import Ctx
from payplan.core.money import settled
from payplan.core.result import Line


def round_scoped(lines: list[Line], ctx: Ctx) -> list[Line]:
    """The component's lines, printed so they add up to its rounded exact sum (for scope
    "total": so the statement's lines add up to its rounded exact running sum)."""
    before = ctx.exact_sum if ctx.plan.rounding.scope == "total" else Decimal(0)
    quantum, mode = ctx.money_quantum, ctx.money_mode
    printed = settled(before).quantize(quantum, rounding=mode)
    out = []
    for line in lines:
        after = before + line.amount
        rounded = settled(after).quantize(quantum, rounding=mode)
        out.append(msgspec.structs.replace(line, amount=rounded - printed))
        before, printed = after, rounded
    ctx.exact_sum = before
    return out
