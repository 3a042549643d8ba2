"""Runs: create (with `Idempotency-Key`), list, read, and the state transitions.

`POST /runs` {plan, period} evaluates a draft run; the same `Idempotency-Key` from
the same user gives back the same run. With PAYPLAN_JOBS=workers, `POST /runs` and
`POST /runs/{id}/recompute` queue a job instead and answer 202 with its Location. Transitions are `POST /runs/{id}/submit|
recompute|approve|reject|pay|adjust`; each may pass `?revision=N` (the revision
read) so a stale client gets 409 instead of acting on a run that changed. Who may
do what follows `payplan.runs.lifecycle` (MAKERS create/recompute/submit, APPROVERS approve/
reject/pay; the submitter or the plan's publisher cannot approve, HR never does).
Reps and managers see only approved and paid runs. Must stay thin.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import HeaderParameter, JSONBody, PathParameter, QueryParameter
from sqlalchemy import Connection
from typing_extensions import Annotated

from payplan.access.users import User
from payplan.api.auth import EVERYONE, allow
from payplan.api.db import Database
from payplan.api.problems import TEXT, problem_responses
from payplan.errors import NotFound
from payplan.i18n import N_
from payplan.runs import adjustments, export
from payplan.runs import lifecycle as runs
from payplan.runs.export import Payroll
from payplan.runs.adjust_job import enqueue_adjustment
from payplan.runs.jobs import JobStatus, enqueue_run, job_status
from payplan.runs.recompute import recompute
from payplan.runs.recompute_job import enqueue_recompute
from payplan.runs.review import RunReview, review
from payplan.runs.rows import RunRow
from payplan.runs.views import SEE_ALL
from payplan.store.service_schema import FINAL_STATES

MAKE = allow(*runs.MAKERS)
APPROVE = allow(*runs.APPROVERS)
Revision = Annotated[int | None, QueryParameter(name="revision", ge=1, le=2**31 - 1, required=False,
                                           description="The revision you read; 409 if the run changed since.")]
IdempotencyKey = Annotated[str | None, HeaderParameter(name="idempotency-key", min_length=1, max_length=200,
                                                 required=False, description="Same key, same run.")]
RunId = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]
RunState = Literal["draft", "submitted", "approved", "paid"]
_WRITE_ERRORS = problem_responses(400, 401, 403, 404, 409, 422)


PLAN_REF = r"^[^@\x00-\x20\x7f]+@[0-9]+$"  # id@version, no spaces or control characters
PERIOD = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$"


class RunRequest(msgspec.Struct):
    plan: Annotated[str, msgspec.Meta(min_length=3, max_length=200, pattern=PLAN_REF, examples=["ae-2026@1"])]
    period: Annotated[str, msgspec.Meta(min_length=4, max_length=7, pattern=PERIOD, examples=["2026-03"])]


class Rejection(msgspec.Struct):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class Run(msgspec.Struct):
    """A run: plan version, period, state and who did what when."""

    id: int
    plan: str
    plan_hash: str
    period: str
    kind: str
    adjusts_run_id: int | None
    state: str
    revision: int
    created_by: int
    created_at: str
    submitted_by: int | None
    submitted_at: str | None
    approved_by: int | None
    approved_at: str | None
    paid_by: int | None
    paid_at: str | None
    rejected_reason: str | None
    inputs_hash: str | None
    outputs_hash: str | None


class RunSummary(Run):
    """A run with its head count and total pay (summed exactly in SQL)."""

    reps: int = 0
    total: Decimal = Decimal(0)


def run_of(row: RunRow) -> Run:
    fields = {name: getattr(row, name) for name in Run.__struct_fields__ if name != "plan"}
    return Run(plan=row.plan_ref, **fields)


def summary_of(conn: Connection, row: RunRow) -> RunSummary:
    reps, total = runs.run_totals(conn, row.id)
    return RunSummary(**msgspec.structs.asdict(run_of(row)), reps=reps, total=Decimal(total or 0))


def visible(row: RunRow, viewer: User) -> RunRow:
    """Reps and managers see approved and paid runs only: anything else is NotFound."""
    if viewer.role not in SEE_ALL and row.state not in FINAL_STATES:
        raise NotFound(N_("run %(run)s does not exist"), run=row.id)
    return row


_QUEUED = ResponseSpec(JobStatus, description="Queued for the workers (PAYPLAN_JOBS=workers): poll the Location.",
                       generate_examples=False)


async def _queued(response: Response) -> Response:
    """A job's status is answered 202 with its Location (the run made here and now is 201)."""
    if isinstance(response.content, JobStatus):
        response.status_code = 202
        response.headers["Location"] = f"/jobs/{response.content.id}"
    return response


