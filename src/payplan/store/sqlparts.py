"""Small portable SQL pieces the metric queries are built from (SQLite and PostgreSQL).

`id_list` concatenates fact ids per group (group_concat / string_agg), `day_span`
counts whole days between two dates, `scope_owners` maps a manager to the reps in
their team or subtree (a recursive CTE), `credited_deals` spreads each deal over
its credited reps; `within`, `since` and `until` place a fact's day in a plan's time
zone (`Days`). Must not run queries or build engine values.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, ColumnElement, Select, Table, and_, func, literal, or_, select, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import Integer, Text

from payplan.store.schema import credits, deals, reps

ID_SEPARATOR = "\x1f"  # ASCII unit separator: fact ids never contain control characters
SHARE_UNITS = 10**6  # shares are stored in millionths (schema.Micro)
WON = ("won", "cancelled")
UTC = "UTC"
ONE_DAY = timedelta(days=1)


class id_list(FunctionElement):  # noqa: N801 - reads like the SQL function it renders
    """The ids of a group joined by ID_SEPARATOR (NULLs skipped); split with `split_ids`."""

    type = Text()
    inherit_cache = True
    name = "id_list"


@compiles(Table, "sqlite")
def _table_sqlite(element: Table, compiler, fromhints=None, **kw) -> str:
    """A table with its `with_hint(table, "INDEXED BY …", "sqlite")` text, which SQLAlchemy's
    SQLite compiler drops (it renders no table hints)."""
    sql = compiler.visit_table(element, fromhints=fromhints, **kw)
    hint = fromhints.get(element) if fromhints and kw.get("asfrom") else None
    return f"{sql} {hint}" if hint else sql


@compiles(id_list, "sqlite")
def _id_list_sqlite(element: id_list, compiler, **kw) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, char(31))"


@compiles(id_list)
def _id_list_default(element: id_list, compiler, **kw) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, chr(31))"


class day_span(FunctionElement):  # noqa: N801
    """Whole days from the first date argument to the second."""

    type = Integer()
    inherit_cache = True
    name = "day_span"


@compiles(day_span, "sqlite")
def _day_span_sqlite(element: day_span, compiler, **kw) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


@compiles(day_span)
def _day_span_default(element: day_span, compiler, **kw) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"({end} - {start})"


def split_ids(text: str | None) -> list[str]:
    return text.split(ID_SEPARATOR) if text else []


def units(column: ColumnElement) -> ColumnElement:
    """A scaled-integer column (Money, Micro) as its raw stored integer."""
    return type_coerce(column, BigInteger)


def scope_owners(scope: str):
    """(owner_id, member_id) pairs: direct reports for "team", all reports for "subtree"."""
    direct = select(reps.c.manager_id.label("owner_id"), reps.c.id.label("member_id")).where(
        reps.c.manager_id.is_not(None))
    if scope == "team":
        return direct.subquery("owners")
    if scope != "subtree":
        raise ValueError(f"unknown metric scope {scope!r} (expected self, team or subtree)")
    tree = direct.cte("owners", recursive=True)
    below = select(tree.c.owner_id, reps.c.id).join(reps, reps.c.manager_id == tree.c.member_id)
    return tree.union_all(below)


def won_by(end: date, deal=None, zone: str = UTC) -> ColumnElement[bool]:
    """Won (or later cancelled) with closed_at ≤ end and not cancelled by `end` (days in `zone`)."""
    d = deal if deal is not None else deals.c
    return and_(d.status.in_(WON), until(d, "closed_at", end, zone),
                or_(d.cancelled_at.is_(None), since(d, "cancelled_at", end + ONE_DAY, zone)))


# --- a fact's day in a plan's time zone ------------------------------------------------------
# A timestamp given with an offset is stored twice: its UTC day (`<name>`) and its instant
# (`<name>_utc`, naive UTC); a date or a wall-clock time only as the day, instant NULL.
# In a zone other than UTC a day [D 00:00, D+1 00:00) local is a range of instants.

class Days(NamedTuple):
    """Days a query counts in a plan's time zone: a period, or a window inside one (the
    aggregates read `start`, `end` and, through `zone_of`, `zone`)."""

    start: date
    end: date
    zone: str = UTC


def zone_of(span) -> str:
    """The time zone a period (UTC) or a `Days` span counts its days in."""
    return getattr(span, "zone", UTC)


def midnight(day: date, zone: str) -> datetime:
    """The instant `day` begins in `zone`, as naive UTC."""
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(timezone.utc).replace(tzinfo=None)


def since(table, name: str, day: date, zone: str = UTC) -> ColumnElement[bool]:
    """The fact's `name` falls on `day` or later, in `zone`."""
    column = getattr(table, name)
    if zone == UTC:
        return column >= day
    instant = getattr(table, f"{name}_utc")
    return or_(and_(instant.is_(None), column >= day), instant >= midnight(day, zone))


