"""Fact rows the engine gets as they are: reps, credited deals, target overrides.

`load_reps` reads the reps; `period_deals` reads, in one query, the deals credited
to reps that were won in a period or cancelled in it after an earlier close (for
clawbacks); `load_targets` resolves the team → rep target cascade. Must not
aggregate (that is `payplan.store.aggregates`).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import msgspec
from sqlalchemy import Connection, and_, or_, select

from payplan.core.inputs import Deal, Rep, Target
from payplan.core.money import D
from payplan.core.periods import Period
from payplan.store.aggregates import Only
from payplan.store.schema import deals, reps, targets
from payplan.store.sqlparts import SHARE_UNITS, credited_deals, won_by

_FIELDS = msgspec.json.Decoder(dict[str, Decimal])  # exact: decimal strings, never floats


def load_reps(conn: Connection) -> list[Rep]:
    """Every rep, ordered by id."""
    r = reps.c
    query = select(r.id, r.name, r.email, r.role, r.team, r.manager_id, r.hired_on, r.terminated_on,
                   r.currency, r.salary).order_by(r.id)
    return [Rep(id, name, email or "", role, team, manager, hired, terminated, currency, salary)
            for id, name, email, role, team, manager, hired, terminated, currency, salary in conn.execute(query)]


def employed_in(rep: Rep, period: Period) -> bool:
    """Whether the rep's employment (hired_on..terminated_on) overlaps the period."""
    return ((rep.hired_on is None or rep.hired_on <= period.end)
            and (rep.terminated_on is None or rep.terminated_on >= period.start))


def period_deals(conn: Connection, period: Period, only: Only) -> dict[str, list[Deal]]:
    """rep id → credited deals won in the period ("won") or clawed back in it ("cancelled").

    A deal won in the period shows no cancellation even if one came later: this is
    the period as of its end. Each rep's deals are sorted by (closed_at, id).
    """
    start, end = period.start, period.end
    won = and_(deals.c.closed_at.between(start, end), won_by(end))
    clawed = and_(deals.c.status == "cancelled", deals.c.cancelled_at.between(start, end),
                  deals.c.closed_at < start)
    query = credited_deals(or_(won, clawed)).add_columns(
        deals.c.amount.label("money"), deals.c.cost.label("money_cost"), deals.c.currency,
        deals.c.product, deals.c.fields)
    if only is not None:
        query = query.where(query.selected_columns.rep_id.in_(list(only)))
    result: dict[str, list[Deal]] = defaultdict(list)
    for row in conn.execute(query):
        result[row.rep_id].append(_deal(row, clawback=row.closed_at < start))
    for rep_deals in result.values():
        rep_deals.sort(key=lambda deal: (deal.closed_at, deal.id))
    return result


def _deal(row, *, clawback: bool) -> Deal:
    fields = _FIELDS.decode(row.fields) if row.fields != "{}" else {}
    return Deal(
        id=row.id, status="cancelled" if clawback else "won", amount=row.money,
        cost=row.money_cost if row.money_cost is not None else Decimal(0),
        closed_at=row.closed_at, created_at=row.created_at,
        cancelled_at=row.cancelled_at if clawback else None, product=row.product,
        currency=row.currency, share=D(row.share).scaleb(-6) if row.share != SHARE_UNITS else Decimal(1),
        rep_id=row.rep_id, fields=fields)


def load_targets(conn: Connection, period: Period, chosen: list[Rep],
                 keys: set[str] | None) -> dict[str, dict[str, Target]]:
    """rep id → target key → Target: team rows for the rep's team, overridden by rep rows."""
    t = targets.c
    query = select(t.scope, t.scope_id, t.metric, t.target).where(t.period == period.key)
    if keys is not None:
        query = query.where(t.metric.in_(sorted(keys)))
    by_scope: dict[tuple[str, str], dict[str, Target]] = defaultdict(dict)
    for scope, scope_id, metric, value in conn.execute(query):
        source = f"targets.csv: {scope} {scope_id}, {period.key}, {metric}"
        by_scope[(scope, scope_id)][metric] = Target(value, source)
    return {rep.id: {**by_scope.get(("team", rep.team), {}), **by_scope.get(("rep", rep.id), {})}
            for rep in chosen}
