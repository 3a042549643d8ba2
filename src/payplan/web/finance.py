"""Finance pages: the runs, one run's review with its next steps, and the steps' buttons.

The run page is an exceptions-first approval queue (`payplan.runs.review`): the run total
and its change against the last approved period, each rep's pay and change, and the
flags, filtered by flag and team, each linking to the rep's breakdown; and how many of its
disputes wait for finance (`payplan.runs.dispute_views`), linking them. It shows only the
steps this viewer may take (`payplan.runs.duties`) and says why each other one is
unavailable. The buttons post to `/finance/runs/{id}/<step>`, which call the very
functions the API calls (`payplan.runs.lifecycle`, `recompute`, `adjustments`) with the
revision the page showed, in a transaction of their own. A refusal — a run that changed
meanwhile, a rejection without a reason — comes back as the run page with the reason on
it (status 403 / 409 / 400) for a browser, as a problem document otherwise; success is a
303 back to the run page. Under PAYPLAN_JOBS=workers the recompute button queues a job
and opens its page (`payplan.web.jobs`). Must stay thin: who may do what is decided in `payplan.runs`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import Connection

from payplan.access import users
from payplan.api.auth import allow
from payplan.api.db import Database
from payplan.api.runs import RunId
from payplan.errors import PayplanError
from payplan.i18n import N_
from payplan.plans import versions as plan_store
from payplan.jobs.local import start_local_worker
from payplan.jobs.statements import enqueue_statements
from payplan.runs import adjustments, duties
from payplan.runs.dispute_views import open_count, open_counts
from payplan.runs import lifecycle as runs
from payplan.runs.recompute import recompute
from payplan.runs.adjust_job import enqueue_adjustment
from payplan.runs.recompute_job import enqueue_recompute
from payplan.runs.review import FLAGS, RepReview, RunReview, flag_name, review
from payplan.runs.rows import RunRow
from payplan.web.errors import wants_html
from payplan.web.templating import gettext, language, page

FINANCE = allow("finance", "admin")
DONE = {"create": N_("Run #%(n)s was created."), "submit": N_("Run #%(n)s was submitted for approval."),
        "approve": N_("Run #%(n)s was approved."), "pay": N_("Run #%(n)s was marked as paid."),
        "reject": N_("Run #%(n)s was rejected and returned to draft."),
        "recompute": N_("Run #%(n)s was recomputed on the current facts."),
        "adjust": N_("Run #%(n)s was created as an adjustment.")}


class RunLine(msgspec.Struct, frozen=True):
    """A run as the list shows it: the run, its plan's currency, head count and total."""

    run: RunRow
    currency: str
    reps: int
    total: Decimal


class RunAction(msgspec.Struct):
    revision: int | None = None  # the revision the page showed: Conflict if the run changed since


class Printing(msgspec.Struct):
    lang: str = "en"  # the statements' language


class Rejection(msgspec.Struct):
    revision: int | None = None
    reason: str = ""


class Filter(msgspec.Struct, frozen=True):
    """The review's filter: one flag and one team ("" for all)."""

    flag: str = ""
    team: str = ""


ALL = Filter()


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


def published(conn: Connection) -> list[str]:
    """Every published plan version as `id@version`, by plan, newest version first."""
    rows = plan_store.list_plans(conn)
    return [f"{r.plan_id}@{r.version}" for r in sorted(rows, key=lambda r: (r.plan_id, -r.version))]


def run_list_page(request: Request, conn: Connection, *, status: int = 200, error: str = "",
                  form: object = None) -> Template:
    lines = [run_line(conn, r) for r in runs.list_runs(conn, limit=200)]
    may_create = duties.role_refusal(request.user, duties.MAKERS, "create runs") is None
    return page(request, "runs.html", status=status, lines=lines, plans=published(conn) if may_create else [],
                error=error, form=form, open_disputes=open_counts(conn))


def _shown(found: RunReview, chosen: Filter) -> list[RepReview]:
    """The reps the filter keeps; when there is a period before, a rep this run pays who was
    not paid then shows 0.00 before and the whole total as the change, so the columns add up."""
    kept = [r for r in found.reps if (not chosen.flag or chosen.flag in r.flags)
            and (not chosen.team or r.team == chosen.team)]
    if found.previous_run_id is None:
        return kept
    return [msgspec.structs.replace(r, previous=Decimal(0), change=r.total)
            if r.previous is None and r.total is not None else r for r in kept]


def run_page(request: Request, conn: Connection, run_id: int, *, status: int = 200, error: str = "",
             done: str = "", chosen: Filter = ALL) -> Template:
    line = run_line(conn, runs.get_run(conn, run_id))
    settings = request.app.state.settings
    found = review(conn, line.run, up=settings.flag_pay_up, down=settings.flag_pay_down)
    steps = duties.steps(conn, line.run, request.user)
    shown = _shown(found, chosen)
    sums = {what: sum((getattr(r, what) for r in shown if getattr(r, what) is not None), Decimal(0))
            for what in ("previous", "total", "change")}
    return page(request, "run.html", status=status, line=line, review=found, shown=shown, chosen=chosen,
                teams=sorted({r.team for r in found.reps if r.team}), flags=FLAGS, sums=sums,
                steps={s.name: s for s in steps}, names=_names(conn, line.run), error=error,
                open_disputes=open_count(conn, run_id),
                done=DONE.get(done, ""),
                flag_names={f: flag_name(language(), f, settings.flag_pay_up, settings.flag_pay_down) for f in FLAGS})


