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
from functools import cache
from typing import Any

import msgspec
from sqlalchemy import Connection, bindparam, null, select, true

from payplan.access.users import User
from payplan.errors import NotFound
from payplan.i18n import N_
from payplan.store.schema import reps
from payplan.store.service_schema import FINAL_STATES, run_results, runs

SEE_ALL = ("admin", "finance", "hr")


class ResultRow(msgspec.Struct, frozen=True):
    run_id: int
    rep_id: str
    rep_name: str
    total: Decimal
    result: msgspec.Raw | None = None  # the stored result document (JSON), when asked for


def get_result(conn: Connection, run_id: int, rep_id: str, viewer: User) -> ResultRow:
    """One rep's result in a run, with its document; NotFound unless the viewer may see it."""
    row = conn.execute(_one_result(_scope(viewer)), _params(run_id, viewer, rep_id=rep_id)).first()
    if row is None:
        raise NotFound(N_("no result for rep %(rep)r in run %(run)s"), rep=rep_id, run=run_id)
    return _row(row)


def list_results(conn: Connection, run_id: int, viewer: User, *, with_documents: bool = False,
                 limit: int | None = None, after_rep: str | None = None) -> list[ResultRow]:
    """The results of a run the viewer may see, by rep id; `after_rep` pages."""
    query = _results(_scope(viewer), with_documents).order_by(run_results.c.rep_id)
    if after_rep is not None:
        query = query.where(run_results.c.rep_id > after_rep)
    if limit is not None:
        query = query.limit(limit)
    return [_row(row) for row in conn.execute(query, _params(run_id, viewer))]


def _scope(viewer: User) -> str:
    """Which results `viewer` may see: "all", "none", their own ("rep") or their team's ("team")."""
    if viewer.role in SEE_ALL:
        return "all"
    if viewer.rep_id is None or viewer.role not in ("rep", "manager"):
        return "none"
    return "rep" if viewer.role == "rep" else "team"


def _params(run_id: int, viewer: User, **more: object) -> dict[str, object]:
    return {"run_id": run_id, "viewer_rep": viewer.rep_id, **more}


def _visible(scope: str) -> Any:
    """A SQL condition on `run_results.rep_id`: the reps a viewer of `scope` may see (`:viewer_rep`)."""
    if scope == "all":
        return true()
    if scope == "none":
        return run_results.c.rep_id.in_([])
    if scope == "rep":
        return run_results.c.rep_id == bindparam("viewer_rep")
    team = select(reps.c.id).where(reps.c.id == bindparam("viewer_rep")).cte("team", recursive=True)
    team = team.union(select(reps.c.id).where(reps.c.manager_id == team.c.id))
    return run_results.c.rep_id.in_(select(team.c.id))


# The statements are built once per scope (with bound parameters) and reused: building a
# SELECT costs more than running it on the breakdown's request path.
@cache
def _results(scope: str, with_document: bool) -> Any:
    """The results of run `:run_id` a viewer of `scope` may see (reps and managers: final runs only)."""
    columns = [run_results.c.run_id, run_results.c.rep_id, reps.c.name, run_results.c.total]
    query = (select(*columns, run_results.c.result if with_document else null())
             .select_from(run_results.join(runs, runs.c.id == run_results.c.run_id)
                          .join(reps, reps.c.id == run_results.c.rep_id))
             .where(run_results.c.run_id == bindparam("run_id"), _visible(scope)))
    if scope != "all":
        query = query.where(runs.c.state.in_(FINAL_STATES))
    return query


@cache
def _one_result(scope: str) -> Any:
    return _results(scope, True).where(run_results.c.rep_id == bindparam("rep_id"))


def _row(row: Any) -> ResultRow:
    run_id, rep_id, name, total, document = row
    return ResultRow(run_id, rep_id, name, total, msgspec.Raw(document) if document else None)
