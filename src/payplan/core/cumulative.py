"""Cumulative (year-, quarter- or N-periods-to-date: `payplan.core.windows`) commission:
tiers on the base credited since the window's start, each period paying "cumulative due
minus paid so far".

A commission with `measure = "window"` carries, per component id, its window's base
and what it paid so far (`CarriedState.windows`), reset when a new window starts.
Each period: base so far = carried base + this period's base; due = the tier table
on [0, base so far) (marginal tiers pay their slice; a retroactive tier, once
reached, re-rates every slice below it, so the earlier periods' base is re-rated and
the difference paid in the period of crossing); this period pays due − paid so far.
With `pay_on = "window_end"` it pays only on the window's last period (a quarterly
or annual bonus). Must not know about other components, draws or clawbacks; the
commission's per-period path stays in `payplan.core.commission`.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.context import Ctx
from payplan.core.inputs import WindowTotals
from payplan.core.plan import Commission, Plan
from payplan.core.result import Line
from payplan.core.tiers import Band, applied_tiers, band_index, slice_segment
from payplan.core.trace import N_, Node
from payplan.core.windows import history_start, measures_window, window_of

__all__ = ["history_start", "is_cumulative", "stated_quota", "due_on", "window_lines"]

ZERO = Decimal(0)

WINDOW_PAID = N_("{window} base {base:money}, due {due:money}, paid so far {paid:money}, "
                 "this period {due:money} − {paid:money}")
WINDOW_HELD = N_("{window} base {base:money}, due {due:money}, paid so far {paid:money}: "
                 "paid on the window's last period, {end}")


def is_cumulative(plan: Plan) -> bool:
    """Whether any component measures over a window (its pay depends on earlier periods)."""
    return any(measures_window(c) for c in plan.components)


def stated_quota(c: Commission, needs_quota: bool, ctx: Ctx, node: Node, prorated: bool) -> Decimal | None:
    """The commission's quota (plan or target override, `prorated` to the rep's share of the
    period) when its tiers need one; a window's quota is stated for the whole window."""
    if not needs_quota and c.quota is None:
        return None
    if ctx.plain_targets:
        quota, source = c.quota, N_("plan")
    else:
        quota, source = ctx.target(c.quota_key, c.quota, prorated)
    node.add(Node(f"{c.id}.quota", N_("Quota"), value=quota, source=source))
    if quota is None or quota <= 0:
        ctx.fail("no-quota", N_("{component} needs a positive quota (plan `quota` or target override '{key}')"),
                 c.id, component=c.id, key=c.quota_key)
        return None
    return quota


def due_on(bands: list[Band], base: Decimal, boundary: str) -> Decimal:
    """What the tier table pays on the cumulative base [0, base), unrounded."""
    if base <= 0:
        return ZERO
    applied = applied_tiers(bands, band_index(bands, base, boundary))
    return sum((amount * bands[applied[i]].rate for i, amount in slice_segment(bands, ZERO, base)), ZERO)


def window_lines(c: Commission, label: str, period_base: Decimal, bands: list[Band], ctx: Ctx,
                 node: Node) -> tuple[list[Line], Node]:
    """The period's one line: cumulative due minus paid so far (or held until the window ends)."""
    window = window_of(c, ctx.plan.effective_from, ctx.plan.period, ctx.period)
    carried = ctx.state.windows.get(c.id)
    before, paid = (carried.base, carried.paid) if carried and carried.window == window.key else (ZERO, ZERO)
    base = before + period_base
    due = ctx.money(due_on(bands, base, c.boundary))
    last = ctx.period.end >= window.end
    amount = due - paid if c.pay_on == "period" or last else ctx.money(ZERO)
    node.formula, node.inputs = N_("due on the base so far in the window − paid so far in the window"), {}
    node.add(Node(f"{c.id}.window_base", N_("Base so far in the window"), value=base,
                  formula=N_("{before:money} before this period + {now:money} this period"),
                  inputs={"before": before, "now": period_base}))
    node.add(Node(f"{c.id}.due", N_("Due on the base so far"), value=due))
    node.add(Node(f"{c.id}.paid_before", N_("Paid so far in the window"), value=paid))
    inputs = {"window": window.key, "base": base, "due": due, "paid": paid,
              "end": window.last.key}
    cause = WINDOW_PAID if c.pay_on == "period" or last else WINDOW_HELD
    line = Line(c.id, "commission", label, amount, base=period_base, cause=cause, inputs=inputs)
    ctx.windows[c.id] = WindowTotals(window.key, base, paid + amount)
    return [line], node
