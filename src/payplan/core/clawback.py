"""Clawbacks: a won deal cancelled within the plan's window reverses its commission.

The reversal is a negative line in the period of the cancellation, linked to the
line that paid it (deal id and period, from the carried state). Must not edit
past results.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.context import Ctx
from payplan.core.money import fmt, pct
from payplan.core.result import Line
from payplan.core.trace import Node

ZERO = Decimal(0)
COMPONENT = "clawback"


def evaluate_clawbacks(ctx: Ctx) -> tuple[list[Line], Node | None, list[str]]:
    """Returns (lines, trace node or None, deal ids clawed back)."""
    rule = ctx.plan.clawback
    if rule is None:
        return [], None, []
    cancelled = [d for d in ctx.inputs.deals if d.status == "cancelled" and d.cancelled_at
                 and ctx.period.contains(d.cancelled_at)]
    if rule is None or not cancelled:
        return [], None, []
    node = Node(COMPONENT, "Clawbacks", formula=f"{pct(rule.share)} of the commission paid, "
                                                 f"if cancelled within {rule.window_days} days of closing")
    lines, done = [], []
    for deal in cancelled:
        days = (deal.cancelled_at - deal.closed_at).days if deal.closed_at else 0
        paid = ctx.state.paid_deals.get(deal.id)
        if days > rule.window_days or deal.id in ctx.state.clawed_back:
            why = f"{days} days after closing, outside the window" if days > rule.window_days else "already clawed back"
            node.add(Node(f"{COMPONENT}.{deal.id}", f"Deal {deal.id}", value=ZERO, formula=why))
            continue
        if paid is None:
            ctx.warn("clawback-unknown", f"deal {deal.id} was cancelled but no commission paid on it is known", COMPONENT)
            continue
        amount = ctx.money(-paid.amount * rule.share)
        cause = f"deal {deal.id} cancelled on {deal.cancelled_at}, {days} days after closing; reverses {pct(rule.share)} of {fmt(paid.amount)} paid in {paid.period}"
        lines.append(Line(COMPONENT, "clawback", f"Clawback of deal {deal.id}", amount, deal_id=deal.id,
                          base=paid.amount, rate=rule.share, cause=cause,
                          links=f"{paid.period}/{paid.component}/{deal.id}"))
        node.add(Node(f"{COMPONENT}.{deal.id}", f"Deal {deal.id}", value=amount, formula=cause))
        done.append(deal.id)
    node.value = sum((ln.amount for ln in lines), ZERO)
    return lines, node, done
