"""Draws: guaranteed minimums and advances, with the balance carried between periods.

Evaluated after every other component, on what the rep earned this period.
A recoverable draw's balance is what the rep owes; it is recovered from later
earnings and carried out in the state. Must not know how earnings were made.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.context import Ctx
from payplan.core.periods import period_of
from payplan.core.plan import Draw
from payplan.core.result import Line
from payplan.core.trace import N_, Node, Value

ZERO, ONE = Decimal(0), Decimal(1)


def evaluate_draw(c: Draw, earned: Decimal, balance: Decimal, ctx: Ctx) -> tuple[list[Line], Node, Decimal]:
    """Returns (lines, trace node, balance carried out)."""
    label = c.label or N_("Draw")
    draw, how, inputs = _amount(c, ctx)
    node = Node(c.id, label, source=c.why, formula=_KINDS[c.type == "guarantee", c.recoverable])
    if c.opening_balance and _opens(c, ctx):
        node.add(Node(f"{c.id}.opening", N_("Opening balance owed as the draw's history begins"),
                      value=c.opening_balance))
        balance += c.opening_balance
    node.add(Node(f"{c.id}.balance_in", N_("Balance owed, carried in"), value=balance))
    node.add(Node(f"{c.id}.earned", N_("Earned this period"), value=earned))
    node.add(Node(f"{c.id}.draw", N_("Draw this period"), value=draw, formula=how, inputs=inputs))
    if c.type == "guarantee":
        lines, balance = _guarantee(c, label, draw, earned, balance, ctx)
    else:
        lines, balance = _advance(c, label, draw, earned, balance, ctx)
    node.add(Node(f"{c.id}.balance_out", N_("Balance owed, carried out"), value=balance))
    node.value = sum((ln.amount for ln in lines), ZERO)
    return lines, node, balance


_KINDS = {(True, True): N_("guarantee, recoverable"), (True, False): N_("guarantee, non-recoverable"),
          (False, True): N_("advance, recoverable"), (False, False): N_("advance, non-recoverable")}


def _amount(c: Draw, ctx: Ctx) -> tuple[Decimal, str, dict[str, Value]]:
    """This period's draw, in cents (a prorated draw is rounded once, here), and why
    (a template and its inputs)."""
    if c.starts is not None and ctx.period < period_of(c.starts, ctx.plan.period):
        return ZERO, N_("before the draw starts on {starts:date}"), {"starts": c.starts.isoformat()}
    if not _active(c, ctx):
        return ZERO, N_("outside the draw's first {periods} periods"), {"periods": c.periods}
    if ctx.prorate != ONE:
        # why the share is what it is: the trace's `proration` node
        return (ctx.money(c.amount * ctx.prorate), N_("{amount:money} × proration {prorate}"),
                {"amount": c.amount, "prorate": ctx.prorate})
    return ctx.money(c.amount), N_("plan amount"), {}


def _opens(c: Draw, ctx: Ctx) -> bool:
    """Whether this period's carried-in balance takes `opening_balance`: the period of the
    later of `starts` and `effective_from` (where the replayed history of a draw that began
    before the plan begins), for a rep hired before that date (a later hire owes nothing)."""
    opened = max(c.starts or ctx.plan.effective_from, ctx.plan.effective_from)
    hired = ctx.rep.hired_on
    return ctx.period == period_of(opened, ctx.plan.period) and (hired is None or hired < opened)


def _active(c: Draw, ctx: Ctx) -> bool:
    if c.periods is None:
        return True
    # A ramp draw covers the rep's first N periods of employment, not of the plan:
    # counted from the hire date, or from `starts` when the draw began later.
    began = [d for d in (ctx.rep.hired_on, c.starts) if d is not None]
    first = period_of(max(began) if began else ctx.plan.effective_from, ctx.plan.period)
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
        return [Line(c.id, "draw", N_("{name:word}: top-up to the guaranteed {draw:money}"), topup,
                     inputs={"name": label, "draw": draw, "earned": earned},
                     cause=N_("earned {earned:money} < draw {draw:money}; added to the balance owed") if c.recoverable
                     else N_("earned {earned:money} < draw {draw:money}; not recoverable"))], balance
    recovery = ctx.money(min(balance, earned - draw))
    if recovery <= 0:
        return [], balance
    line = Line(c.id, "recovery", N_("{name:word}: recovery of earlier top-ups"), -recovery,
                inputs={"name": label, "above": earned - draw, "balance": balance},
                cause=N_("earnings above the draw ({above:money}) repay the balance {balance:money}"))
    return [line], balance - recovery


def _advance(c: Draw, label: str, draw: Decimal, earned: Decimal, balance: Decimal,
             ctx: Ctx) -> tuple[list[Line], Decimal]:
    lines = []
    recovery = ctx.money(min(balance, max(earned, ZERO)))
    if recovery > 0:
        lines.append(Line(c.id, "recovery", N_("{name:word}: recovery of earlier advances"), -recovery,
                          inputs={"name": label, "balance": balance, "earned": earned},
                          cause=N_("repays the balance {balance:money} from earnings {earned:money}")))
        balance -= recovery
    if draw > 0:
        lines.append(Line(c.id, "draw", N_("{name:word}: advance"), draw, inputs={"name": label},
                          cause=N_("paid on top of earnings; added to the balance owed") if c.recoverable
                          else N_("paid on top of earnings")))
        if c.recoverable:
            balance += draw
    return lines, balance
