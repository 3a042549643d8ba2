"""Stage 1 once, stage 2 per plan: the metric cache and the scoring loop of a simulation.

`MetricCache` loads metric inputs once per period for the union of both plans'
needs (plus revenue and margin, which the report sets pay against) and keeps
them in memory; `score` runs one plan over them, rep by rep, period by period,
carrying each rep's state, and keeps only the small `Outcome` of each result.
Must not write anything, resolve plans or render.
"""

from __future__ import annotations

import os
from decimal import Decimal

import msgspec
from sqlalchemy import Connection

from payplan.core.engine import evaluate
from payplan.core.inputs import CarriedState, RepInputs
from payplan.core.metrics import MetricSpec
from payplan.core.needs import Needs, plan_needs
from payplan.core.periods import Period
from payplan.core.plan import Plan
from payplan.core.simulate import Activity, Outcome, outcome_reader
from payplan.core.tally import tally_reader
from payplan.gcpause import collector_paused
from payplan.pipeline import _with_history as with_history
from payplan.store.metrics import load_inputs

ACTIVITY_SPECS = (MetricSpec("revenue"), MetricSpec("margin"))
PARALLEL_FROM = 20_000  # rep-periods per plan above which scoring uses worker processes


class MetricCache:
    """Metric inputs per period for the union of both plans' needs, loaded once per period."""

    def __init__(self, conn: Connection, plans: list[Plan], rep_ids: list[str]) -> None:
        self.conn, self.rep_ids = conn, rep_ids
        self.needs = union_needs([plan_needs(p) for p in plans])
        self.by_period: dict[Period, dict[str, RepInputs]] = {}

    def load(self, periods: list[Period]) -> None:
        for period in periods:
            if period not in self.by_period:
                self.by_period[period] = load_inputs(
                    self.conn, list(self.needs.specs), period, rep_ids=self.rep_ids,
                    team_scope=self.needs.team_scope, target_keys=set(self.needs.target_keys))

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
    return Needs(tuple(sorted(specs)), frozenset().union(*(n.target_keys for n in all_needs)), scope)


def _for_plan(plan: Plan, inputs: RepInputs) -> RepInputs:
    """Cached inputs as `plan` reads them: direct reports only when it asks for "team" and not "subtree"."""
    if plan_needs(plan).team_scope != "team" or not inputs.team:
        return inputs
    direct = tuple(m for m in inputs.team if m.rep.manager_id == inputs.rep.id)
    return inputs if len(direct) == len(inputs.team) else msgspec.structs.replace(inputs, team=direct)


def score_reps(plan: Plan, by_period: dict[Period, dict[str, RepInputs]], periods: list[Period],
               rep_ids: list[str]) -> list[Outcome]:
    """Each rep through the plan's periods in order, carrying state; outcomes of `periods`.

    A rep-period the plan's tally covers (`payplan.core.tally`) is tallied, not
    evaluated: the same outcome and carried state without building lines and trace;
    `evaluate` takes the rep-periods the tally leaves alone.
    """
    tally = tally_reader(plan)
    wanted, chain = set(periods), with_history(plan, periods)
    scoped = plan_needs(plan).team_scope == "team"
    reduce = outcome_reader(plan)
    out: list[Outcome] = []
    with collector_paused():
        for rep_id in rep_ids:
            state: CarriedState | None = None
            for period in chain:
                inputs = by_period.get(period, {}).get(rep_id)
                if inputs is None:
                    continue
                tallied = tally(inputs, state, period) if tally is not None else None
                if tallied is not None:
                    outcome, state = tallied
                else:
                    result = evaluate(plan, _for_plan(plan, inputs) if scoped else inputs, state, period)
                    state = result.state
                    if period not in wanted:
                        continue
                    outcome = reduce(result)
                if period in wanted:
                    out.append(outcome)
    return out


def score(plan: Plan, cache: MetricCache, periods: list[Period], rep_ids: list[str],
          workers: int = 1) -> list[Outcome]:
    """Score one plan over cached inputs, in `workers` forked processes when worth it."""
    cache.load(with_history(plan, periods))
    if workers <= 1 or len(rep_ids) * len(periods) < PARALLEL_FROM or not hasattr(os, "fork"):
        return score_reps(plan, cache.by_period, periods, rep_ids)
    from payplan.simulation_pool import score_in_processes

    return score_in_processes(plan, cache.by_period, periods, rep_ids, workers)
