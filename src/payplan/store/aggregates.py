"""The metric SQL: one set-based GROUP BY per fact family, for every rep (or owner) at once.

Each function runs one query over a period and returns plain per-owner totals in
stored units (cents, millionths, days) plus the sorted ids behind them. The
owner is the rep itself (scope "self") or the manager of a team or subtree.
Must not build engine values (`payplan.store.metrics` does) nor query per rep.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Sequence

import msgspec
from sqlalchemy import Connection, and_, case, func, null, or_, select

from payplan.core.periods import Period
from payplan.store.schema import activities, deals, nps, scores
from payplan.store.sqlparts import credited_deals, day_span, id_list, scope_owners, split_ids, won_by

Only = Sequence[str] | None  # restrict to these owners (None: everyone)


class DealTotals(msgspec.Struct):
    """Deal aggregates of one owner; money in cents × millionths of share ("share units")."""

    won: int = 0
    won_ids: tuple[str, ...] = ()
    revenue: int = 0  # Σ amount × share, in 10**-8
    margin: int = 0  # Σ (amount − cost) × share, in 10**-8
    amount: int = 0  # Σ whole deal amounts, in cents
    cycle_days: int = 0
    lost: int = 0
    lost_ids: tuple[str, ...] = ()
    leads: int = 0
    lead_ids: tuple[str, ...] = ()
    leads_won: int = 0


def _grouped(query, rep_column, scope: str, only: Only):
    """`query` with its rows grouped by owner: the owner column is prepended as "owner"."""
    if scope == "self":
        owner = rep_column
    else:
        owners = scope_owners(scope)
        owner = owners.c.owner_id
        query = query.join(owners, owners.c.member_id == rep_column)
    query = query.add_columns(owner.label("owner")).group_by(owner)
    return query.where(owner.in_(list(only))) if only is not None else query


def _when(condition, value):
    return case((condition, value))


def evidence(text: str | None) -> tuple[str, ...]:
    """A group's concatenated ids as a sorted tuple without duplicates."""
    return tuple(sorted(set(split_ids(text))))


def activity_counts(conn: Connection, period: Period, scope: str, only: Only,
                    with_ids: bool = True) -> dict[str, dict[str, tuple[int, tuple[str, ...]]]]:
    """owner → activity kind → (count, ids) for activities in the period (ids () unless `with_ids`)."""
    a = activities.c
    ids = id_list(a.id) if with_ids else null()
    query = select(a.kind, func.count(), ids).select_from(activities)
    query = _grouped(query.where(a.occurred_at.between(period.start, period.end)), a.rep_id, scope, only)
    result: dict[str, dict[str, tuple[int, tuple[str, ...]]]] = defaultdict(dict)
    for kind, count, ids, owner in conn.execute(query.group_by(a.kind)):
        result[owner][kind] = (count, evidence(ids))
    return result


def deal_totals(conn: Connection, period: Period, scope: str, product: str, only: Only) -> dict[str, DealTotals]:
    """owner → won / lost / lead totals of the credited deals closed or created in the period."""
    start, end = period.start, period.end
    touched = or_(deals.c.closed_at.between(start, end), deals.c.created_at.between(start, end))
    src = credited_deals(touched, product).subquery("credited")
    d = src.c
    won = and_(d.closed_at.between(start, end), won_by(end, d))
    lost = and_(d.status == "lost", d.closed_at.between(start, end))
    lead = d.created_at.between(start, end)
    query = select(
        func.count(_when(won, 1)), id_list(_when(won, d.id)),
        func.coalesce(func.sum(_when(won, d.amount * d.share)), 0),
        func.coalesce(func.sum(_when(won, (d.amount - d.cost) * d.share)), 0),
        func.coalesce(func.sum(_when(won, d.amount)), 0),
        func.coalesce(func.sum(_when(won, day_span(d.created_at, d.closed_at))), 0),
        func.count(_when(lost, 1)), id_list(_when(lost, d.id)),
        func.count(_when(lead, 1)), id_list(_when(lead, d.id)),
        func.count(_when(and_(lead, won_by(end, d)), 1)),
    ).select_from(src)
    return {owner: DealTotals(won, evidence(won_ids), revenue, margin, amount, days, lost, evidence(lost_ids),
                              leads, evidence(lead_ids), leads_won)
            for won, won_ids, revenue, margin, amount, days, lost, lost_ids, leads, lead_ids, leads_won, owner
            in conn.execute(_grouped(query, d.rep_id, scope, only))}


def cycle_medians(conn: Connection, period: Period, scope: str, product: str, only: Only) -> dict[str, tuple[int, int]]:
    """owner → (sum, count) of the middle one or two cycle lengths of the won deals."""
    start, end = period.start, period.end
    src = credited_deals(and_(deals.c.closed_at.between(start, end), won_by(end)), product).subquery("credited")
    days = day_span(src.c.created_at, src.c.closed_at)
    per_owner = _grouped(select(days.label("days")).select_from(src), src.c.rep_id, scope, only)
    owner = per_owner.selected_columns.owner
    ranked = (per_owner.group_by(None).add_columns(
        func.row_number().over(partition_by=owner, order_by=days).label("rn"),
        func.count().over(partition_by=owner).label("n"))).subquery("ranked")
    r = ranked.c
    middle = or_(r.rn == (r.n + 1) // 2, r.rn == (r.n + 2) // 2)
    query = select(r.owner, func.sum(r.days), func.count()).where(middle).group_by(r.owner)
    return {owner: (total, count) for owner, total, count in conn.execute(query)}


def nps_totals(conn: Connection, period: Period, scope: str, only: Only) -> dict[str, tuple[int, int, int, tuple[str, ...]]]:
    """owner → (answers, promoters, detractors, response ids) of answers in the period."""
    n = nps.c
    query = select(func.count(), func.count(_when(n.score >= 9, 1)), func.count(_when(n.score <= 6, 1)),
                   id_list(n.id)).select_from(nps)
    query = _grouped(query.where(n.answered_at.between(period.start, period.end)), n.rep_id, scope, only)
    return {owner: (n, promoters, detractors, evidence(ids))
            for n, promoters, detractors, ids, owner in conn.execute(query)}


def score_rows(conn: Connection, period_keys: list[str], kinds: list[str], scope: str, only: Only) -> list[Any]:
    """(owner, rep_id, kind, period, value) of the score rows with one of `period_keys`."""
    s = scores.c
    query = select(s.rep_id, s.kind, s.period, s.value).select_from(scores)
    query = _grouped(query.where(s.period.in_(period_keys), s.kind.in_(kinds)), s.rep_id, scope, only)
    query = query.group_by(None)  # plain rows: owner is only a join key here
    return list(conn.execute(query))
