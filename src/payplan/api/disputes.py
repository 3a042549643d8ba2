"""Disputes: the person paid questions a line of their approved statement; finance answers.

`POST /disputes` {run_id, subject_kind, subject, text} opens one on the caller's own
result in an approved or paid run (someone else's result, or a draft, is 404);
`GET /disputes` lists those the caller may see (`?run=`, `?state=`), `GET /disputes/{id}`
is one thread with the steps the caller may take, and `POST /disputes/{id}/steps`
{step, text, adjust?, adjustment_run_id?} answers, replies, resolves or rejects
(`?revision=N`: 409 if the dispute changed since). Resolving with `"adjust": true`
creates the adjustment run that corrects it. Who may do what is
`payplan.runs.disputes`'; who may see what `payplan.runs.dispute_views`'. Must stay thin.
"""

from __future__ import annotations

from typing import Literal

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from sqlalchemy import Connection
from typing_extensions import Annotated

from payplan.access.users import User
from payplan.api.auth import allow
from payplan.api.db import Database
from payplan.api.problems import problem_responses
from payplan.api.runs import Revision
from payplan.runs import disputes
from payplan.runs.dispute_views import Correction, Dispute, Step, list_disputes, thread

PARTIES = allow("admin", "finance", "manager", "rep")  # HR takes no part in disputes
DisputeId = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]
DisputeState = Literal["open", "answered", "resolved", "rejected"]
_ERRORS = problem_responses(400, 401, 403, 404, 409, 422)


class NewDispute(msgspec.Struct):
    """What is questioned: `deal` (the deal id), `line` ("component/kind/deal"), `kpi` (the KPI id)
    or `other`; `text` (1 to 4000 characters) says what is wrong."""

    run_id: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
    subject_kind: str
    text: str
    subject: str = ""


class NewStep(msgspec.Struct):
    """`answer`, `resolve`, `reject` (finance, admin) or `reply` (the person paid), with its text;
    a resolution may create the adjustment run (`adjust`) or name one (`adjustment_run_id`)."""

    step: str
    text: str
    adjust: bool = False
    adjustment_run_id: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)] | None = None


class DisputeThread(msgspec.Struct):
    """A dispute, its steps oldest first, the steps the caller may take now, and the correction
    (the adjustment run named, and whether it is the rep's approved correction statement)."""

    dispute: Dispute
    steps: list[Step]
    run_period: str
    run_state: str
    correction: Correction | None
    offered: list[str]


def thread_of(conn: Connection, dispute_id: int, viewer: User) -> DisputeThread:
    found = thread(conn, dispute_id, viewer)
    return DisputeThread(found.dispute, found.steps, found.run_period, found.run_state, found.correction,
                         disputes.offered_steps(found.dispute, viewer))


@post("/disputes", guards=[PARTIES], sync_to_thread=True, tags=["disputes"], responses=_ERRORS)
def open_dispute(request: Request, data: JSONBody[NewDispute], db: NamedDependency[Database]) -> DisputeThread:
    """Question a line of your own approved or paid statement."""
    user = request.user

    def work(conn: Connection) -> DisputeThread:
        opened = disputes.open_dispute(conn, data.run_id, data.subject_kind, data.subject, data.text, user)
        return thread_of(conn, opened.id, user)

    return db.write(work)


@get("/disputes", guards=[PARTIES], sync_to_thread=True, tags=["disputes"],
     responses=problem_responses(400, 401, 403))
def list_all(request: Request, db: NamedDependency[Database],
             run: Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)] = None,
             dispute_state: Annotated[DisputeState | None, QueryParameter(name="state")] = None) -> list[Dispute]:
    """The disputes you may see, newest first: a rep their own, a manager their team's, finance all."""
    viewer = request.user
    return db.read(lambda conn: list_disputes(conn, viewer, run_id=run, state=dispute_state))


@get("/disputes/{dispute_id:int}", guards=[PARTIES], sync_to_thread=True, tags=["disputes"],
     responses=problem_responses(400, 401, 403, 404))
def get_one(request: Request, dispute_id: DisputeId, db: NamedDependency[Database]) -> DisputeThread:
    """One dispute's thread and the steps you may take on it."""
    viewer = request.user
    return db.read(lambda conn: thread_of(conn, dispute_id, viewer))


@post("/disputes/{dispute_id:int}/steps", guards=[PARTIES], sync_to_thread=True, status_code=200,
      tags=["disputes"], responses=_ERRORS)
def add_step(request: Request, dispute_id: DisputeId, data: JSONBody[NewStep], db: NamedDependency[Database],
             revision: Revision = None) -> DisputeThread:
    """Answer, reply to, resolve (optionally creating the adjustment run) or reject a dispute."""
    user = request.user

    def work(conn: Connection) -> DisputeThread:
        disputes.take_step(conn, dispute_id, data.step, data.text, user, revision=revision, adjust=data.adjust,
                           adjustment_run_id=data.adjustment_run_id)
        return thread_of(conn, dispute_id, user)

    return db.write(work)


ROUTES = [open_dispute, list_all, get_one, add_step]