@post("/runs", guards=[MAKE], sync_to_thread=True, tags=["runs"], responses={**_WRITE_ERRORS, 202: _QUEUED},
      after_request=_queued)
def create_run(request: Request, data: JSONBody[RunRequest], db: NamedDependency[Database],
               idempotency_key: IdempotencyKey = None) -> RunSummary | JobStatus:
    """Evaluate every eligible rep for the period into a new draft run: here and now (201), or,
    when PAYPLAN_JOBS=workers, as a job for `payplan worker` (202, Location: /jobs/{id})."""
    user = request.user
    if request.app.state.settings.jobs == "workers":
        return db.write(lambda conn: job_status(conn, enqueue_run(conn, data.plan, data.period, user,
                                                                  idempotency_key)))
    return db.write(lambda conn: summary_of(conn, runs.create_run(conn, data.plan, data.period, user,
                                                                  idempotency_key)))


@get("/runs", guards=[EVERYONE], sync_to_thread=True, tags=["runs"], responses=problem_responses(400, 401, 403))
def list_runs(request: Request, db: NamedDependency[Database],
              period: Annotated[str | None, QueryParameter(max_length=7, pattern=PERIOD)] = None,
              run_state: Annotated[RunState | None, QueryParameter(name="state")] = None,
              plan: Annotated[str | None, QueryParameter(max_length=200, pattern=TEXT)] = None,
              limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
              before: Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)] = None) -> list[Run]:
    """Runs newest first; `before` (a run id) pages."""
    viewer: User = request.user
    rows = db.read(lambda conn: runs.list_runs(conn, period=period, state=run_state, plan_id=plan, limit=limit,
                                               before=before))
    return [run_of(r) for r in rows if viewer.role in SEE_ALL or r.state in FINAL_STATES]


@get("/runs/{run_id:int}", guards=[EVERYONE], sync_to_thread=True, tags=["runs"],
     responses=problem_responses(400, 401, 403, 404))
def get_run(request: Request, run_id: RunId, db: NamedDependency[Database]) -> RunSummary:
    """One run with its head count and total."""
    viewer = request.user
    return db.read(lambda conn: summary_of(conn, visible(runs.get_run(conn, run_id), viewer)))


def _transition(path: str, guard, action, doc: str):
    """A POST /runs/{id}/<path> handler calling `action(conn, run_id, user, revision=…)`."""

    def handler(request: Request, run_id: RunId, db: NamedDependency[Database],
                revision: Revision = None) -> RunSummary:
        user = request.user
        return db.write(lambda conn: summary_of(conn, action(conn, run_id, user, revision=revision)))

    handler.__doc__ = doc
    handler.__name__ = f"{path}_run"
    return post(f"/runs/{{run_id:int}}/{path}", guards=[guard], sync_to_thread=True, status_code=200,
                tags=["runs"], responses=_WRITE_ERRORS, operation_id=f"{path}Run")(handler)


@post("/runs/{run_id:int}/reject", guards=[APPROVE], sync_to_thread=True, status_code=200, tags=["runs"],
      responses=_WRITE_ERRORS)
def reject_run(request: Request, run_id: RunId, data: JSONBody[Rejection],
               db: NamedDependency[Database], revision: Revision = None) -> RunSummary:
    """Return a submitted run to draft, saying why."""
    user = request.user
    return db.write(lambda conn: summary_of(conn, runs.reject(conn, run_id, user, data.reason, revision=revision)))


@post("/runs/{run_id:int}/recompute", guards=[MAKE], sync_to_thread=True, status_code=200, tags=["runs"],
      responses={**_WRITE_ERRORS, 202: _QUEUED}, after_request=_queued, operation_id="recomputeRun")
