"""One rep's breakdown of a run as a page shows it: the statement's view of the stored result.

Who may see it is decided exactly as for the API breakdown (`run_views.get_result`:
a rep only their own, a manager their team, approved and paid runs only; anything
else is NotFound). The figures are the result stored with the run, decoded as the
engine's `RepResult` and laid out by the statement view model
(`payplan.statements.view.build`), so every line sits in its component and the
components add up to the total, as on the PDF. Unlike the PDF (which re-evaluates
the facts and refuses when they changed), this reads only what the run stored.
Must not compute pay or write anything.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import Connection

from payplan.access.users import User
from payplan.core.inputs import CarriedState, Rep
from payplan.core.issues import Issue
from payplan.core.plan import Draw
from payplan.core.result import RepResult
from payplan.core.trace import Node
from payplan.errors import NotFound
from payplan.plans import versions as plan_store
from payplan.runs import lifecycle as runs
from payplan.runs import views as run_views
from payplan.runs.rows import RunRow
from payplan.statements.calculation import PrintedResult
from payplan.statements.from_run import run_info
from payplan.statements.view import StatementView, build, number


class _Notes(msgspec.Struct, frozen=True):
    """The issues of a stored result document (the printed result leaves them out)."""

    issues: tuple[Issue, ...] = ()


_printed = msgspec.json.Decoder(PrintedResult)
_notes = msgspec.json.Decoder(_Notes)


class Breakdown(msgspec.Struct, frozen=True):
    """What the breakdown page shows: the run and the statement view of one result."""

    run: RunRow
    view: StatementView
    statement: str  # the statement's path without the extension (.html / .pdf)


def breakdown(conn: Connection, run_id: int, rep_id: str, viewer: User) -> Breakdown:
    """The breakdown of `rep_id` in run `run_id`; NotFound unless `viewer` may see it."""
    row = run_views.get_result(conn, run_id, rep_id, viewer)
    run = runs.get_run(conn, run_id)
    version = plan_store.get_plan_by_id(conn, run.plan_version_id)
    plan = plan_store.load(conn, version)
    if row.result is None:
        raise NotFound(f"no result for rep {rep_id!r} in run {run_id}")
    result = stored_result(row.result)
    has_draw = any(isinstance(c, Draw) for c in plan.components)
    state_in = CarriedState(draw_balance=_draw_in(result.trace)) if has_draw else CarriedState()
    view = build(plan, Rep(id=row.rep_id, name=row.rep_name), result, run_info(conn, run), state_in, version.hash)
    return Breakdown(run=run, view=view, statement=f"/runs/{run_id}/results/{rep_id}/statement")


def _draw_in(trace: Node) -> Decimal:
    """The draw balance carried in, as the draw's trace states it."""
    for _, node in trace.walk():
        if node.key.endswith(".balance_in") and node.value not in (None, ""):
            return Decimal(str(node.value))
    return Decimal(0)


def stored_result(document: bytes | msgspec.Raw) -> RepResult:
    """A stored result document as the engine's `RepResult` (trace figures back to Decimals)."""
    doc = _printed.decode(document)
    trace = _node(doc.trace if isinstance(doc.trace, dict) else {"key": "total", "label": ""})
    return RepResult(doc.rep_id, doc.period, doc.currency, doc.total, doc.components, doc.lines, trace,
                     _notes.decode(document).issues, doc.state)


def _node(doc: dict[str, Any]) -> Node:
    return Node(key=str(doc.get("key", "")), label=str(doc.get("label", "")), value=_figure(doc.get("value")),
                formula=str(doc.get("formula", "")),
                inputs={str(k): _figure(v) for k, v in (doc.get("inputs") or {}).items()},
                source=str(doc.get("source", "")), evidence=tuple(map(str, doc.get("evidence") or ())),
                children=[_node(c) for c in doc.get("children") or () if isinstance(c, dict)])


def _figure(value: Any) -> Decimal | int | str | None:
    """A trace value as stored (decimals are JSON strings) back to a Decimal; words stay words."""
    return value if value is None or isinstance(value, int) else number(value)
