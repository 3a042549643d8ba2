"""Results of a run: the list a viewer may see, and one rep's breakdown.

Ownership is enforced in the domain's SQL (`payplan.runs.views`): a rep sees only
their own result, a manager their team, and anything else answers 404 exactly
like a result that does not exist. The breakdown (totals, components, lines,
trace) is the stored result document, passed through without re-encoding; an
adjustment run's also says why pay changed (`payplan.runs.why`).

A final run's breakdown is encoded once and then answered from `payplan.api.result_cache`
without a query or a thread, when the viewer may see it without one: finance, HR and
admin see every result, a rep their own rep id. Anyone else (a manager, whose team is
read from the database; a rep asking for another rep) takes the full path, one worker
thread and the ownership SQL, every time. Must stay thin.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import anyio.to_thread
import msgspec
from litestar import MediaType, Request, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter, QueryParameter
from litestar.types import ASGIApp
from typing_extensions import Annotated

from payplan.access.users import User
from payplan.api.auth import EVERYONE, UncopiedGuards
from payplan.api.db import Connection, Database
from payplan.api.encoded import EncodedJson
from payplan.api.plain_json import PlainJsonResponse
from payplan.api.problems import TEXT, problem_responses
from payplan.api.result_cache import ResultCache
from payplan.api.runs import RunId
from payplan.runs import views as run_views
from payplan.runs.lifecycle import get_run
from payplan.runs.why import Why, rep_why
from payplan.store.service_schema import FINAL_STATES

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


@UncopiedGuards("/runs/{run_id:int}/results/{rep_id:str}", http_method="GET", guards=[EVERYONE],
                tags=["results"],
                responses={200: ResponseSpec(ResultBreakdown, description="The rep's breakdown",
                                             generate_examples=False),
                           **problem_responses(400, 401, 403, 404)})
async def get_result(request: Request, run_id: RunId, rep_id: RepId) -> ASGIApp:
    """One rep's breakdown: totals, components, lines and the calculation trace; for an
    adjustment run also why pay changed (the facts that differ, the fact files imported since)."""
    state = request.app.state
    viewer: User = request.user
    body = state.results.get(run_id, rep_id) if _sees_without_query(viewer, rep_id) else None
    if body is None:
        body = await anyio.to_thread.run_sync(_breakdown, state.db, state.results, run_id, rep_id, viewer)
    return EncodedJson(body)


def _sees_without_query(viewer: User, rep_id: str) -> bool:
    """`payplan.runs.views`' ownership rule where it needs no query, for a final run's result."""
    return viewer.role in run_views.SEE_ALL or (viewer.role == "rep" and viewer.rep_id == rep_id)


def _breakdown(db: Database, cache: ResultCache, run_id: int, rep_id: str, viewer: User) -> bytes:
    """The breakdown read from the database (NotFound unless visible), encoded; kept when the run is final."""
    def read(conn: Connection) -> tuple[run_views.ResultRow, Why | None, str, str | None]:
        row = run_views.get_result(conn, run_id, rep_id, viewer)
        run = get_run(conn, run_id)
        return row, rep_why(conn, run_id, rep_id), run.state, run.outputs_hash

    row, why, state, outputs_hash = db.read(read)
    document: Any = row.result if row.result is not None else {}
    body = encode(ResultBreakdown(row.run_id, row.rep_id, row.rep_name, row.total, document, why))
    if state in FINAL_STATES and outputs_hash:
        cache.put(run_id, rep_id, outputs_hash, body)
    return body


def encode(content: Any) -> bytes:
    """`content` as the app's JSON responses encode it (`PlainJsonResponse`)."""
    return PlainJsonResponse(None).render(content, MediaType.JSON)


ROUTES = [list_results, get_result]
