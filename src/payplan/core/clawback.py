"""Clawbacks: a won deal cancelled within the plan's window reverses its commission.

The reversal is a negative line in the period of the cancellation, linked to the
line that paid it (deal id and period, from the carried state). Must not edit
past results.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.context import Ctx
from payplan.core.result import Line
from payplan.core.trace import N_, Node

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
    node = Node(COMPONENT, N_("Clawbacks"), inputs={"share": rule.share, "window": rule.window_days},
                formula=N_("{share:pct} of the commission paid, if cancelled within {window} days of closing"))
    lines, done = [], []
    for deal in cancelled:
        days = (deal.cancelled_at - deal.closed_at).days if deal.closed_at else 0
        paid = ctx.state.paid_deals.get(deal.id)
        if days > rule.window_days or deal.id in ctx.state.clawed_back:
            why = _OUTSIDE if days > rule.window_days else _ALREADY
            node.add(Node(f"{COMPONENT}.{deal.id}", _DEAL, value=ZERO, formula=why,
                          inputs={"deal": deal.id, "days": days}))
            continue
        if paid is None:
            ctx.warn("clawback-unknown", N_("deal {deal} was cancelled but no commission paid on it is known"),
                     COMPONENT, deal=deal.id)
            continue
        amount = ctx.money(-paid.amount * rule.share)
        inputs = {"deal": deal.id, "cancelled": deal.cancelled_at.isoformat(), "days": days, "share": rule.share,
                  "paid": paid.amount, "period": paid.period}
        lines.append(Line(COMPONENT, "clawback", N_("Clawback of deal {deal}"), amount, deal_id=deal.id,
                          base=paid.amount, rate=rule.share, cause=_CAUSE, inputs=inputs,
                          links=f"{paid.period}/{paid.component}/{deal.id}"))
        node.add(Node(f"{COMPONENT}.{deal.id}", _DEAL, value=amount, formula=_CAUSE, inputs=inputs))
        done.append(deal.id)
    node.value = sum((ln.amount for ln in lines), ZERO)
    return lines, node, done


_DEAL = N_("Deal {deal}")
_OUTSIDE = N_("{days} days after closing, outside the window")
_ALREADY = N_("already clawed back")
_CAUSE = N_("deal {deal} cancelled on {cancelled:date}, {days} days after closing; "
            "reverses {share:pct} of {paid:money} paid in {period}")