def until(table, name: str, day: date, zone: str = UTC) -> ColumnElement[bool]:
    """The fact's `name` falls on `day` or earlier, in `zone`."""
    column = getattr(table, name)
    if zone == UTC:
        return column <= day
    instant = getattr(table, f"{name}_utc")
    return or_(and_(instant.is_(None), column <= day), instant < midnight(day + ONE_DAY, zone))


def within(table, name: str, span) -> ColumnElement[bool]:
    """The fact's `name` falls in `span` (a period or `Days`), in the span's zone."""
    zone = zone_of(span)
    column = getattr(table, name)
    if zone == UTC:
        return column.between(span.start, span.end)
    # A stored (UTC) day is at most one day from the day in any zone, so a fact stored on a
    # day strictly inside the span falls in it whatever its instant: only the days at the
    # edges read the instant, and an index on the day serves the rest without the row.
    inside = column.between(span.start + ONE_DAY, span.end - ONE_DAY)
    edges = or_(column.between(span.start - ONE_DAY, span.start), column.between(span.end, span.end + ONE_DAY))
    return or_(inside, and_(edges, since(table, name, span.start, zone), until(table, name, span.end, zone)))


def credited_deals(where: ColumnElement[bool], product: str = "", purpose: str = "quota", fx=None) -> Select:
    """Deals matching `where`, one row per credited rep with its share in millionths.

    `purpose`: "quota" (metrics, attainment) reads the credits counting for quota or both,
    "commission" (the deals commission is paid on) those counting for commission or both.
    A deal without credits goes whole to its owner (the fact checks make sure a deal with
    credits has some for each purpose).
    `fx`: a (deal_id, amount, cost) table of amounts converted into the pay currency
    (`payplan.store.fx`), read instead of the stored ones for the deals it lists.
    """
    counted = and_(credits.c.deal_id == deals.c.id, credits.c.counts_for.in_(("both", purpose)))
    share = func.coalesce(units(credits.c.share), literal(SHARE_UNITS, BigInteger))
    amount, cost = units(deals.c.amount), func.coalesce(units(deals.c.cost), 0)
    source = deals.outerjoin(credits, counted)
    if fx is not None:
        source = source.outerjoin(fx, fx.c.deal_id == deals.c.id)
        amount, cost = func.coalesce(fx.c.amount, amount), func.coalesce(fx.c.cost, cost)
    query = (
        select(deals.c.id, func.coalesce(credits.c.rep_id, deals.c.rep_id).label("rep_id"),
               share.label("share"), amount.label("amount"), cost.label("cost"), deals.c.status,
               deals.c.created_at, deals.c.closed_at, deals.c.cancelled_at, deals.c.created_at_utc,
               deals.c.closed_at_utc, deals.c.cancelled_at_utc)
        .select_from(source)
        .where(where)
    )
    return query.where(deals.c.product == product) if product else query
