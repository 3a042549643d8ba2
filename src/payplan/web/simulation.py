"""HR's simulation page: choose a baseline and a proposal among the published plans and a period range.

The form posts to `/hr/simulation`, which runs the same simulation as
`POST /simulations` (`payplan.simulation.simulate.simulate` on a read-only connection that is
rolled back: nothing is written) and shows its HTML report
(`payplan.simulation.report.to_html`) under the form, in a sandboxed frame (the
report is a self-contained page with its own styles). A reversed range, plans in
different currencies, an unknown plan or a plan with errors come back as a message
on the form (status 422 / 404) for a browser, as a problem document otherwise.
Must stay thin: the work and the encodings are those modules'.
"""

from __future__ import annotations

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import URLEncodedBody
from litestar.response import Template
from sqlalchemy import Connection
from typing_extensions import Annotated

from payplan.api.auth import allow
from payplan.api.db import Database
from payplan.api.simulate import SIMULATORS
from payplan.errors import Invalid, PayplanError
from payplan.i18n import N_
from payplan.plans import versions as plan_store
from payplan.plans.files import PlanError
from payplan.simulation.report import to_html
from payplan.simulation.simulate import read_only_connection, simulate
from payplan.web.errors import wants_html
from payplan.web.templating import gettext, language, page

PATH = "/hr/simulation"
Field = Annotated[str, msgspec.Meta(max_length=200)]


class SimulationForm(msgspec.Struct):
    baseline: Field = ""
    proposal: Field = ""
    start: Field = ""
    end: Field = ""

    def periods(self) -> str:
        """"2026-01..2026-06" (one period when the end is left empty)."""
        start, end = self.start.strip(), self.end.strip()
        if not start:
            raise Invalid(N_("give the first period of the range (such as 2026-01, or 2026-Q1 for quarterly plans)"))
        return f"{start}..{end}" if end else start


def _form_page(request: Request, conn: Connection, form: SimulationForm, *, status: int = 200,
               error: str = "", errors: list[str] | None = None, report: str = "") -> Template:
    plans = plan_store.list_plans(conn)
    return page(request, "simulation.html", status=status, plans=plans, form=form, error=error,
                errors=errors or [], report=report)


@get(PATH, guards=[allow(*SIMULATORS)], sync_to_thread=True)
def simulation_form(request: Request, db: NamedDependency[Database]) -> Template:
    """The form, with the published plans to choose from."""
    plans = db.read(plan_store.list_plans)
    first = plans[0].ref if plans else ""
    form = SimulationForm(baseline=first, proposal=plans[-1].ref if plans else first)
    return page(request, "simulation.html", plans=plans, form=form, error="", errors=[], report="")


@post(PATH, guards=[allow(*SIMULATORS)], sync_to_thread=True, status_code=200)
def simulation_report(request: Request, data: URLEncodedBody[SimulationForm],
                      db: NamedDependency[Database]) -> Template:
    """What the proposal would have paid next to the baseline, or what is wrong with the form."""
    try:
        if not data.baseline or not data.proposal:
            raise Invalid(N_("choose a baseline and a proposal plan"))
        with read_only_connection(request.app.state.engine) as sim_conn:
            sim = simulate(sim_conn, data.baseline, data.proposal, data.periods(), plans_conn=sim_conn, files=False)
    except (PayplanError, PlanError) as exc:
        if not wants_html(request):
            raise
        status, detail, items = _refusal(exc)
        return db.read(lambda conn: _form_page(request, conn, data, status=status, error=detail, errors=items))
    report = to_html(sim, language())  # the page's language
    return db.read(lambda conn: _form_page(request, conn, data, report=report))


def _refusal(exc: PayplanError | PlanError) -> tuple[int, str, list[str]]:
    """(status, message, the plan's errors one by one) for a refused simulation."""
    if isinstance(exc, PlanError):
        return 422, gettext("a plan has errors and cannot be simulated"), [str(i) for i in exc.issues]
    return exc.status, exc.say(gettext), []


ROUTES = [simulation_form, simulation_report]
