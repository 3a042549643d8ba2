"""Pay pages: "My pay" (a rep's, or a manager's own and their team's) and one rep's breakdown of a run.

`/pay` lists the approved and paid runs in which the viewer may see results, with
those results (`run_views.list_results`: a rep their own, a manager their team).
`/pay/{run}/{rep}` is one breakdown (`payplan.web.breakdown`), open to whoever may
read that result through the API — finance and HR any, including drafts — and
NotFound to everyone else, exactly as a result that does not exist; the person paid
also gets a "Question this line" form per line on an approved or paid run (`payplan.web.disputes`). Must stay
thin: the rules are `payplan.runs.views`' and `payplan.runs.lifecycle`'.
"""

from __future__ import annotations

import msgspec
from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import PathParameter
from litestar.response import Template
from sqlalchemy import Connection
from typing_extensions import Annotated

from payplan.api.auth import EVERYONE, allow
from payplan.api.db import Database
from payplan.api.problems import TEXT
from payplan.api.runs import RunId
from payplan.plans import versions as plan_store
from payplan.runs import disputes
from payplan.runs import lifecycle as runs
from payplan.runs.dispute_views import list_disputes
from payplan.runs import views as run_views
from payplan.runs.rows import RunRow
from payplan.store.service_schema import FINAL_STATES
from payplan.web.breakdown import breakdown
from payplan.statements.i18n import Formatter
from payplan.statements.wording import localize
from payplan.web.templating import language, page

PAID_ROLES = ("rep", "manager")  # the roles that are paid, and so have a "My pay"
MAX_RUNS = 100  # of each final state, newest first
RepId = Annotated[str, PathParameter(min_length=1, max_length=64, pattern=TEXT)]


class PayRun(msgspec.Struct, frozen=True):
    """A final run and the results in it the viewer may see."""

    run: RunRow
    currency: str
    results: list[run_views.ResultRow]


def pay_runs(conn: Connection, viewer) -> list[PayRun]:
    """Approved and paid runs, newest first, with the viewer's visible results (runs without any left out)."""
    final = [r for state in FINAL_STATES for r in runs.list_runs(conn, state=state, limit=MAX_RUNS)]
    listed = ((run, run_views.list_results(conn, run.id, viewer))
              for run in sorted(final, key=lambda r: r.id, reverse=True))
    return [PayRun(run, plan_store.get_plan_by_id(conn, run.plan_version_id).currency, results)
            for run, results in listed if results]


@get("/pay", guards=[allow(*PAID_ROLES)], sync_to_thread=True)
def my_pay(request: Request, db: NamedDependency[Database]) -> Template:
    """The viewer's (and, for a manager, their team's) results in approved and paid runs."""
    found = db.read(pay_runs, request.user)
    own = sum(r.rep_id == request.user.rep_id for p in found for r in p.results)
    return page(request, "pay.html", pay_runs=found, own_count=own, whole_periods=whole_periods(found))


def whole_periods(found: list[PayRun]) -> dict[tuple[int, str], str]:
    """(run, rep) → the merged statement's address, for results that are one part of a period
    whose plan changed version inside it (two or more regular runs of the plan id and period)."""
    parts: dict[tuple[str, str, str], list[int]] = {}
    for p in found:
        if p.run.kind == "regular":
            plan_id = p.run.plan_ref.rsplit("@", 1)[0]
            for r in p.results:
                parts.setdefault((plan_id, p.run.period, r.rep_id), []).append(p.run.id)
    return {(run_id, rep): f"/plans/{plan_id}/periods/{period}/statements/{rep}/statement.pdf"
            for (plan_id, period, rep), run_ids in parts.items() if len(run_ids) > 1 for run_id in run_ids}


@get("/pay/{run_id:int}/{rep_id:str}", guards=[EVERYONE], sync_to_thread=True)
def rep_breakdown(request: Request, run_id: RunId, rep_id: RepId, db: NamedDependency[Database]) -> Template:
    """One rep's breakdown of one run: total, components, KPIs, deals, clawbacks, draws, the trace."""
    found = db.read(breakdown, run_id, rep_id, request.user)
    view = found.view
    words = Formatter(language(), view.currency, view.texts.get(language()))
    may_question = disputes.may_open(request.user, rep_id, found.run.state)
    here = len(db.read(lambda conn: list_disputes(conn, request.user, run_id=run_id))) if may_question else 0
    return page(request, "breakdown.html", b=msgspec.structs.replace(found, view=localize(view, words)),
                may_question=may_question, disputes_here=here)


ROUTES = [my_pay, rep_breakdown]
