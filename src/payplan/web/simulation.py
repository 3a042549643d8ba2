"""HR's simulation page: a baseline and a proposal (published, or a draft pasted or uploaded), the
proposal's parameters changed inline, a population, a budget to fit, scenarios, and downloads.

The form posts to `/hr/simulation` (multipart or URL-encoded; read by
`payplan.web.simulation_form`). "Check" lints the proposal (errors with their place,
warnings) and shows its parameters; "Simulate" runs the same simulation as
`POST /simulations` (`payplan.simulation.simulate.simulate` on a read-only connection
that is rolled back: nothing is written, a draft is never published) and shows its
HTML report (`payplan.simulation.report.to_html`) under the form in a sandboxed frame;
`format=csv|json|pdf` answers the same simulation as a download in the page's language.
Under PAYPLAN_JOBS=workers "Simulate" queues the simulation (`POST /simulations`' job) and
opens its job page, which shows the report and its downloads once a worker made it.
A refusal (plans of different populations, a reversed range, a plan with errors, a bad
field) comes back as a message on the form for a browser, as a problem document
otherwise. Must stay thin: the work and the encodings are those modules'.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import anyio
from litestar import Request, Response, get, post
from litestar.response import Redirect
from markupsafe import Markup
from sqlalchemy import Connection

from payplan.api.auth import allow
from payplan.api.simulate import MAX_DRAFT_CHARS, SIMULATORS, answer
from payplan.core.issues import Issue
from payplan.core.levers import levers
from payplan.core.periods import period_of
from payplan.errors import PayplanError, say
from payplan.plans import versions as plan_store
from payplan.plans.files import PlanError
from payplan.plans.issue_words import said
from payplan.runs.progress import last_fact_day
from payplan.simulation.drafts import resolve_plan
from payplan.simulation.job import enqueue_simulation
from payplan.simulation.model import BudgetFit
from payplan.simulation.report import to_html
from payplan.simulation.simulate import read_only_connection, simulate
from payplan.store.metrics import load_reps
from payplan.store.transaction import unit_of_work
from payplan.web.errors import wants_html
from payplan.web.simulation_form import SimulationForm, read_form
from payplan.web.simulation_params import (default_pair, field_label, fit_choices, fitted_value, parameter_rows,
                                          populations)
from payplan.web.templating import gettext, language, page, plan_name

PATH = "/hr/simulation"
BODY_LIMIT = MAX_DRAFT_CHARS * 4 + 200_000  # a draft of the API's size in UTF-8, and the other fields


def _form_page(request: Request, conn: Connection, form: SimulationForm, *, status: int = 200, error: str = "",
               errors: list[str] | None = None, warnings: list[str] | None = None, checked: bool = False,
               report: str = "", fit: BudgetFit | None = None, currency: str = "") -> Response:
    plans = plan_store.list_plans(conn)
    roles, teams = populations(load_reps(conn))
    rows = _rows(conn, form)
    names = {p.ref: plan_name(plan_store.load(conn, p)) for p in plans}
    return page(request, "simulation.html", status=status, plans=plans, plan_names=names, form=form, error=error,
                errors=errors or [], warnings=warnings or [], checked=checked, report=report, roles=roles,
                teams=teams, rows=rows, fits=fit_choices(rows), fit=fit, fitted=fitted_value(fit, currency), currency=currency)


def _rows(conn: Connection, form: SimulationForm) -> list:
    """The proposal's parameters for the form, or none when it cannot be read."""
    try:
        plan, _, _ = resolve_plan(form.plans()[1], conn, files=False)
    except (PayplanError, PlanError):
        return []
    return parameter_rows(plan, levers(plan), form)


@get(PATH, guards=[allow(*SIMULATORS)], sync_to_thread=True)
def simulation_form(request: Request) -> Response:
    """The form, with a baseline and a proposal of one population chosen."""
    with read_only_connection(request.app.state.engine) as conn:
        plans = plan_store.list_plans(conn)
        baseline, proposal = default_pair(plans)
        start, end = default_window(conn, next((p.period for p in plans if p.ref == baseline), "month"))
        return _form_page(request, conn, SimulationForm(baseline=baseline, proposal=proposal, start=start, end=end))


def default_window(conn: Connection, kind: str) -> tuple[str, str]:
    """The last three periods (of the baseline's kind) up to the latest fact, or nothing without facts."""
    last = last_fact_day(conn)
    if last is None:
        return "", ""
    end = period_of(last, kind)
    start = end.previous().previous()
    return start.key, end.key


@post(PATH, guards=[allow(*SIMULATORS)], status_code=200, request_max_body_size=BODY_LIMIT)
async def simulation_report(request: Request) -> Response:
    """Check the proposal, or simulate it next to the baseline (on the page or as a download)."""
    fields = (await request.form()).dict()
    return await anyio.to_thread.run_sync(partial(_answer, request, fields))


def _answer(request: Request, fields: dict) -> Response:
    form = SimulationForm()
    with read_only_connection(request.app.state.engine) as conn:
        try:
            form = read_form(fields)
            return _simulate(request, conn, form)
        except (PayplanError, PlanError) as exc:
            if not wants_html(request):
                raise
            status, detail, items = _refusal(exc, lambda where: field_label(where, _rows(conn, form)))
            return _form_page(request, conn, form, status=status, error=detail, errors=items)


def _simulate(request: Request, conn: Connection, form: SimulationForm) -> Response | Redirect:
    baseline, proposal = form.plans()
    plan, _, lint = resolve_plan(proposal, conn, files=False)
    warnings = [_issue(i) for i in lint]
    if form.action == "check":
        return _form_page(request, conn, form, warnings=warnings, checked=True)
    question = form.question(plan, levers(plan))
    if request.app.state.settings.jobs == "workers":  # the workers compute it; its job's page shows the report
        job_id = unit_of_work(request.app.state.engine, enqueue_simulation, baseline, proposal, form.periods(),
                              question, request.user)
        return Redirect(path=f"/finance/jobs/{job_id}", status_code=303)
    sim = simulate(conn, baseline, proposal, form.periods(), question=question, plans_conn=conn, files=False)
    if form.format:
        return answer(sim, form.format, language(), attach=True)
    return _form_page(request, conn, form, warnings=warnings, report=to_html(sim, language()), fit=sim.budget,
                      currency=sim.currency)


def _issue(issue: Issue) -> Markup:
    """A plan's issue in the page's language, after its place (file:line and key path, as the file writes them)."""
    text = said(issue, language())
    return Markup('<code class="where">{}</code>: {}').format(issue.where, text) if issue.where else Markup.escape(text)


def _refusal(exc: PayplanError | PlanError, label: Callable[[str], str]) -> tuple[int, str, list[str]]:
    """(status, message, the plan's errors one by one) for a refused simulation; a field of the
    form named by its `label` (the words beside it on the form), not by its name in the post."""
    if isinstance(exc, PlanError):
        return 422, gettext("a plan has errors and cannot be simulated"), [_issue(i) for i in exc.issues]
    if exc.where and exc.fields.get("field") == exc.where:
        return exc.status, say(exc.message, {**exc.fields, "field": label(exc.where)}, exc.words, gettext), []
    return exc.status, exc.say(gettext), []


ROUTES = [simulation_form, simulation_report]
