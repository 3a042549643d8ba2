"""The metric SQL: one set-based GROUP BY per fact family, for every rep (or owner) at once.

Each function runs one query over a period and returns plain per-owner totals in
stored units (cents, millionths, days), plus the ids behind them where they are
asked for (deal ids always; activity ids only on request). The owner is the rep
itself (scope "self") or the manager of a team or subtree. One pass per fact
table: every activity kind comes from one GROUP BY (conditional counts); the deal
totals come from one read of the period's deals (`payplan.store.deal_pass`), the ids
of one owner's deals from here. Must not build engine values (`payplan.store.metrics`
does) nor query per rep.
"""

from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy import Connection, and_, func, or_, select

from payplan.core.periods import Period
from payplan.store import statistics
from payplan.store.schema import activities, deals, nps, scores
from payplan.store.sqlparts import (ID_SEPARATOR, UTC, credited_deals, id_list, scope_owners, units, within,
                                    won_by, zone_of)

Only = Sequence[str] | None  # restrict to these owners (None: everyone)
ALL_KINDS = ""  # the activity "kind" that counts every activity


def owned(query, rep_column, scope: str, only: Only):
    """`query` with an "owner" column added: the rep itself, or each manager above it.

    For "team" / "subtree" the rows are joined to the owners, so a fact appears once
    per manager whose scope holds its rep. `only` keeps the listed owners.
    """
    if scope == "self":
        owner = rep_column
    else:
        owners = scope_owners(scope)
        owner = owners.c.owner_id
        query = query.join(owners, owners.c.member_id == rep_column)
    query = query.add_columns(owner.label("owner"))
    return (query.where(owner.in_(list(only))) if only is not None else query), owner


def _grouped(query, rep_column, scope: str, only: Only):
    query, owner = owned(query, rep_column, scope, only)
    return query.group_by(owner)


def evidence(text: str | None, unique: bool = False) -> tuple[str, ...]:
    """A group's concatenated ids as a sorted tuple (without duplicates when `unique`)."""
    if not text:
        return ()
    if ID_SEPARATOR not in text:
        return (text,)
    ids = text.split(ID_SEPARATOR)
    return tuple(sorted(set(ids) if unique else ids))


def activity_counts(conn: Connection, period: Period, scope: str, only: Only, kinds: Sequence[str],
                    with_ids: bool = False) -> dict[str, tuple[tuple[int, ...], tuple[tuple[str, ...], ...]]]:
    """owner → (count per kind, ids per kind) for activities in the period, in `kinds` order.

    The kind ALL_KINDS ("") counts every activity. One GROUP BY owner with conditional
    counts; the ids are () unless `with_ids`. Owners with none of the kinds asked for
    may be left out (their counts are zero).
    """
    a = activities.c
    counts = [func.count() if not k else func.count().filter(a.kind == k) for k in kinds]
    ids = [id_list(a.id) if not k else id_list(a.id).filter(a.kind == k) for k in kinds] if with_ids else []
    query = select(*counts, *ids).select_from(activities).where(within(a, "occurred_at", period))
    if scope == "self" and only is None and zone_of(period) == UTC and skip_scan_ready(conn):
        # Walk the (rep, kind, day) index, seeking each pair's days (a skip-scan, which
        # needs the index's statistics): its rows come grouped by rep. SQLite's own choice,
        # the day index, sorts the whole period in a temporary B-tree first (twice the time).
        # In a time zone the edge days read each row's instant, which no index holds.
        query = query.with_hint(activities, "INDEXED BY ix_activities_rep_kind", "sqlite")
    if ALL_KINDS not in kinds:
        # Only the kinds counted: an owner without any has no row, which reads as the
        # same zero count (`empty_value`), and the (rep, kind, date) index then serves
        # the GROUP BY rep without sorting the period's other activities.
        query = query.where(a.kind.in_(list(kinds)))
    n, unique = len(kinds), scope != "self"
    empty = ((),) * n
    result = {}
    for row in conn.execute(_grouped(query, a.rep_id, scope, only)).all():
        found = tuple(evidence(text, unique) for text in row[n:2 * n]) if with_ids else empty
        result[row[-1]] = (row[:n], found)
    return result


def skip_scan_ready(conn: Connection) -> bool:
    """SQLite holds ANALYZE statistics for the (rep, kind, day) index (`payplan.store.statistics`)."""
    return conn.dialect.name == "sqlite" and statistics.analyzed(conn, "ix_activities_rep_kind")


def nps_totals(conn: Connection, period: Period, scope: str, only: Only) -> dict[str, tuple[int, int, int, tuple[str, ...]]]:
    """owner → (answers, promoters, detractors, response ids) of answers in the period."""
    n = nps.c
    query = select(func.count(), func.count().filter(n.score >= 9), func.count().filter(n.score <= 6),
                   id_list(n.id)).select_from(nps)
    query = _grouped(query.where(within(n, "answered_at", period)), n.rep_id, scope, only)
    unique = scope != "self"
    return {owner: (n, promoters, detractors, evidence(ids, unique))
            for n, promoters, detractors, ids, owner in conn.execute(query).all()}


def score_rows(conn: Connection, period_keys: list[str], kinds: list[str], scope: str, only: Only) -> list[Any]:
    """(rep_id, kind, period, value in millionths, owner) of the score rows with one of `period_keys`."""
    s = scores.c
    query = select(s.rep_id, s.kind, s.period, units(s.value)).select_from(scores)
    query, _ = owned(query.where(s.period.in_(period_keys), s.kind.in_(kinds)), s.rep_id, scope, only)
    return conn.execute(query).all()



# --- the facts behind one owner's metric (explanations, statements) -----------------------


def activity_ids(conn: Connection, period: Period, scope: str, owner: str, kind: str) -> list[str]:
    """Sorted ids of the owner's activities in the period (of `kind`, or all for "")."""
    a = activities.c
    query = select(a.id).where(within(a, "occurred_at", period))
    return _ids(conn, query.where(a.kind == kind) if kind else query, a.rep_id, scope, owner)


def nps_ids(conn: Connection, period: Period, scope: str, owner: str) -> list[str]:
    """Sorted ids of the NPS answers the owner got in the period."""
    n = nps.c
    return _ids(conn, select(n.id).where(within(n, "answered_at", period)), n.rep_id, scope, owner)


def deal_ids(conn: Connection, period: Period, scope: str, product: str, owner: str,
             which: Sequence[str]) -> list[str]:
    """Sorted ids of the owner's credited deals that are `which` ("won", "lost", "lead") in the period."""
    d = deals.c
    conditions = {"won": and_(within(d, "closed_at", period), won_by(period.end, d, zone_of(period))),
                  "lost": and_(d.status == "lost", within(d, "closed_at", period)),
                  "lead": within(d, "created_at", period)}
    src = credited_deals(or_(*(conditions[w] for w in which)), product).subquery("credited")
    return _ids(conn, select(src.c.id), src.c.rep_id, scope, owner)


def _ids(conn: Connection, query, rep_column, scope: str, owner: str) -> list[str]:
    query, _ = owned(query, rep_column, scope, [owner])
    return sorted({row[0] for row in conn.execute(query)})
