"""Small portable SQL pieces the metric queries are built from (SQLite and PostgreSQL).

`id_list` concatenates fact ids per group (group_concat / string_agg), `day_span`
counts whole days between two dates, `scope_owners` maps a manager to the reps in
their team or subtree (a recursive CTE), `credited_deals` spreads each deal over
its credited reps. Must not run queries or build engine values.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, ColumnElement, Select, and_, func, literal, or_, select, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import Integer, Text

from payplan.store.schema import credits, deals, reps

ID_SEPARATOR = "\x1f"  # ASCII unit separator: fact ids never contain control characters
SHARE_UNITS = 10**6  # shares are stored in millionths (schema.Micro)
WON = ("won", "cancelled")


class id_list(FunctionElement):  # noqa: N801 - reads like the SQL function it renders
    """The ids of a group joined by ID_SEPARATOR (NULLs skipped); split with `split_ids`."""

    type = Text()
    inherit_cache = True
    name = "id_list"


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


def won_by(end: date, deal=None) -> ColumnElement[bool]:
    """Won (or later cancelled) with closed_at ≤ end and not cancelled by `end`."""
    d = deal if deal is not None else deals.c
    return and_(d.status.in_(WON), d.closed_at <= end, or_(d.cancelled_at.is_(None), d.cancelled_at > end))


def within(column: ColumnElement, start: date, end: date) -> ColumnElement[bool]:
    return column.between(start, end)


def credited_deals(where: ColumnElement[bool], product: str = "", fx=None) -> Select:
    """Deals matching `where`, one row per credited rep with its share in millionths.

    `fx`: a (deal_id, amount, cost) table of amounts converted into the pay currency
    (`payplan.store.fx`), read instead of the stored ones for the deals it lists.
    """
    share = func.coalesce(units(credits.c.share), literal(SHARE_UNITS, BigInteger))
    amount, cost = units(deals.c.amount), func.coalesce(units(deals.c.cost), 0)
    source = deals.outerjoin(credits, credits.c.deal_id == deals.c.id)
    if fx is not None:
        source = source.outerjoin(fx, fx.c.deal_id == deals.c.id)
        amount, cost = func.coalesce(fx.c.amount, amount), func.coalesce(fx.c.cost, cost)
    query = (
        select(deals.c.id, func.coalesce(credits.c.rep_id, deals.c.rep_id).label("rep_id"),
               share.label("share"), amount.label("amount"), cost.label("cost"), deals.c.status,
               deals.c.created_at, deals.c.closed_at, deals.c.cancelled_at)
        .select_from(source)
        .where(where)
    )
    return query.where(deals.c.product == product) if product else query
