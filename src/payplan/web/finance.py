"""Finance pages: the runs with their status and totals, one run with per-rep totals, and its actions.

The buttons post to `/finance/runs/{id}/submit|approve|pay`, which call the very
functions the API calls (`payplan.runs.lifecycle.submit/approve/pay`) with the revision the
page showed, in a transaction of their own. A refusal — the submitter or the plan's
publisher approving, a run that changed meanwhile — comes back as the run page with
the reason on it (status 403 / 409) for a browser, as a problem document otherwise;
success is a 303 back to the run page. Must stay thin: who may do what is decided
in `payplan.runs.lifecycle`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import Connection
from typing_extensions import Annotated

from payplan.access import users
from payplan.api.auth import allow
from payplan.api.db import Database
from payplan.api.runs import RunId
from payplan.errors import PayplanError
from payplan.plans import versions as plan_store
from payplan.runs import lifecycle as runs
from payplan.runs import views as run_views
from payplan.runs.rows import RunRow
from payplan.web.errors import wants_html
from payplan.web.templating import page

FINANCE = allow("finance", "admin")
DONE = {"submit": "submitted for approval", "approve": "approved", "pay": "marked as paid"}


class RunLine(msgspec.Struct, frozen=True):
    """A run as the list shows it: the run, its plan's currency, head count and total."""

    run: RunRow
    currency: str
    reps: int
    total: Decimal


class RunAction(msgspec.Struct):
    revision: int | None = None  # the revision the page showed: Conflict if the run changed since


def run_line(conn: Connection, run: RunRow) -> RunLine:
    reps, total = runs.run_totals(conn, run.id)
    currency = plan_store.get_plan_by_id(conn, run.plan_version_id).currency
    return RunLine(run, currency, reps, Decimal(total or 0))


def _names(conn: Connection, run: RunRow) -> dict[str, str]:
    """Who created, submitted, approved and paid the run, by name."""
    ids = {"created": run.created_by, "submitted": run.submitted_by, "approved": run.approved_by,
           "paid": run.paid_by}
    found = {what: users.user_by_id(conn, uid) if uid is not None else None for what, uid in ids.items()}
    return {what: user.name if user is not None else "" for what, user in found.items()}


def run_page(request: Request, conn: Connection, run_id: int, *, status: int = 200, error: str = "",
             done: str = "") -> Template:
    line = run_line(conn, runs.get_run(conn, run_id))
    results = run_views.list_results(conn, run_id, request.user)
    return page(request, "run.html", status=status, line=line, results=results, names=_names(conn, line.run),
                error=error, done=DONE.get(done, ""))


@get("/finance/runs", guards=[FINANCE], sync_to_thread=True)
def run_list(request: Request, db: NamedDependency[Database]) -> Template:
    """Every run, newest first, with status, head count and total."""
    lines = db.read(lambda conn: [run_line(conn, r) for r in runs.list_runs(conn, limit=200)])
    return page(request, "runs.html", lines=lines)


@get("/finance/runs/{run_id:int}", guards=[FINANCE], sync_to_thread=True)
def run_detail(request: Request, run_id: RunId, db: NamedDependency[Database],
               done: Annotated[str, QueryParameter(max_length=20)] = "") -> Template:
    """One run: who did what, its total and each rep's total, and the next step's button."""
    return db.read(lambda conn: run_page(request, conn, run_id, done=done))


def _act(request: Request, db: Database, run_id: int, name: str, action: Callable, form: RunAction) -> Response:
    user = request.user
    try:
        db.write(lambda conn: action(conn, run_id, user, revision=form.revision))
    except PayplanError as exc:
        if not wants_html(request):
            raise
        status, detail = exc.status, exc.detail
        return db.read(lambda conn: run_page(request, conn, run_id, status=status, error=detail))
    return Redirect(path=f"/finance/runs/{run_id}?done={name}", status_code=303)


def _action(name: str, action: Callable) -> object:
    """The POST /finance/runs/{id}/<name> handler calling `action(conn, run_id, user, revision=…)`."""

    def handler(request: Request, db: NamedDependency[Database], run_id: RunId,
                data: URLEncodedBody[RunAction]) -> Response:
        return _act(request, db, run_id, name, action, data)

    handler.__name__ = f"{name}_run_page"
    handler.__doc__ = f"The run's '{name}' button."
    return post(f"/finance/runs/{{run_id:int}}/{name}", guards=[FINANCE], sync_to_thread=True,
                status_code=303)(handler)


ROUTES = [run_list, run_detail, _action("submit", runs.submit), _action("approve", runs.approve),
          _action("pay", runs.pay)]
