"""A scorecard measured over a window (`measure = "window"`): a quarterly or annual KPI bonus.

Each KPI measures the window's facts so far (`payplan.core.windows`): counts and amounts
summed over the window's periods, ratios from the summed numerators and denominators
(never an average of the periods' ratios), a score given per period as the mean of the
periods' scores (`payplan.core.metrics.window_rule`). A count or amount KPI's target is
the sum of the window's periods' targets so far (each as the period would read it:
override, plan, prorated); any other KPI's target is this period's. The target incentive
is stated for the whole window (each period adds its share: incentive × proration /
periods in the window; carried undivided so a whole window adds up exactly), or is
`salary_share` of the window's periods' salary.
Each period: due = target incentive so far × payout ratio of the window's score so far;
this period pays due − paid so far, or, with `pay_on = "window_end"`, all of it on the
window's last period. The window's totals are carried in `CarriedState.windows`.
Must not read other components or apply gates (the linter refuses gates here).
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from payplan.core.context import Ctx
from payplan.core.inputs import KpiTotals, MetricValue, Target, WindowTotals
from payplan.core.metrics import RATIO_SCALE, window_rule
from payplan.core.plan import Kpi, Scorecard
from payplan.core.result import Line
from payplan.core.scorecard import KpiInfo, payout_ratio, score_kpi, scorecard_kpis
from payplan.core.trace import N_, Node
from payplan.core.windows import Window, window_of

ZERO, ONE = Decimal(0), Decimal(1)

SCORE_PAID = N_("{window} score {score:pts}, due {due:money}, paid so far {paid:money}, "
                "this period {due:money} − {paid:money}")
SCORE_HELD = N_("{window} score {score:pts}, due {due:money}, paid so far {paid:money}: "
                "paid on the window's last period, {end}")
SUMMED = N_("the targets of the window's periods so far, summed")


def window_scorecard(c: Scorecard, ctx: Ctx) -> tuple[list[Line], Node]:
    """The scorecard's one line for the period (the engine's evaluator when `measure = "window"`)."""
    window = window_of(c, ctx.plan.effective_from, ctx.plan.period, ctx.period)
    carried = ctx.state.windows.get(c.id)
    if carried is None or carried.window != window.key:
        carried = WindowTotals(window.key, ZERO, ZERO)
    label = c.label or N_("KPI bonus")
    node = Node(c.id, label, formula=N_("target incentive so far × payout ratio − paid so far in the window"))
    kpis = scorecard_kpis(c)
    totals = {kpi.id: so_far(kpi, info, carried.kpis.get(kpi.id, KpiTotals()), ctx) for kpi, info in kpis}
    scoring = _window_ctx(kpis, totals, ctx)
    score = ZERO
    for kpi, info in kpis:
        score += score_kpi(kpi, _window_info(kpi, info), scoring, node.children)[0]
    ctx.issues += scoring.issues
    node.children.append(Node(f"{c.id}.score", N_("Weighted score"), value=score,
                              formula=N_("sum of the KPI points")))
    ratio = payout_ratio(c, score, node)
    accrued = carried.base + _incentive_now(c, window, carried.base, ctx, node)
    incentive = accrued if c.salary_share is not None else accrued / window.size
    due = ctx.money(incentive * ratio)
    pays = c.pay_on == "period" or ctx.period.end >= window.end
    amount = due - carried.paid if pays else ctx.money(ZERO)
    node.add(Node(f"{c.id}.due", N_("Due on the score so far"), value=due,
                  formula=N_("{incentive:money} × {ratio:.2%}"), inputs={"incentive": incentive, "ratio": ratio}))
    node.add(Node(f"{c.id}.paid_before", N_("Paid so far in the window"), value=carried.paid))
    inputs = {"window": window.key, "score": score, "due": due, "paid": carried.paid, "end": window.last.key}
    line = Line(c.id, "bonus", label, amount, cause=SCORE_PAID if pays else SCORE_HELD, inputs=inputs)
    ctx.windows[c.id] = WindowTotals(window.key, accrued, carried.paid + amount, totals)
    return [line], node


def so_far(kpi: Kpi, info: KpiInfo, before: KpiTotals, ctx: Ctx) -> KpiTotals:
    """The KPI's window totals after this period: its value and target added by the metric's rule."""
    mv = ctx.inputs.metrics.get(info.spec_key)
    rule = window_rule(kpi.metric)
    value, den = before.value, before.denominator
    if mv is not None and rule == "sum":
        value += mv.value or ZERO
    elif mv is not None and rule == "ratio":
        value, den = value + (mv.numerator or ZERO), (den or ZERO) + (mv.denominator or ZERO)
    elif mv is not None and mv.value is not None:  # "mean": a score given per period
        value, den = value + mv.value, (den or ZERO) + ONE
    target = ctx.target(info.target_key, kpi.target, info.prorates)[0]
    if rule == "sum" and before.target is not None:
        target = before.target + (target or ZERO)
    return KpiTotals(value, den, target, before.count + (mv.count if mv is not None else 0))


def window_value(kpi: Kpi, totals: KpiTotals, now: MetricValue | None) -> MetricValue:
    """The KPI's metric over the window so far (evidence: this period's facts)."""
    if window_rule(kpi.metric) == "sum":
        value = totals.value
    elif totals.denominator:
        value = totals.value * RATIO_SCALE.get(kpi.metric, ONE) / totals.denominator
    else:
        value = None  # no closed deal, no answer, no score in the window yet
    return MetricValue(value, totals.count, now.evidence if now is not None else ())


def _window_ctx(kpis: tuple[tuple[Kpi, KpiInfo], ...], totals: dict[str, KpiTotals], ctx: Ctx) -> Ctx:
    """A context whose metrics and targets are the window's so far, under `window:ID` keys
    (targets already prorated per period: the context prorates nothing again)."""
    metrics, targets = {}, {}
    for kpi, info in kpis:
        t = totals[kpi.id]
        metrics[f"window:{kpi.id}"] = window_value(kpi, t, ctx.inputs.metrics.get(info.spec_key))
        if t.target is not None:
            summed = window_rule(kpi.metric) == "sum"
            source = SUMMED if summed else ctx.target(info.target_key, kpi.target, info.prorates)[1]
            targets[f"window:{kpi.id}"] = Target(t.target, source)
    inputs = msgspec.structs.replace(ctx.inputs, metrics=metrics, targets=targets)
    return Ctx(ctx.plan, inputs, ctx.period, ctx.state, ONE, ctx.prorate_why)


def _window_info(kpi: Kpi, info: KpiInfo) -> KpiInfo:
    return msgspec.structs.replace(info, spec_key=f"window:{kpi.id}", target_key=f"window:{kpi.id}", prorates=False)


def _incentive_now(c: Scorecard, window: Window, before: Decimal, ctx: Ctx, node: Node) -> Decimal:
    """This period's part of the window's target incentive, with the trace node of the incentive
    so far. Carried undivided (target incentive × proration, summed; divided by the window's
    periods when read) so that a whole window adds up to the target incentive exactly."""
    if c.salary_share is not None:
        salary = ctx.rep.salary
        if salary is None:
            ctx.fail("no-salary", N_("{component}: bonus is a share of salary but the rep has no salary"), c.id,
                     component=c.id)
        now = c.salary_share * (salary or ZERO) * ctx.prorate
        so_far = before + now
        how = N_("{before:money} before this period + {share:.0%} of salary {salary:money} × proration {prorate:pct2}")
    else:
        now = (c.target_incentive or ZERO) * ctx.prorate
        so_far = (before + now) / window.size
        how = N_("{incentive:money} × {shares} periods' share (proration summed) / {size} periods in the window")
    node.add(Node(f"{c.id}.target_incentive", N_("Target incentive so far in the window"), value=so_far,
                  formula=how, inputs={"before": before, "share": c.salary_share, "salary": ctx.rep.salary,
                                       "incentive": c.target_incentive, "prorate": ctx.prorate,
                                       "shares": (before + now) / (c.target_incentive or ONE),
                                       "size": Decimal(window.size)}))
    return now
