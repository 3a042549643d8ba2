"""Results of a run: the list a viewer may see, and one rep's breakdown.

Ownership is enforced in the domain's SQL (`payplan.runs.views`): a rep sees only
their own result, a manager their team, and anything else answers 404 exactly
like a result that does not exist. The breakdown (totals, components, lines,
trace) is the stored result document, passed through without re-encoding; an
adjustment run's also says why pay changed (`payplan.runs.why`).
Must stay thin.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from typing_extensions import Annotated

from payplan.api.auth import EVERYONE
from payplan.api.db import Connection, Database
from payplan.api.problems import TEXT, problem_responses
from payplan.api.runs import RunId
from payplan.runs import views as run_views
from payplan.runs.why import Why, rep_why

RepId = Annotated[str, PathParameter(min_length=1, max_length=64, pattern=TEXT)]


class ResultSummary(msgspec.Struct):
    run_id: int
    rep_id: str
    rep_name: str
    total: Decimal


class ResultBreakdown(ResultSummary):
    """One rep's result: `result` holds period, currency, total, components, lines and trace;
    for an adjustment run, `why` names what changed since the run that paid before."""

    result: dict[str, Any] = {}
    why: Why | None = None


@get("/runs/{run_id:int}/results", guards=[EVERYONE], sync_to_thread=True, tags=["results"],
     responses=problem_responses(400, 401, 403, 404))
def list_results(request: Request, run_id: RunId, db: NamedDependency[Database],
                 limit: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1000,
                 after: Annotated[str | None, QueryParameter(max_length=64, pattern=TEXT)] = None,
                 ) -> list[ResultSummary]:
    """The results of a run the viewer may see, by rep id (`after` a rep id pages)."""
    viewer = request.user
    rows = db.read(lambda conn: run_views.list_results(conn, run_id, viewer, limit=limit, after_rep=after))
    return [ResultSummary(r.run_id, r.rep_id, r.rep_name, r.total) for r in rows]


@get("/runs/{run_id:int}/results/{rep_id:str}", guards=[EVERYONE], sync_to_thread=True, tags=["results"],
     responses=problem_responses(400, 401, 403, 404))
def get_result(request: Request, run_id: RunId, rep_id: RepId,
               db: NamedDependency[Database]) -> ResultBreakdown:
    """One rep's breakdown: totals, components, lines and the calculation trace; for an
    adjustment run also why pay changed (the facts that differ, the fact files imported since)."""
    def read(conn: Connection) -> tuple[run_views.ResultRow, Why | None]:
        row = run_views.get_result(conn, run_id, rep_id, request.user)  # NotFound unless visible
        return row, rep_why(conn, run_id, rep_id)

    row, why = db.read(read)
    document: Any = row.result if row.result is not None else {}
    return ResultBreakdown(row.run_id, row.rep_id, row.rep_name, row.total, document, why)


ROUTES = [list_results, get_result]