def recompute_run(request: Request, run_id: RunId, db: NamedDependency[Database],
                  revision: Revision = None) -> RunSummary | JobStatus:
    """Evaluate a draft run again on the current facts: here and now (200), or, when
    PAYPLAN_JOBS=workers, as a job for `payplan worker` (202, Location: /jobs/{id})."""
    user = request.user
    if request.app.state.settings.jobs == "workers":
        return db.write(lambda conn: job_status(conn, enqueue_recompute(conn, run_id, user, revision)))
    return db.write(lambda conn: summary_of(conn, recompute(conn, run_id, user, revision=revision)))


@get("/runs/{run_id:int}/review", guards=[allow(*SEE_ALL)], sync_to_thread=True, tags=["runs"],
     responses=problem_responses(400, 401, 403, 404))
def review_run(request: Request, run_id: RunId, db: NamedDependency[Database]) -> RunReview:
    """The run's review, exceptions first: each rep's pay against the last approved period and
    its flags (pay up or down, no data, gate cut, cap hit, clawback, draw, prorated, negative,
    negative balance carried or recovered, on the plan without facts, facts without a plan),
    with the count of reps per flag."""
    settings = request.app.state.settings
    return db.read(lambda conn: review(conn, runs.get_run(conn, run_id), up=settings.flag_pay_up,
                                       down=settings.flag_pay_down))


ExportForm = Annotated[Literal["reps", "lines", "journal"], QueryParameter(
    description="reps: one row per rep; lines: one row per line of pay; journal: the accrual entries")]


def _export(db: Database, run_id: int):
    return db.read(lambda conn: export.payroll(conn, runs.get_run(conn, run_id)))


@get("/runs/{run_id:int}/export.csv", guards=[APPROVE], sync_to_thread=True, tags=["runs"], media_type="text/csv",
     responses=problem_responses(400, 401, 403, 404, 409))
def export_csv(run_id: RunId, db: NamedDependency[Database], form: ExportForm = "reps") -> Response[str]:
    """An approved or paid run for payroll, as CSV: per rep (with a column per component), per
    line, or the GL journal. Amounts are plain decimals; formula-like text is made inert."""
    exported = _export(db, run_id)
    writer = {"reps": export.payroll_csv, "lines": export.lines_csv, "journal": export.journal_csv}[form]
    name = f"payplan-run{run_id}-{form}.csv"
    return Response(writer(exported), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@get("/runs/{run_id:int}/export.json", guards=[APPROVE], sync_to_thread=True, tags=["runs"],
     responses=problem_responses(400, 401, 403, 404, 409))
def export_json(run_id: RunId, db: NamedDependency[Database]) -> Payroll:
    """An approved or paid run for payroll: the reps with their components, every line, and
    the journal entries; amounts as decimal strings."""
    return _export(db, run_id)


@post("/runs/{run_id:int}/adjust", guards=[MAKE], sync_to_thread=True, tags=["runs"],
      responses={**_WRITE_ERRORS, 202: _QUEUED}, after_request=_queued)
def adjust_run(request: Request, run_id: RunId, db: NamedDependency[Database]) -> RunSummary | JobStatus:
    """A draft adjustment run paying the difference between an approved run and the current facts:
    here and now (201), or, when PAYPLAN_JOBS=workers, as a job (202, Location: /jobs/{id})."""
    user = request.user
    if request.app.state.settings.jobs == "workers":
        return db.write(lambda conn: job_status(conn, enqueue_adjustment(conn, run_id, user)))
    return db.write(lambda conn: summary_of(conn, adjustments.create_adjustment(conn, run_id, user)))


ROUTES = [
    create_run, list_runs, get_run, recompute_run, review_run, export_csv, export_json, reject_run, adjust_run,
    _transition("submit", MAKE, runs.submit, "Send a draft run for approval."),
    _transition("approve", APPROVE, runs.approve, "Approve a submitted run (not its submitter or plan publisher)."),
    _transition("pay", APPROVE, runs.pay, "Mark an approved run as paid."),
]
