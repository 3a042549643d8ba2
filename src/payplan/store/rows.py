"""Fact rows the engine gets as they are: reps, credited deals, target overrides.

`load_reps` reads the reps; `period_deals` reads, in one query, the deals credited
to reps that were won in a period or cancelled in it after an earlier close (for
clawbacks); `load_targets` resolves the team → rep target cascade; `load_parameters`
picks each rep's parameters.csv values in effect at the period's start. Must not
aggregate (that is `payplan.store.aggregates`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timezone
from decimal import Decimal
from operator import attrgetter
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import Connection, and_, or_, select

from payplan.core.inputs import Deal, Rep, Target
from payplan.core.periods import Period
from payplan.store.aggregates import Only
from payplan.store.fx import FxAmounts
from payplan.store.schema import deals, parameters, reps, targets
from payplan.store.sqlparts import ONE_DAY, SHARE_UNITS, UTC, credited_deals, until, within, won_by, zone_of

_FIELDS = msgspec.json.Decoder(dict[str, Decimal])  # exact: decimal strings, never floats


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
    the period as of its end. Each rep's deals are sorted by (closed_at, id).
    Money arrives as stored cents and becomes Decimal here, once per value; with `fx`,
    converted into the pay currency, each deal carrying what it was (`Deal.fx`).
    """
    start, end, zone = period.start, period.end, zone_of(period)
    d = deals.c
    won = and_(within(d, "closed_at", period), won_by(end, d, zone))
    clawed = and_(d.status == "cancelled", within(d, "cancelled_at", period), until(d, "closed_at", start - ONE_DAY, zone))
    src = credited_deals(or_(won, clawed), purpose="commission", fx=fx.table if fx is not None else None)
    notes = fx.notes if fx is not None else {}
    rep_id = src.selected_columns.rep_id
    query = src.with_only_columns(
        d.id, rep_id, src.selected_columns.share, src.selected_columns.amount, src.selected_columns.cost, d.closed_at,
        d.created_at, d.cancelled_at, d.product, d.currency, d.fields, maintain_column_froms=True)
    if zone != UTC:
        query = query.add_columns(d.closed_at_utc, d.created_at_utc, d.cancelled_at_utc)
    if only is not None:
        query = query.where(rep_id.in_(list(only)))
    result: dict[str, list[Deal]] = defaultdict(list)
    zero, one, decode = Decimal(0), Decimal(1), _FIELDS.decode
    for id, rep, share, amount, cost, closed, created, cancelled, product, currency, fields in (
            local_days(conn.execute(query).all(), zone)):
        clawback = closed < start
        result[rep].append(Deal(
            id, "cancelled" if clawback else "won", Decimal(amount).scaleb(-2),
            zero if cost is None else Decimal(cost).scaleb(-2), closed, created,
            cancelled if clawback else None, product, fx.currency if id in notes else currency,
            one if share == SHARE_UNITS else Decimal(share).scaleb(-6), rep,
            decode(fields) if fields and fields != "{}" else {}, notes.get(id)))
    by_date = attrgetter("closed_at", "id")
    return {rep: tuple(sorted(rep_deals, key=by_date)) if len(rep_deals) > 1 else tuple(rep_deals)
            for rep, rep_deals in result.items()}


def local_days(rows: list, zone: str) -> list:
    """Deal rows with closed_at, created_at and cancelled_at (columns 5-7) as days in `zone`,
    from the instants appended to each row when the zone is not UTC (`period_deals`)."""
    if zone == UTC:
        return rows
    tz = ZoneInfo(zone)

    def day(stored, instant):
        return stored if instant is None else instant.replace(tzinfo=timezone.utc).astimezone(tz).date()

    return [(*row[:5], day(row[5], row[11]), day(row[6], row[12]), day(row[7], row[13]), *row[8:11])
            for row in rows]


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
