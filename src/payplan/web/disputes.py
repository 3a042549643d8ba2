"""Dispute pages: the list a viewer may see, one thread with the steps offered to that viewer,
and the forms behind "Question this line" and those steps.

`/pay/disputes` lists the disputes the viewer may see (`?run=`, `?state=`): the person paid
their own, a manager their team's, finance and admin all. `/pay/disputes/{id}` is one thread:
the questioned line (linking the breakdown), every step, the adjustment run a resolution
names and, once it is approved, the rep's correction statement; and only the steps this
viewer may take (`payplan.runs.disputes.offered_steps`). The forms post to `POST /pay/disputes`
(from the breakdown) and `POST /pay/disputes/{id}/steps`, which call the very functions the
API calls; success is a 303 to the thread, a refusal the thread again with the reason (a
browser) or a problem document (other clients). The pages sit under `/pay` because
`/disputes` is the JSON API's. Must stay thin: the rules are `payplan.runs.disputes`'.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import Connection

from payplan.api.db import Database
from payplan.api.disputes import PARTIES, DisputeId
from payplan.errors import Invalid, PayplanError
from payplan.core.plan import Scorecard
from payplan.i18n import N_
from payplan.plans import versions as plan_store
from payplan.runs import disputes
from payplan.runs import lifecycle as runs
from payplan.runs.dispute_views import list_disputes, thread
from payplan.store.service_schema import DISPUTE_STATES
from payplan.web.errors import wants_html
from payplan.web.templating import gettext, language, page

DONE = {"open": N_("Your question was sent to finance."), "answer": N_("The answer was added."),
        "reply": N_("Your reply was added: the dispute is open again."),
        "resolve": N_("The dispute was resolved."), "reject": N_("The dispute was rejected.")}


class OpenForm(msgspec.Struct):
    run_id: int
    subject_kind: str = ""
    subject: str = ""
    text: str = ""


class StepForm(msgspec.Struct):
    step: str = ""
    text: str = ""
    adjust: str = ""  # a checkbox: "on" when ticked
    adjustment_run_id: str = ""
    revision: int | None = None  # the revision the page showed: Conflict if the dispute changed since


def thread_page(request: Request, conn: Connection, dispute_id: int, *, status: int = 200, error: str = "",
                done: str = "", form: StepForm | None = None) -> Template:
    found = thread(conn, dispute_id, request.user)
    names = kpi_names(conn, {found.dispute.run_id} if found.dispute.subject_kind == "kpi" else set())
    return page(request, "dispute.html", status=status, t=found, offered=disputes.offered_steps(found.dispute,
                request.user), error=error, done=DONE.get(done, ""), form=form or StepForm(), kpi_names=names)


@get("/pay/disputes", guards=[PARTIES], sync_to_thread=True)
def dispute_list(request: Request, db: NamedDependency[Database],
                 run: Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)] = None,
                 wanted: Annotated[str, QueryParameter(name="state", max_length=20)] = "") -> Template:
    """The disputes the viewer may see, newest first, filtered by run and state."""
    chosen = wanted if wanted in DISPUTE_STATES else ""
    found, names = db.read(lambda conn: _with_names(conn, list_disputes(conn, request.user, run_id=run,
                                                                       state=chosen or None)))
    return page(request, "disputes.html", disputes=found, run=run, state=chosen, dispute_states=DISPUTE_STATES,
                kpi_names=names)


def _with_names(conn: Connection, found: list) -> tuple[list, dict[tuple[int, str], str]]:
    """The disputes, and the label (in the page's language) of each KPI they question, by (run, KPI id)."""
    return found, kpi_names(conn, {d.run_id for d in found if d.subject_kind == "kpi"})


def kpi_names(conn: Connection, run_ids: set[int]) -> dict[tuple[int, str], str]:
    """(run, KPI id) → the KPI's label as the run's plan says it in the page's language."""
    names: dict[tuple[int, str], str] = {}
    for run_id in run_ids:
        plan = plan_store.load(conn, plan_store.get_plan_by_id(conn, runs.get_run(conn, run_id).plan_version_id))
        texts = plan.translations.get(language(), {})
        names |= {(run_id, kpi.id): texts.get(kpi.label, kpi.label) for c in plan.components
                  if isinstance(c, Scorecard) for kpi in c.kpis if kpi.label}
    return names


@get("/pay/disputes/{dispute_id:int}", guards=[PARTIES], sync_to_thread=True)
def dispute_thread(request: Request, dispute_id: DisputeId, db: NamedDependency[Database],
                   done: Annotated[str, QueryParameter(max_length=20)] = "") -> Template:
    """One dispute: its line, its steps, its correction, and the steps this viewer may take."""
    return db.read(lambda conn: thread_page(request, conn, dispute_id, done=done))


@post("/pay/disputes", guards=[PARTIES], sync_to_thread=True, status_code=303)
def open_dispute_page(request: Request, db: NamedDependency[Database], data: URLEncodedBody[OpenForm]) -> Response:
    """"Question this line" on the breakdown: opens the dispute, then shows its thread."""
    user = request.user
    opened = db.write(lambda conn: disputes.open_dispute(conn, data.run_id, data.subject_kind, data.subject,
                                                         data.text[:disputes.MAX_TEXT + 1], user))
    return Redirect(path=f"/pay/disputes/{opened.id}?done=open", status_code=303)


@post("/pay/disputes/{dispute_id:int}/steps", guards=[PARTIES], sync_to_thread=True, status_code=303)
def step_page(request: Request, dispute_id: DisputeId, db: NamedDependency[Database],
              data: URLEncodedBody[StepForm]) -> Response:
    """A step's button on the thread: answer, reply, resolve (maybe with an adjustment run) or reject."""
    user = request.user

    def work(conn: Connection) -> None:
        named = _run_id(data.adjustment_run_id) if data.step == "resolve" else None
        disputes.take_step(conn, dispute_id, data.step, data.text[:disputes.MAX_TEXT + 1], user,
                           revision=data.revision, adjust=data.step == "resolve" and data.adjust == "on",
                           adjustment_run_id=named)

    try:
        db.write(work)
    except PayplanError as exc:
        if not wants_html(request) or exc.status == 404:
            raise
        status, detail = exc.status, exc.say(gettext)
        return db.read(lambda conn: thread_page(request, conn, dispute_id, status=status, error=detail, form=data))
    return Redirect(path=f"/pay/disputes/{dispute_id}?done={data.step}", status_code=303)


def _run_id(text: str) -> int | None:
    """The adjustment run a resolution names, "" for none; Invalid when it is no run id."""
    text = text.strip().lstrip("#")
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise Invalid(N_("adjustment_run_id: give a run number such as 7, not %(text)r"), text=text[:20],
                      where="adjustment_run_id")
    return int(text)


ROUTES = [dispute_list, dispute_thread, open_dispute_page, step_page]
