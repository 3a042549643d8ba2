"""evaluate(): one plan version, one rep, one period → lines, totals, trace, issues.

Pure and deterministic: the same plan, inputs and carried state always give the
same result. Order: components in plan order (draws held back), clawbacks,
the statement cap, draws on what was earned, then the plan's policy on a
negative total (`payplan.core.negative`) on the final total. Lines are rounded
one by one and summed, so printed lines always add up to the printed total.
Must not read facts, files or the clock: adapters build the inputs.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import msgspec

from payplan.core import negative, parameters, proration
from payplan.core.accounting import amortize
from payplan.core.clawback import evaluate_clawbacks
from payplan.core.commission import evaluate_commission
from payplan.core.context import Ctx
from payplan.core.draws import evaluate_draw
from payplan.core.fx import with_conversions
from payplan.core.extras import evaluate_fixed, evaluate_override, evaluate_spiff
from payplan.core.inputs import CarriedState, PaidDeal, RepInputs, WindowTotals
from payplan.core.periods import Period, parse_period
from payplan.core.plan import Commission, Draw, Fixed, Override, Plan, Pool, Scorecard, Spiff
from payplan.core.pool import evaluate_pool
from payplan.core.result import ComponentResult, Line, RepResult
from payplan.core.rounding import round_scoped
from payplan.core.scorecard import evaluate_scorecard
from payplan.core.window_score import window_scorecard
from payplan.core.trace import N_, Node

ZERO = Decimal(0)

_EVALUATORS = {
    Scorecard: evaluate_scorecard,
    Commission: evaluate_commission,
    Spiff: evaluate_spiff,
    Override: evaluate_override,
    Fixed: evaluate_fixed,
    Pool: evaluate_pool,
}


def _evaluator(comp):
    """The component's evaluator; a scorecard measured over a window has its own."""
    if isinstance(comp, Scorecard) and comp.measure == "window":
        return window_scorecard
    return _EVALUATORS[type(comp)]


class _PlanInfo:
    """Per plan version, what `evaluate` looks up for every rep: the evaluator, kind
    and label of each non-draw component, whether there are draws, and the trace's
    source text. Computed once per plan object (identity-checked, like `kpi_info`)."""

    __slots__ = ("plan", "steps", "has_draws", "source")

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.steps = tuple((_evaluator(comp), comp, comp.id, comp.__struct_config__.tag, comp.label)
                           for comp in plan.components if not isinstance(comp, Draw))
        self.has_draws = any(isinstance(comp, Draw) for comp in plan.components)
        self.source = plan.ref  # the plan version (id@version) the total was reached under


_HEADING, _SUM, _ACTIVE = N_("{rep}, {period}"), N_("sum of all lines"), N_("Active share of the period")
CLAWBACKS, STATEMENT_CAP = N_("Clawbacks"), N_("Statement cap")
_PLANS: dict[int, _PlanInfo] = {}
_PERIODS: dict[str, Period] = {}


def _plan_info(plan: Plan) -> _PlanInfo:
    info = _PLANS.get(id(plan))
    if info is None or info.plan is not plan:
        if len(_PLANS) > 256:  # plans are few; never let a long-lived process grow this without bound
            _PLANS.clear()
        info = _PLANS[id(plan)] = _PlanInfo(plan)
    return info


def _period(key: str) -> Period:
    """`parse_period`, remembered: every rep of a run shares the same few period keys."""
    period = _PERIODS.get(key)
    if period is None:
        if len(_PERIODS) > 1024:
            _PERIODS.clear()
        period = _PERIODS[key] = parse_period(key)
    return period


def evaluate(plan: Plan, inputs: RepInputs, state: CarriedState | None = None,
             period: Period | None = None) -> RepResult:
    """Score one rep for one period under one plan version."""
    given = None
    if plan.parameters:  # the plan as this rep sees it: their parameter values in its fields
        plan, given = parameters.resolve(plan, inputs)
        info = _PlanInfo(plan)
    else:
        info = _plan_info(plan)
    state = state or CarriedState()
    period = period or _period(inputs.period_key)
    key = period.key
    prorate, why, because = proration.factor(plan, inputs.rep, period)
    ctx = Ctx(plan, inputs, period, state, prorate, why, because)
    root = Node("total", _HEADING, formula=_SUM, inputs={"rep": inputs.rep.name or inputs.rep.id, "period": key},
                source=info.source)
    root.children.append(Node("proration", _ACTIVE, value=prorate, formula=why, inputs=because))
    if given is not None:
        root.children.append(given)
    lines: list[Line] = []
    components: list[ComponentResult] = []
    for fn, comp, cid, kind, label in info.steps:
        comp_lines, node = fn(comp, ctx)
        if ctx.exact:
            comp_lines = round_scoped(comp_lines, ctx)
        _collect(cid, kind, label, comp_lines, node, lines, components, root, ctx.money(ZERO))
    ctx.exact = False  # the engine's own lines below (clawbacks, caps, draws) are each rounded
    claw_lines, claw_node, clawed = evaluate_clawbacks(ctx)
    if claw_node is not None:
        _collect("clawback", "clawback", CLAWBACKS, claw_lines, claw_node, lines, components, root,
                 ctx.money(ZERO))
    _statement_cap(plan, ctx, lines, components, root)
    balance = _draws(plan, ctx, lines, components, root) if info.has_draws else state.draw_balance
    total = sum((ln.amount for ln in lines), ctx.money(ZERO))
    total, owed = _negative_total(plan, ctx, total, lines, components, root)
    root.value = total
    if plan.fx is not None:
        lines = with_conversions(lines, inputs.deals, plan.fx.source, plan.currency, key)
    return RepResult(
        rep_id=inputs.rep.id, period=key, currency=plan.currency, total=total,
        components=tuple(components), lines=tuple(lines), trace=root, issues=tuple(ctx.issues),
        state=_windows_out(_state_out(plan, period, state, lines, balance, clawed, owed), ctx.windows),
        amortization=amortize(plan, lines, ctx),
    )


