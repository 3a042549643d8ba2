"""Who imported facts of which days: recorded at each import, asked at each approval.

For every file imported with new rows, one `fact_imports` row names the importer and the
first and last day its dated rows span (deals: created, closed and cancelled days;
activities and NPS answers: their day; scores and targets: their period). Reps and
credits carry no day and are not recorded (docs/security.md says so). `imports_within`
lists a user's imports overlapping a period, so `payplan.runs.lifecycle.approve` can
refuse the importer of a run's facts. Must not check permissions nor parse files.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, insert, select

from payplan.core.periods import PeriodError, parse_period
from payplan.facts.rows import FactSet
from payplan.store.records import now_text
from payplan.store.service_schema import fact_imports


def days_of(facts: FactSet, kind: str) -> tuple[date, date] | None:
    """(first day, last day) of the dated rows of `kind`; None when they carry no day."""
    days: list[date] = []
    for row in getattr(facts, kind, ()):
        for name in ("created_at", "closed_at", "cancelled_at", "occurred_at", "answered_at", "effective_from"):
            value = getattr(row, name, None)
            if isinstance(value, date):
                days.append(value)
        period = getattr(row, "period", None)
        if isinstance(period, str):
            try:
                parsed = parse_period(period)
            except PeriodError:
                continue
            days += [parsed.start, parsed.end]
    return (min(days), max(days)) if days else None


def record(conn: Connection, facts: FactSet, user_id: int, inserted: dict[str, int],
           mapping: tuple[str, int] | None = None) -> None:
    """One `fact_imports` row per file of `facts` that added rows and carries days; `mapping`: the
    (id, version) of the mapping a CRM export came through."""
    mapping_id, mapping_version = mapping or (None, None)
    for kind, source in facts.sources.items():
        span = days_of(facts, kind) if inserted.get(kind, 0) else None
        if span is not None:
            conn.execute(insert(fact_imports).values(user_id=user_id, kind=kind, source=source[:300],
                                                     first_day=span[0], last_day=span[1],
                                                     imported_at=now_text(), mapping_id=mapping_id,
                                                     mapping_version=mapping_version))


def imports_within(conn: Connection, user_id: int, start: date, end: date) -> list[str]:
    """The files `user_id` imported whose days overlap [start, end] ("deals.csv"), oldest first."""
    query = (select(fact_imports.c.source).where(fact_imports.c.user_id == user_id,
                                                 fact_imports.c.first_day <= end, fact_imports.c.last_day >= start)
             .order_by(fact_imports.c.id))
    return list(dict.fromkeys(conn.execute(query).scalars()))