@get("/finance/runs", guards=[FINANCE], sync_to_thread=True)
def run_list(request: Request, db: NamedDependency[Database]) -> Template:
    """Every run, newest first, with status, head count and total; and a new run's form."""
    return db.read(lambda conn: run_list_page(request, conn))


@get("/finance/runs/{run_id:int}", guards=[FINANCE], sync_to_thread=True)
def run_detail(request: Request, run_id: RunId, db: NamedDependency[Database],
               done: Annotated[str, QueryParameter(max_length=20)] = "",
               flag: Annotated[str, QueryParameter(max_length=20)] = "",
               team: Annotated[str, QueryParameter(max_length=200)] = "") -> Template:
    """One run's review: totals and changes, the flagged reps first, and the steps this viewer may take."""
    chosen = Filter(flag if flag in FLAGS else "", team)
    return db.read(lambda conn: run_page(request, conn, run_id, done=done, chosen=chosen))


def _act(request: Request, db: Database, run_id: int, name: str, action: Callable[[Connection], RunRow]) -> Response:
    try:
        run = db.write(action)
    except PayplanError as exc:
        return _refused(request, db, run_id, exc)
    return Redirect(path=f"/finance/runs/{run.id}?done={name}", status_code=303)


def _refused(request: Request, db: Database, run_id: int, exc: PayplanError) -> Response:
    """The run page with the reason for a browser; the problem document for any other client."""
    if not wants_html(request):
        raise exc
    status, detail = exc.status, exc.say(gettext)
    return db.read(lambda conn: run_page(request, conn, run_id, status=status, error=detail))


@post("/finance/runs/{run_id:int}/recompute", guards=[FINANCE], sync_to_thread=True, status_code=303)
def recompute_run_page(request: Request, db: NamedDependency[Database], run_id: RunId,
                       data: URLEncodedBody[RunAction]) -> Response:
    """The run's 'recompute' button: here and now, back to the run; under PAYPLAN_JOBS=workers,
    queued, and on to the job's page."""
    user = request.user
    if request.app.state.settings.jobs != "workers":
        return _act(request, db, run_id, "recompute", lambda conn: recompute(conn, run_id, user, revision=data.revision))
    try:
        job_id = db.write(lambda conn: enqueue_recompute(conn, run_id, user, data.revision))
    except PayplanError as exc:
        return _refused(request, db, run_id, exc)
    return Redirect(path=f"/finance/jobs/{job_id}", status_code=303)


@post("/finance/runs/{run_id:int}/statements", guards=[FINANCE], sync_to_thread=True, status_code=303)
def print_statements_page(request: Request, db: NamedDependency[Database], run_id: RunId,
                          data: URLEncodedBody[Printing]) -> Response:
    """The run's 'statements of every rep' button: queued as a job (on the default, a local
    worker process renders them), and on to the job's page, where the ZIP is fetched once done."""
    user, settings = request.user, request.app.state.settings
    try:
        job_id = db.write(lambda conn: enqueue_statements(conn, run_id, data.lang, user))
    except PayplanError as exc:
        return _refused(request, db, run_id, exc)
    if settings.jobs == "local":
        start_local_worker(settings.database_url)
    return Redirect(path=f"/finance/jobs/{job_id}", status_code=303)


def _action(name: str, action: Callable) -> object:
    """The POST /finance/runs/{id}/<name> handler calling `action(conn, run_id, user, revision=…)`."""

    def handler(request: Request, db: NamedDependency[Database], run_id: RunId,
                data: URLEncodedBody[RunAction]) -> Response:
        user = request.user
        return _act(request, db, run_id, name, lambda conn: action(conn, run_id, user, revision=data.revision))

    handler.__name__ = f"{name}_run_page"
    handler.__doc__ = f"The run's '{name}' button."
    return post(f"/finance/runs/{{run_id:int}}/{name}", guards=[FINANCE], sync_to_thread=True,
                status_code=303)(handler)


@post("/finance/runs/{run_id:int}/reject", guards=[FINANCE], sync_to_thread=True, status_code=303)
def reject_run_page(request: Request, db: NamedDependency[Database], run_id: RunId,
                    data: URLEncodedBody[Rejection]) -> Response:
    """The run's 'reject' button: back to draft, with the reason the form gives."""
    user = request.user
    return _act(request, db, run_id, "reject",
                lambda conn: runs.reject(conn, run_id, user, data.reason[:2000], revision=data.revision))


@post("/finance/runs/{run_id:int}/adjust", guards=[FINANCE], sync_to_thread=True, status_code=303)
def adjust_run_page(request: Request, db: NamedDependency[Database], run_id: RunId) -> Response:
    """The run's 'adjust' button: a draft adjustment run paying what changed since; opens it. Under
    PAYPLAN_JOBS=workers, queued, and on to the job's page."""
    user = request.user
    if request.app.state.settings.jobs != "workers":
        return _act(request, db, run_id, "adjust", lambda conn: adjustments.create_adjustment(conn, run_id, user))
    try:
        job_id = db.write(lambda conn: enqueue_adjustment(conn, run_id, user))
    except PayplanError as exc:
        return _refused(request, db, run_id, exc)
    return Redirect(path=f"/finance/jobs/{job_id}", status_code=303)


ROUTES = [run_list, run_detail, reject_run_page, adjust_run_page, recompute_run_page, print_statements_page,
          _action("submit", runs.submit),
          _action("approve", runs.approve), _action("pay", runs.pay)]