def _collect(cid: str, kind: str, label: str, comp_lines: list[Line], node: Node, lines: list[Line],
             components: list[ComponentResult], root: Node, zero: Decimal) -> None:
    # Start from the currency's zero ("0.00"), so an empty component does not print as "0".
    amount = sum((ln.amount for ln in comp_lines), zero)
    node.value = amount
    lines.extend(comp_lines)
    components.append(ComponentResult(cid, kind, amount, label))
    root.children.append(node)


def _statement_cap(plan: Plan, ctx: Ctx, lines: list[Line], components: list[ComponentResult], root: Node) -> None:
    if plan.cap is None:
        return
    current = sum((ln.amount for ln in lines), ZERO)
    if current <= plan.cap:
        return
    inputs = {"current": current, "cap": plan.cap}
    why = N_("{current:money} exceeds the statement cap {cap:money}")
    line = Line("statement_cap", "cap", STATEMENT_CAP, ctx.money(plan.cap - current), cause=why, inputs=inputs)
    node = Node("statement_cap", STATEMENT_CAP, formula=why, inputs=inputs)
    _collect("statement_cap", "cap", STATEMENT_CAP, [line], node, lines, components, root, ctx.money(ZERO))


def _draws(plan: Plan, ctx: Ctx, lines: list[Line], components: list[ComponentResult], root: Node) -> Decimal:
    balance = ctx.state.draw_balance
    for comp in plan.components:
        if isinstance(comp, Draw):
            earned = sum((ln.amount for ln in lines), ZERO)
            draw_lines, node, balance = evaluate_draw(comp, earned, balance, ctx)
            _collect(comp.id, "draw", comp.label, draw_lines, node, lines, components, root, ctx.money(ZERO))
    return balance


def _negative_total(plan: Plan, ctx: Ctx, total: Decimal, lines: list[Line], components: list[ComponentResult],
                    root: Node) -> tuple[Decimal, Decimal]:
    """The plan's policy on a negative total (`payplan.core.negative`), on the total after
    draws: (the total after it, the negative balance carried out)."""
    balance = ctx.state.negative_balance
    done = negative.settle(plan.negative_total, total, balance, ctx.money)
    if done.kind is None and not balance:
        return total, balance  # the common case: nothing owed, nothing to settle
    node = negative.trace(plan.negative_total, total, balance, done.balance)
    if done.kind is None:
        node.value = ctx.money(ZERO)
        root.children.append(node)  # a balance still owed: the trace says so, no line
        return total, done.balance
    line = negative.line(done, total, balance)
    _collect(negative.COMPONENT, negative.COMPONENT, negative.LABEL, [line], node, lines, components, root,
             ctx.money(ZERO))
    return total + line.amount, done.balance


def _state_out(plan: Plan, period: Period, state: CarriedState, lines: list[Line], balance: Decimal,
               clawed: list[str], owed: Decimal) -> CarriedState:
    if plan.clawback is None and not clawed and balance == state.draw_balance and owed == state.negative_balance:
        return state  # nothing carried changed (the common case: no draws, no clawbacks, nothing owed)
    paid = [(ln.deal_id, ln.amount, ln.component) for ln in lines if ln.kind == "commission" and ln.deal_id]
    return carried_state(plan, period, state, paid, balance, clawed, owed)


def _windows_out(state: CarriedState, windows: dict[str, WindowTotals]) -> CarriedState:
    """The state with the cumulative commissions' window totals after this period."""
    if not windows:
        return state
    return msgspec.structs.replace(state, windows={**state.windows, **windows})


def carried_state(plan: Plan, period: Period, state: CarriedState, paid_lines: list[tuple[str, Decimal, str]],
                  balance: Decimal, clawed: list[str], owed: Decimal) -> CarriedState:
    """The state after `period`: the draw balance, the commission paid per deal within the
    clawback window (`paid_lines`: deal id, amount, component of each commission deal line),
    the deals already clawed back and the negative balance `owed`."""
    paid = dict(state.paid_deals)
    if plan.clawback is not None:
        horizon = period.start - timedelta(days=plan.clawback.window_days)
        paid = {k: v for k, v in paid.items() if parse_period(v.period).end >= horizon}
        for deal_id, amount, component in paid_lines:
            prior = paid.get(deal_id)
            amount = amount + (prior.amount if prior and prior.period == period.key else ZERO)
            paid[deal_id] = PaidDeal(amount, period.key, component)
    return CarriedState(draw_balance=balance, paid_deals=paid,
                        clawed_back=tuple(sorted(set(state.clawed_back) | set(clawed))), negative_balance=owed,
                        windows=state.windows)
