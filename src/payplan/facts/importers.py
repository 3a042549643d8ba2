"""Who imported facts of which days: recorded at each import, asked at each approval.

For every file imported with new rows, one `fact_imports` row names the importer and the
first and last day its rows can change pay on (deals: created, closed and cancelled days;
activities and NPS answers: their day; scores and targets: their period; parameters and
exchange rates: from their day on, as they stay in effect until replaced; reps: their
employment, open at either end when not given; credits: the days of the deals they
split). `imports_within`
lists a user's imports overlapping a period, so `payplan.runs.lifecycle.approve` can
refuse the importer of a run's facts. Must not check permissions nor parse files.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, func, insert, select

from payplan.core.periods import PeriodError, parse_period
from payplan.facts.changes import FactChange
from payplan.facts.rows import FactSet
from payplan.store.records import now_text
from payplan.store.schema import deals
from payplan.store.service_schema import fact_imports

# The ends of a span open on one side: a row in effect until replaced, a rep with no hire day.
EARLIEST, OPEN_END = date(1, 1, 1), date(9999, 12, 31)
DATED = ("created_at", "closed_at", "cancelled_at", "occurred_at", "answered_at")
IN_EFFECT_FROM = {"parameters": "effective_from", "fx_rates": "day"}


def days_of(facts: FactSet, kind: str) -> tuple[date, date] | None:
    """(first day, last day) the rows of `kind` can change pay on; None when they carry no day
    (credits: `credited_days`)."""
    days: list[date] = []
    for row in getattr(facts, kind, ()):
        for name in DATED:
            value = getattr(row, name, None)
            if isinstance(value, date):
                days.append(value)
        if kind in IN_EFFECT_FROM:
            days += [getattr(row, IN_EFFECT_FROM[kind]), OPEN_END]
        elif kind == "reps":
            days += [row.hired_on or EARLIEST, row.terminated_on or OPEN_END]
        period = getattr(row, "period", None)
        if isinstance(period, str):
            try:
                parsed = parse_period(period)
            except PeriodError:
                continue
            days += [parsed.start, parsed.end]
    return (min(days), max(days)) if days else None


def record(conn: Connection, facts: FactSet, user_id: int, inserted: dict[str, int],
           mapping: tuple[str, int] | None = None, changes: list[FactChange] = ()) -> None:
    """One `fact_imports` row per file of `facts` that added or changed rows and carries days;
    `mapping`: the (id, version) of the mapping a CRM export came through. A changed row also
    counts on the days it counted on before (a deal's old close day)."""
    mapping_id, mapping_version = mapping or (None, None)
    for kind, source in facts.sources.items():
        if not inserted.get(kind, 0):
            continue
        span = credited_days(conn, facts) if kind == "credits" else days_of(facts, kind)
        earlier = [c.earlier_day for c in changes if c.kind == kind and c.earlier_day is not None]
        if earlier:
            span = (min(earlier + list(span or earlier)), max(earlier + list(span or earlier)))
        if span is not None:
            conn.execute(insert(fact_imports).values(user_id=user_id, kind=kind, source=source[:300],
                                                     first_day=span[0], last_day=span[1],
                                                     imported_at=now_text(), mapping_id=mapping_id,
                                                     mapping_version=mapping_version))


def credited_days(conn: Connection, facts: FactSet) -> tuple[date, date] | None:
    """(first day, last day) of the stored deals that `facts`' credits split (imported by then)."""
    ids = sorted({credit.deal_id for credit in facts.credits})
    spans = []
    for at in range(0, len(ids), 500):  # a few hundred bound ids a statement
        d = deals.c
        spans.append(conn.execute(select(func.min(d.created_at), func.max(d.closed_at), func.max(d.cancelled_at))
                                  .where(d.id.in_(ids[at:at + 500]))).one())
    days = [day for span in spans for day in span if day is not None]
    return (min(days), max(days)) if days else None


def imports_within(conn: Connection, user_id: int, start: date, end: date) -> list[str]:
    """The files `user_id` imported whose days overlap [start, end] ("deals.csv"), oldest first."""
    query = (select(fact_imports.c.source).where(fact_imports.c.user_id == user_id,
                                                 fact_imports.c.first_day <= end, fact_imports.c.last_day >= start)
             .order_by(fact_imports.c.id))
    return list(dict.fromkeys(conn.execute(query).scalars()))
