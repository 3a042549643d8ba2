"""Draws: guaranteed minimums and advances, with the balance carried between periods.

Evaluated after every other component, on what the rep earned this period.
A recoverable draw's balance is what the rep owes; it is recovered from later
earnings and carried out in the state. Must not know how earnings were made.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.context import Ctx
from payplan.core.money import fmt
from payplan.core.periods import period_of
from payplan.core.plan import Draw
from payplan.core.result import Line
from payplan.core.trace import Node

ZERO, ONE = Decimal(0), Decimal(1)


def evaluate_draw(c: Draw, earned: Decimal, balance: Decimal, ctx: Ctx) -> tuple[list[Line], Node, Decimal]:
    """Returns (lines, trace node, balance carried out)."""
    label = c.label or "Draw"
    draw, how = _amount(c, ctx)
    node = Node(c.id, label, source=c.why,
                formula=f"{c.type}, {'recoverable' if c.recoverable else 'non-recoverable'}")
    node.add(Node(f"{c.id}.balance_in", "Balance owed, carried in", value=balance))
    node.add(Node(f"{c.id}.earned", "Earned this period", value=earned))
    node.add(Node(f"{c.id}.draw", "Draw this period", value=draw, formula=how))
    if c.type == "guarantee":
        lines, balance = _guarantee(c, label, draw, earned, balance, ctx)
    else:
        lines, balance = _advance(c, label, draw, earned, balance, ctx)
    node.add(Node(f"{c.id}.balance_out", "Balance owed, carried out", value=balance))
    node.value = sum((ln.amount for ln in lines), ZERO)
    return lines, node, balance


def _amount(c: Draw, ctx: Ctx) -> tuple[Decimal, str]:
    """This period's draw, in cents (a prorated draw is rounded once, here), and why."""
    if not _active(c, ctx):
        return ZERO, f"outside the draw's first {c.periods} periods"
    if ctx.prorate != ONE:
        return ctx.money(c.amount * ctx.prorate), f"{fmt(c.amount)} × proration {fmt(ctx.prorate)} ({ctx.prorate_note})"
    return ctx.money(c.amount), "plan amount"


def _active(c: Draw, ctx: Ctx) -> bool:
    if c.periods is None:
        return True
    # A ramp draw covers the rep's first N periods of employment, not of the plan.
    first = period_of(ctx.rep.hired_on or ctx.plan.effective_from, ctx.plan.period)
    count, p = 1, first
    while p < ctx.period and count <= c.periods:
        p, count = p.next(), count + 1
    return count <= c.periods


def _guarantee(c: Draw, label: str, draw: Decimal, earned: Decimal, balance: Decimal,
               ctx: Ctx) -> tuple[list[Line], Decimal]:
    if earned < draw:
        topup = draw - earned
        if c.recoverable:
            balance += topup
        return [Line(c.id, "draw", f"{label}: top-up to the guaranteed {fmt(draw)}", topup,
                     cause=f"earned {fmt(earned)} < draw {fmt(draw)}"
                           + ("; added to the balance owed" if c.recoverable else "; not recoverable"))], balance
    recovery = ctx.money(min(balance, earned - draw))
    if recovery <= 0:
        return [], balance
    return [Line(c.id, "recovery", f"{label}: recovery of earlier top-ups", -recovery,
                 cause=f"earnings above the draw ({fmt(earned - draw)}) repay the balance {fmt(balance)}")], balance - recovery


def _advance(c: Draw, label: str, draw: Decimal, earned: Decimal, balance: Decimal,
             ctx: Ctx) -> tuple[list[Line], Decimal]:
    lines = []
    recovery = ctx.money(min(balance, max(earned, ZERO)))
    if recovery > 0:
        lines.append(Line(c.id, "recovery", f"{label}: recovery of earlier advances", -recovery,
                          cause=f"repays the balance {fmt(balance)} from earnings {fmt(earned)}"))
        balance -= recovery
    if draw > 0:
        lines.append(Line(c.id, "draw", f"{label}: advance", draw,
                          cause="paid on top of earnings" + ("; added to the balance owed" if c.recoverable else "")))
        if c.recoverable:
            balance += draw
    return lines, balance
