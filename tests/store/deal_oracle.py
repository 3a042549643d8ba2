"""The deal metrics and credited deals as stage 1 computed them before `payplan.store.deal_pass`:
two set-based queries (a GROUP BY with a window function for the median; the won and clawed
back deals built row by row). Kept only as an independent oracle for the equivalence tests."""

from __future__ import annotations

from collections import defaultdict
from datetime import timezone
from decimal import Decimal
from operator import attrgetter
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import Connection, and_, case, func, or_, select

from payplan.core.inputs import Deal
from payplan.core.periods import Period
from payplan.store.aggregates import Only, evidence, owned
from payplan.store.deal_pass import DealTotals
from payplan.store.fx import FxAmounts
from payplan.store.schema import deals
from payplan.store.sqlparts import (ONE_DAY, SHARE_UNITS, UTC, credited_deals, day_span, id_list, until, within,
                                    won_by, zone_of)

_FIELDS = msgspec.json.Decoder(dict[str, Decimal])


def deal_totals(conn: Connection, period: Period, scope: str, product: str, only: Only,
                fx=None) -> dict[str, DealTotals]:
    """owner → won / lost / lead totals and the median cycle of the credited deals of the period.

    One query: the credited deals closed or created in the period are flagged once
    (won / lost / lead), ranked by cycle length within (owner, won) for the median,
    and grouped by owner.
    """
    end, zone = period.end, zone_of(period)
    touched = or_(within(deals.c, "closed_at", period), within(deals.c, "created_at", period))
    src = credited_deals(touched, product, fx=fx).subquery("credited")  # fx: converted amounts
    d = src.c
    flag = lambda condition: case((condition, 1), else_=0)  # noqa: E731
    won = flag(and_(within(d, "closed_at", period), won_by(end, d, zone)))
    base, owner = owned(select(
        d.id, d.amount, d.share, d.cost, day_span(d.created_at, d.closed_at).label("days"), won.label("won"),
        flag(and_(d.status == "lost", within(d, "closed_at", period))).label("lost"),
        flag(within(d, "created_at", period)).label("lead"),
        flag(and_(within(d, "created_at", period), won_by(end, d, zone))).label("lead_won"),
    ).select_from(src), d.rep_id, scope, only)
    b = base.subquery("flagged").c
    window = {"partition_by": (b.owner, b.won), "order_by": b.days}
    ranked = select(b, func.row_number().over(**window).label("rn"),
                    func.count().over(**window, rows=(None, None)).label("n")).subquery("ranked")
    r = ranked.c
    is_won, middle = r.won == 1, and_(r.won == 1, r.rn.in_([(r.n + 1) // 2, (r.n + 2) // 2]))
    query = select(
        func.sum(r.won), id_list(r.id).filter(is_won), func.sum(r.amount * r.share).filter(is_won),
        func.sum((r.amount - r.cost) * r.share).filter(is_won), func.sum(r.amount).filter(is_won),
        func.sum(r.days).filter(is_won), func.sum(r.lost), id_list(r.id).filter(r.lost == 1),
        func.sum(r.lead), id_list(r.id).filter(r.lead == 1), func.sum(r.lead_won),
        func.sum(r.days).filter(middle), func.count().filter(middle), r.owner,
    ).group_by(r.owner)
    unique = scope != "self"
    return {owner: DealTotals(int(won), evidence(won_ids, unique), int(revenue or 0), int(margin or 0),
                              int(amount or 0), int(days or 0), int(lost), evidence(lost_ids, unique),
                              int(leads), evidence(lead_ids, unique), int(leads_won), int(median or 0), middle)
            for won, won_ids, revenue, margin, amount, days, lost, lost_ids, leads, lead_ids, leads_won,
            median, middle, owner in conn.execute(query).all()}



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
