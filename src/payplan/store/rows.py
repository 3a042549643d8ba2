"""Fact rows the engine gets as they are: reps, credited deals, target overrides.

`load_reps` reads the reps; `period_deals` the deals credited to reps that were won
in a period or cancelled in it after an earlier close (for clawbacks, through
`payplan.store.deal_pass`); `load_targets` resolves the team → rep target cascade; `load_parameters`
picks each rep's parameters.csv values in effect at the period's start. Must not
aggregate (that is `payplan.store.aggregates`).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, select

from payplan.core.inputs import Deal, Rep, Target
from payplan.core.periods import Period
from payplan.store.aggregates import Only
from payplan.store.deal_pass import read_deals
from payplan.store.fx import FxAmounts
from payplan.store.schema import parameters, reps, targets


def load_reps(conn: Connection) -> list[Rep]:
    """Every rep, ordered by id."""
    r = reps.c
    query = select(r.id, r.name, r.email, r.role, r.team, r.manager_id, r.hired_on, r.terminated_on,
                   r.currency, r.salary).order_by(r.id)
    return [Rep(id, name, email or "", role, team, manager, hired, terminated, currency, salary)
            for id, name, email, role, team, manager, hired, terminated, currency, salary in conn.execute(query).all()]


def employed_in(rep: Rep, period: Period) -> bool:
    """Whether the rep's employment (hired_on..terminated_on) overlaps the period."""
    return ((rep.hired_on is None or rep.hired_on <= period.end)
            and (rep.terminated_on is None or rep.terminated_on >= period.start))


def period_deals(conn: Connection, period: Period, only: Only, fx: FxAmounts | None = None) -> dict[str, tuple[Deal, ...]]:
    """rep id → credited deals won in the period ("won") or clawed back in it ("cancelled").

    A deal won in the period shows no cancellation even if one came later: this is
    the period as of its end. Each rep's deals are sorted by (closed_at, id); with `fx`,
    converted into the pay currency, each deal carrying what it was (`Deal.fx`).
    `load_inputs` reads them with the period's metrics (`payplan.store.deal_pass`).
    """
    return read_deals(conn, period, deal_reps=only, fx=fx).deals


def load_targets(conn: Connection, period: Period, chosen: list[Rep],
                 keys: set[str] | None) -> dict[str, dict[str, Target]]:
    """rep id → target key → Target: team rows for the rep's team, overridden by rep rows."""
    t = targets.c
    query = select(t.scope, t.scope_id, t.metric, t.target).where(t.period == period.key)
    if keys is not None:
        query = query.where(t.metric.in_(sorted(keys)))
    by_scope: dict[tuple[str, str], dict[str, Target]] = defaultdict(dict)
    for scope, scope_id, metric, value in conn.execute(query):
        source = f"targets.csv: {scope_id}, {period.key}, {metric}"  # ids only: a source reads the same in every language
        by_scope[(scope, scope_id)][metric] = Target(value, source)
    return {rep.id: {**by_scope.get(("team", rep.team), {}), **by_scope.get(("rep", rep.id), {})}
            for rep in chosen}


def load_parameters(conn: Connection, period: Period, chosen: list[Rep]) -> dict[str, dict[str, Target]]:
    """rep id → parameter key → its value in effect: the latest effective_from ≤ the period's start."""
    p = parameters.c
    query = select(p.rep_id, p.key, p.effective_from, p.value).where(p.effective_from <= period.start) \
        .order_by(p.rep_id, p.key, p.effective_from)
    wanted = {rep.id for rep in chosen}
    found: dict[str, dict[str, Target]] = defaultdict(dict)
    for rep_id, key, since, value in conn.execute(query):
        if rep_id in wanted:  # later rows of a key replace earlier ones (ordered by effective_from)
            found[rep_id][key] = Target(value, f"parameters.csv: {rep_id}, {key}, from {since.isoformat()}")
    return found
