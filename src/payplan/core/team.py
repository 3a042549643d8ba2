"""A manager override on the team's commissions: each member's commission under the plan.

An override with `on = "<commission id>"` pays its rate on what each team member earned
from that commission component of the same plan, computed here from the member's
credited won deals of the period, their target overrides and their active share of the
period. It sees nothing else of the member: not their metrics (a commission gated on a
metric is rejected by `plans check`), not a cancellation's clawback, and not the plan
the member is actually paid under, which may be another one. Must not pay the override
itself: that is `payplan.core.extras`.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core import proration
from payplan.core.commission import evaluate_commission
from payplan.core.context import Ctx
from payplan.core.inputs import CarriedState, RepInputs
from payplan.core.plan import Commission, Override
from payplan.core.trace import N_

ZERO = Decimal(0)


def member_commissions(c: Override, ctx: Ctx) -> list[tuple[str, Decimal]]:
    """(member id, the commission `c.on` pays them in the period), for each team member."""
    comp = next((x for x in ctx.plan.components if x.id == c.on and isinstance(x, Commission)), None)
    if comp is None:
        ctx.fail("override-on", N_("override {component} is on commission {on}, which the plan does not have"),
                 c.id, component=c.id, on=c.on)
        return []
    out = []
    for m in ctx.inputs.team:
        share, why, because = proration.factor(ctx.plan, m.rep, ctx.period)
        sub = Ctx(ctx.plan, RepInputs(m.rep, ctx.period.key, deals=m.deals, targets=m.targets), ctx.period,
                  CarriedState(), share, why, because)
        lines, _ = evaluate_commission(comp, sub)
        ctx.issues.extend(sub.issues)
        out.append((m.rep.id, sum((ln.amount for ln in lines), ZERO)))
    return out
