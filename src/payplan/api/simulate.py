"""HR simulation over HTTP: `POST /simulations` (roles hr and admin).

The body names the baseline and the proposal, each a published "id@version" or a
draft given as TOML text (`{"toml": "...", "name": "draft.toml"}`; never a server
path), the periods ("2026-01..2026-06") and an optional threshold; then, as HR asks
(`payplan.simulation.model.Question`): a population (`role` or `team`,
`cross_population` for plans of different populations), inline `edits` of the
proposal's parameters, a `budget` to fit one parameter to, and behaviour `scenarios`.
Sizes are bounded and unknown fields refused; a bad value is a 422 problem naming the
field. The answer is
the simulation as JSON, or `?format=csv|html|pdf` (HTML and PDF in `?lang=`, else in
the language the request's Accept-Language prefers). With PAYPLAN_JOBS=workers it is
queued for `payplan worker` instead (202, `Location: /simulations/{job}`), and
`GET /simulations/{job}` answers the job's progress (202) until it is done, then the
report in any format. It runs on its own read-only
connection that is rolled back, never on the request's committing transaction:
a simulation writes no runs, results or approvals. Must stay thin: the work is
`payplan.simulation.simulate`, the encodings `payplan.simulation.report`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from typing_extensions import Annotated

from payplan.api.auth import allow
from payplan.api.db import Database
from payplan.api.problems import problem_responses
from payplan.errors import Conflict
from payplan.i18n import DEFAULT, N_, best_match
from payplan.runs.jobs import job_status
from payplan.simulation.job import enqueue_simulation, simulation_of
from payplan.simulation.report import render
from payplan.simulation.model import Budget, Edit, Question, Simulation
from payplan.simulation.simulate import DraftPlan, read_only_connection, simulate

SIMULATORS = ("hr", "admin")
MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8",
         "pdf": "application/pdf"}
MAX_DRAFT_CHARS = 200_000
Format = Annotated[Literal["json", "csv", "html", "pdf"], QueryParameter(required=False)]
Lang = Annotated[Literal["en", "uk"] | None, QueryParameter(
    required=False, description="Language of the HTML and PDF report; else the request's Accept-Language.")]


class Draft(msgspec.Struct, frozen=True):
    """A plan not yet published, as TOML text."""

    toml: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_DRAFT_CHARS)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] = "draft.toml"


PlanRef = Annotated[str, msgspec.Meta(min_length=3, max_length=200, pattern=r"^[^@\s]+@\d+$")]
LeverPath = Annotated[str, msgspec.Meta(min_length=1, max_length=200, description="A parameter of the proposal, "
                                        "such as kpi_bonus.target_incentive or margin_commission.tiers.2.rate.")]
Name = Annotated[str, msgspec.Meta(max_length=100)]
MAX_EDITS = 50
MAX_SCENARIOS = 20


class EditRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Set one parameter of the proposal (a share as a fraction: 0.1 is 10%)."""

    path: LeverPath
    value: Decimal


class BudgetRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Fit `lever` so the proposal's cost over the periods meets `amount` within `tolerance`."""

    amount: Decimal
    lever: LeverPath
    tolerance: Decimal = Decimal(1)


class SimulationRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    baseline: PlanRef | Draft
    proposal: PlanRef | Draft
    periods: Annotated[str, msgspec.Meta(min_length=4, max_length=200)]
    threshold: Decimal = Decimal(0)
    role: Name = ""
    team: Name = ""
    cross_population: bool = False
    edits: Annotated[list[EditRequest], msgspec.Meta(max_length=MAX_EDITS)] = []
    budget: BudgetRequest | None = None
    scenarios: Annotated[list[Annotated[str, msgspec.Meta(min_length=1, max_length=500)]],
                         msgspec.Meta(max_length=MAX_SCENARIOS)] = []

    def question(self) -> Question:
        """What HR asks beyond the two plans and the periods."""
        budget = self.budget and Budget(self.budget.amount, self.budget.lever, self.budget.tolerance)
        return Question(self.role, self.team, self.cross_population, [Edit(e.path, e.value) for e in self.edits],
                        budget, list(self.scenarios), self.threshold)


@post("/simulations", guards=[allow(*SIMULATORS)], sync_to_thread=True, tags=["simulations"],
      status_code=200, responses=problem_responses(400, 401, 403, 404, 422))
def run_simulation(request: Request, data: JSONBody[SimulationRequest], db: NamedDependency[Database],
                   format: Format = "json", lang: Lang = None) -> Response:
    """What the proposal would have paid over the periods next to the baseline, rep by rep (read only);
    with PAYPLAN_JOBS=workers, queued (202, Location: /simulations/{job}, where the report will be)."""
    plans = [DraftPlan(p.toml, p.name) if isinstance(p, Draft) else p for p in (data.baseline, data.proposal)]
    if request.app.state.settings.jobs == "workers":
        status = db.write(lambda conn: job_status(conn, enqueue_simulation(
            conn, plans[0], plans[1], data.periods, data.question(), request.user)))
        return _queued(status, location=f"/simulations/{status.id}")
    with read_only_connection(request.app.state.engine) as conn:
        sim = simulate(conn, plans[0], plans[1], data.periods, question=data.question(), plans_conn=conn,
                       files=False)
    lang = lang or best_match(request.headers.get("accept-language")) or DEFAULT
    return answer(sim, format, lang, attach=format in ("csv", "pdf"))


def answer(sim: Simulation, fmt: str, lang: str, *, attach: bool) -> Response:
    """The simulation in `fmt`, as a download (`simulation.FMT`) when `attach`."""
    headers = {"Content-Disposition": f'attachment; filename="simulation.{fmt}"'} if attach else {}
    return Response(render(sim, fmt, lang), media_type=MEDIA[fmt], headers=headers)


JobId = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]


@get("/simulations/{job_id:int}", guards=[allow(*SIMULATORS)], sync_to_thread=True, tags=["simulations"],
     responses=problem_responses(400, 401, 403, 404, 409))
def simulation_result(request: Request, job_id: JobId, db: NamedDependency[Database], format: Format = "json",
                      lang: Lang = None) -> Response:
    """A queued simulation's report once its job is done (202 while it is computed; 409 if it failed)."""
    def read(conn):
        return simulation_of(conn, job_id), job_status(conn, job_id)

    sim, status = db.read(read)
    if status.state == "failed":
        raise Conflict(N_("simulation %(job)s failed: %(error)s"), job=job_id, error=status.error or "")
    if sim is None:
        return _queued(status)
    lang = lang or best_match(request.headers.get("accept-language")) or DEFAULT
    return answer(sim, format, lang, attach=format in ("csv", "pdf"))


def _queued(status, location: str | None = None) -> Response:
    """The job's progress, 202: the simulation is being computed."""
    headers = {"Retry-After": "1", **({"Location": location} if location else {})}
    return Response(msgspec.json.encode(status), status_code=202, media_type="application/json", headers=headers)


ROUTES = [run_simulation, simulation_result]
