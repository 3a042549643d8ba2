"""Stage 1 once, stage 2 per plan: the metric cache and the scoring loop of a simulation.

`MetricCache` loads metric inputs once per period for the union of both plans'
needs (plus revenue and margin, which the report sets pay against) and keeps
them in memory, also by column (`payplan.core.tally.batch.Columns`); `score_reps`
runs one plan over them period by period, a period's reps together, carrying
each rep's state, and keeps only the small `Outcome` of each result.
Must not write anything, resolve plans or render.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import repeat

import msgspec
from sqlalchemy import Connection

from payplan.core.engine import evaluate
from payplan.core.inputs import CarriedState, RepInputs
from payplan.core.metrics import MetricSpec
from payplan.core.needs import Needs, plan_needs
from payplan.core.periods import Period
from payplan.core.plan import Plan
from payplan.core.simulate import Activity, Outcome, outcome_reader
from payplan.core.tally import batch_reader
from payplan.core.tally.batch import Columns
from payplan.evaluation.pipeline import carries_state, with_history
from payplan.gcpause import collector_paused
from payplan.errors import Invalid
from payplan.i18n import N_
from payplan.store.fx import period_conversions
from payplan.store.metrics import load_inputs

ACTIVITY_SPECS = (MetricSpec("revenue"), MetricSpec("margin"))


class MetricCache:
    """Metric inputs per period for the union of both plans' needs, loaded once per period."""

    def __init__(self, conn: Connection, plans: list[Plan], rep_ids: list[str]) -> None:
        self.conn, self.rep_ids = conn, rep_ids
        self.needs = union_needs([plan_needs(p) for p in plans])
        # One cache reads the facts' days in one calendar: the first plan's (the baseline's).
        self.zone = plans[0].timezone if plans else "UTC"
        self.currency, self.fx = plans[0].currency, plans[0].fx
        if any((p.currency, p.fx) != (self.currency, self.fx) for p in plans[1:]):
            raise Invalid(N_("the plans pay in different currencies or convert them differently ([fx]); "
                             "simulate plans with the same currency and [fx] table"))
        self.by_period: dict[Period, dict[str, RepInputs]] = {}
        self.columns: dict[Period, Columns] = {}

    def load(self, periods: list[Period]) -> None:
        for period in periods:
            if period not in self.by_period:
                inputs = self.by_period[period] = load_inputs(
                    self.conn, list(self.needs.specs), period, rep_ids=self.rep_ids,
                    team_scope=self.needs.team_scope, target_keys=set(self.needs.target_keys), pool=self.needs.pool,
                    zone=self.zone, fx=period_conversions(self.conn, period, self.currency, self.fx))
                self.columns[period] = Columns([inputs[rep_id] for rep_id in sorted(inputs)]).warm()

    def activity(self) -> dict[tuple[str, str], Activity]:
        out = {}
        for period, inputs in self.by_period.items():
            for rep_id, item in inputs.items():
                revenue, margin = (item.metrics[s.key].value or Decimal(0) for s in ACTIVITY_SPECS)
                out[(rep_id, period.key)] = Activity(revenue, margin)
        return out


def union_needs(all_needs: list[Needs]) -> Needs:
    """Every metric and target either plan reads (plus revenue and margin for the report)."""
    specs = set(ACTIVITY_SPECS).union(*(n.specs for n in all_needs))
    scopes = {n.team_scope for n in all_needs} - {None}
    scope = "subtree" if "subtree" in scopes else ("team" if scopes else None)
    return Needs(tuple(sorted(specs)), frozenset().union(*(n.target_keys for n in all_needs)), scope,
                 any(n.pool for n in all_needs))


def _for_plan(plan: Plan, inputs: RepInputs) -> RepInputs:
    """Cached inputs as `plan` reads them: direct reports only when it asks for "team" and not "subtree"."""
    if plan_needs(plan).team_scope != "team" or not inputs.team:
        return inputs
    direct = tuple(m for m in inputs.team if m.rep.manager_id == inputs.rep.id)
    return inputs if len(direct) == len(inputs.team) else msgspec.structs.replace(inputs, team=direct)


def score_reps(plan: Plan, by_period: dict[Period, dict[str, RepInputs]], periods: list[Period],
               rep_ids: list[str], columns: dict[Period, Columns] | None = None) -> list[Outcome]:
    """Each rep through the plan's periods in order, carrying state; outcomes of `periods`,
    rep by rep.

    A period's reps are tallied together where the plan's tally covers them
    (`payplan.core.tally.batch_reader`): the same outcomes and carried states without
    building lines and trace; `evaluate` takes the rep-periods the tally leaves alone.
    `columns`: the periods' inputs by column as a metric cache keeps them (built here
    for a period without).
    """
    tally = batch_reader(plan)
    wanted, stateful = set(periods), carries_state(plan)
    scoped = plan_needs(plan).team_scope == "team"
    reduce = outcome_reader(plan)
    states: dict[str, CarriedState | None] = {}
    kept: list[dict[str, Outcome]] = []
    with collector_paused():
        for period in with_history(plan, periods):
            inputs = by_period.get(period, {})
            ids = [rep_id for rep_id in rep_ids if rep_id in inputs]
            items = [inputs[rep_id] for rep_id in ids]
            answers = repeat(None)
            if tally is not None:
                cached = columns.get(period) if columns else None
                by_column = cached.select(ids) if cached is not None else None
                if by_column is None or by_column.ids != ids:  # a cache without some rep: build afresh
                    by_column = Columns(items)
                answers = tally(period, by_column, [states.get(rep_id) for rep_id in ids] if stateful else None)
            outcomes: dict[str, Outcome] = {}
            for rep_id, item, answer in zip(ids, items, answers):
                if answer is not None:
                    outcomes[rep_id] = answer[0]
                    if stateful:
                        states[rep_id] = answer[1]
                    continue
                result = evaluate(plan, _for_plan(plan, item) if scoped else item, states.get(rep_id), period)
                states[rep_id] = result.state
                if period in wanted:
                    outcomes[rep_id] = reduce(result)
            if period in wanted:
                kept.append(outcomes)
    return [by_rep[rep_id] for rep_id in rep_ids for by_rep in kept if rep_id in by_rep]
