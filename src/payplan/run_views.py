"""Reading a run's results, with ownership enforced in the SQL query itself.

A rep viewer sees only their own rep id, a manager their team (everyone who
reports to them, directly or not, found by a recursive query over
`reps.manager_id`) and themself; finance, HR and admin see everyone. Reps and
managers see only approved or paid runs (a draft is not their pay yet). Whatever
a viewer may not see answers exactly like what does not exist: NotFound. Must not
change anything.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import Connection, null, select, true

from payplan.errors import NotFound
from payplan.store.schema import reps
from payplan.store.service_schema import FINAL_STATES, run_results, runs
from payplan.users import User

SEE_ALL = ("admin", "finance", "hr")


class ResultRow(msgspec.Struct, frozen=True):
    run_id: int
    rep_id: str
    rep_name: str
    total: Decimal
    result: msgspec.Raw | None = None  # the stored result document (JSON), when asked for


def get_result(conn: Connection, run_id: int, rep_id: str, viewer: User) -> ResultRow:
    """One rep's result in a run, with its document; NotFound unless the viewer may see it."""
    query = _results(run_id, viewer, with_document=True).where(run_results.c.rep_id == rep_id)
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no result for rep {rep_id!r} in run {run_id}")
    return _row(row)


def list_results(conn: Connection, run_id: int, viewer: User, *, with_documents: bool = False,
                 limit: int | None = None, after_rep: str | None = None) -> list[ResultRow]:
    """The results of a run the viewer may see, by rep id; `after_rep` pages."""
    query = _results(run_id, viewer, with_document=with_documents).order_by(run_results.c.rep_id)
    if after_rep is not None:
        query = query.where(run_results.c.rep_id > after_rep)
    if limit is not None:
        query = query.limit(limit)
    return [_row(row) for row in conn.execute(query)]


def visible_reps(viewer: User) -> Any:
    """A SQL condition on `run_results.rep_id`: the reps `viewer` may see."""
    if viewer.role in SEE_ALL:
        return true()
    if viewer.rep_id is None or viewer.role not in ("rep", "manager"):
        return run_results.c.rep_id.in_([])
    if viewer.role == "rep":
        return run_results.c.rep_id == viewer.rep_id
    team = select(reps.c.id).where(reps.c.id == viewer.rep_id).cte("team", recursive=True)
    team = team.union(select(reps.c.id).where(reps.c.manager_id == team.c.id))
    return run_results.c.rep_id.in_(select(team.c.id))


def _results(run_id: int, viewer: User, *, with_document: bool) -> Any:
    columns = [run_results.c.run_id, run_results.c.rep_id, reps.c.name, run_results.c.total]
    query = (select(*columns, run_results.c.result if with_document else null())
             .select_from(run_results.join(runs, runs.c.id == run_results.c.run_id)
                          .join(reps, reps.c.id == run_results.c.rep_id))
             .where(run_results.c.run_id == run_id, visible_reps(viewer)))
    if viewer.role not in SEE_ALL:
        query = query.where(runs.c.state.in_(FINAL_STATES))
    return query


def _row(row: Any) -> ResultRow:
    run_id, rep_id, name, total, document = row
    return ResultRow(run_id, rep_id, name, total, msgspec.Raw(document.encode()) if document else None)
