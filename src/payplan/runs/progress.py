"""A rep's progress during a period: the plan in force, evaluated on the facts imported so far.

This is an estimate, never a run: it takes a run's own path for one rep — the published
plan version in force for the period that the rep is eligible for, the starting state a
run would start from (`runs.evaluation.starting_states`), `evaluation.pipeline.score_period`
(the same `load_inputs` and `core.engine.evaluate`) — and lays out the trace: each KPI's
actual, target and attainment, the pace still needed, the estimated payout and the
year to date. What moves the pay is `payplan.runs.whatif`. Must not write anything, and
must not compute pay any other way than through the engine.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import msgspec
from sqlalchemy import Connection, func, select

from payplan.core.eligibility import in_force, is_eligible
from payplan.core.inputs import CarriedState, Rep, RepInputs
from payplan.core.metrics import CATALOG
from payplan.core.periods import Period, PeriodError, parse_period, period_of
from payplan.core.plan import Plan, Scorecard
from payplan.core.result import RepResult
from payplan.errors import Invalid, NotFound
from payplan.evaluation.pipeline import score_period
from payplan.i18n import N_
from payplan.plans import versions as plan_store
from payplan.runs.evaluation import starting_states
from payplan.store.metrics import load_reps
from payplan.store.schema import activities, deals, nps
from payplan.store.service_schema import FINAL_STATES, run_results, runs


class Scoring(msgspec.Struct, frozen=True):
    """One rep scored for one period as a run would: plan, inputs, state in, result."""

    plan: Plan
    plan_ref: str
    period: Period
    rep: Rep
    inputs: RepInputs
    state_in: CarriedState | None
    result: RepResult
    as_of: date  # the day the facts are counted to: the pace counts the working days after it


class KpiProgress(msgspec.Struct, frozen=True):
    component: str
    id: str
    label: str
    metric: str
    unit: str  # the catalog's: count / money / ratio / days / score
    better: str
    actual: Decimal | None
    target: Decimal | None
    attainment: Decimal
    weight: Decimal
    points: Decimal
    remaining: Decimal | None  # how much more (less, when lower is better) reaches the target
    per_day: Decimal | None  # count metrics: the remaining per working day left


class ComponentEstimate(msgspec.Struct, frozen=True):
    id: str
    kind: str
    label: str
    amount: Decimal


def choose_period(conn: Connection, text: str | None, today: date | None = None) -> Period:
    """The month asked for, else the current month by the clock, else the latest month with facts."""
    if text:
        try:
            return parse_period(text)  # its year leaves a previous and a next period
        except PeriodError as exc:
            if "first" in exc.fields:  # a period written right, its year out of range: say so
                raise Invalid(exc.message, where="period", **exc.fields) from None
            raise Invalid(N_("period %(period)r is not a period such as 2026-03"), period=text,
                          where="period") from None
    current = period_of(today or date.today(), "month")
    last = last_fact_day(conn)
    if last is not None and last < current.start:
        return period_of(last, "month")
    return current


def last_fact_day(conn: Connection, period: Period | None = None) -> date | None:
    """The latest day of an activity, a closed deal or an NPS answer (within `period` if given)."""
    days = []
    for column in (activities.c.occurred_at, deals.c.closed_at, nps.c.answered_at):
        query = select(func.max(column))
        if period is not None:
            query = query.where(column >= period.start, column <= period.end)
        days.append(conn.execute(query).scalar())
    found = [_as_date(d) for d in days if d is not None]
    return max(found) if found else None


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def find_rep(everyone: list[Rep], rep_id: str) -> Rep:
    for rep in everyone:
        if rep.id == rep_id:
            return rep
    raise NotFound(N_("rep %(rep)r does not exist"), rep=rep_id)


def plan_for(conn: Connection, rep: Rep, period: Period) -> tuple[Plan, str, Period]:
    """The published version in force for `period` whose eligibility takes `rep` (by plan id),
    with the pay period it covers (the plan's period containing the start of `period`)."""
    for row, plan in plan_store.versions_in_force(conn, period):
        pay_period = period_of(period.start, plan.period)
        if is_eligible(plan, rep) and in_force(plan, pay_period):
            return plan, row.ref, pay_period
    raise NotFound(N_("no published plan is in force for rep %(rep)r in %(period)s"), rep=rep.id,
                   period=period.key)


def score_rep(conn: Connection, rep_id: str, period: Period, today: date | None = None,
              everyone: list[Rep] | None = None) -> Scoring:
    """`rep_id` scored on the facts so far, exactly as a run of the period would score them."""
    everyone = everyone if everyone is not None else load_reps(conn)
    rep = find_rep(everyone, rep_id)
    plan, ref, pay_period = plan_for(conn, rep, period)
    states = starting_states(conn, plan, pay_period)
    state_in = states.get(rep.id)
    results, inputs = score_period(plan, conn, pay_period, [rep], dict(states), everyone=everyone)
    if not results:
        raise NotFound(N_("rep %(rep)r is not employed in %(period)s"), rep=rep.id, period=pay_period.key)
    return Scoring(plan, ref, pay_period, rep, inputs[rep.id], state_in, results[0],
                   as_of_day(conn, pay_period, today or date.today()))


def as_of_day(conn: Connection, period: Period, today: date) -> date:
    """Today within the period; for a past period the last fact day in it (else its end);
    for a future one the day before it starts."""
    if period.start <= today <= period.end:
        return today
    if today < period.start:
        return period.start - timedelta(days=1)
    return last_fact_day(conn, period) or period.end


def working_days_after(day: date, end: date) -> int:
    """Monday to Friday days after `day` up to and including `end`."""
    count, current = 0, day + timedelta(days=1)
    while current <= end:
        count += current.weekday() < 5
        current += timedelta(days=1)
    return count


def components(scoring: Scoring) -> list[ComponentEstimate]:
    labels = {c.id: c.label for c in scoring.plan.components}
    return [ComponentEstimate(c.id, c.kind, c.label or labels.get(c.id, "") or c.id, c.amount)
            for c in scoring.result.components]


def kpis(scoring: Scoring, days_left: int) -> list[KpiProgress]:
    """Each scorecard KPI as the trace scored it, with the pace still needed."""
    found = []
    for comp in scoring.plan.components:
        if not isinstance(comp, Scorecard):
            continue
        for kpi in comp.kpis:
            node = scoring.result.trace.find(f"kpi.{kpi.id}")
            if node is None:
                continue
            found.append(_kpi(comp.id, kpi, node.inputs or {}, days_left))
    return found


def _kpi(component: str, kpi, values: dict, days_left: int) -> KpiProgress:
    definition = CATALOG.get(kpi.metric)
    unit = definition.unit if definition else "score"
    better = kpi.better or (definition.better if definition else "higher")
    actual, target = _dec(values.get("actual")), _dec(values.get("target"))
    remaining = per_day = None
    if target is not None:
        gap = (target - (actual or 0)) if better == "higher" else ((actual or 0) - target)
        remaining = max(gap, Decimal(0))
        if unit == "count" and remaining and days_left:
            per_day = (remaining / days_left).quantize(Decimal("0.1"))
    return KpiProgress(component, kpi.id, kpi.label or kpi.id, kpi.metric, unit, better, actual, target,
                       _dec(values.get("attainment")) or Decimal(0), kpi.weight,
                       _dec(values.get("points")) or Decimal(0), remaining, per_day)


def _dec(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def year_to_date(conn: Connection, rep_id: str, period: Period) -> tuple[Decimal, Decimal]:
    """(paid: the rep's results in approved and paid runs this year, of which in other periods)."""
    r = run_results.c
    query = (select(runs.c.period, func.coalesce(func.sum(r.total), 0))
             .select_from(run_results.join(runs, runs.c.id == r.run_id))
             .where(r.rep_id == rep_id, runs.c.state.in_(FINAL_STATES), runs.c.period.like(f"{period.year}%"))
             .group_by(runs.c.period))
    totals = {key: Decimal(str(total)) for key, total in conn.execute(query).all()}
    paid = sum(totals.values(), Decimal(0))
    return paid, paid - totals.get(period.key, Decimal(0))
