"""HR simulation over HTTP: `POST /simulations` (roles hr and admin).

The body names the baseline and the proposal, each a published "id@version" or a
draft given as TOML text (`{"toml": "...", "name": "draft.toml"}`; never a server
path), the periods ("2026-01..2026-06") and an optional threshold. The answer is
the simulation as JSON, or `?format=csv|html|pdf` (HTML and PDF in `?lang=`, else in
the language the request's Accept-Language prefers). It runs on its own read-only
connection that is rolled back, never on the request's committing transaction:
a simulation writes no runs, results or approvals. Must stay thin: the work is
`payplan.simulation.simulate`, the encodings `payplan.simulation.report`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import msgspec
from litestar import Request, Response, post
from litestar.params import JSONBody, QueryParameter
from typing_extensions import Annotated

from payplan.api.auth import allow
from payplan.api.problems import problem_responses
from payplan.i18n import DEFAULT, best_match
from payplan.simulation.report import render
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


class SimulationRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    baseline: PlanRef | Draft
    proposal: PlanRef | Draft
    periods: Annotated[str, msgspec.Meta(min_length=4, max_length=200)]
    threshold: Decimal = Decimal(0)


@post("/simulations", guards=[allow(*SIMULATORS)], sync_to_thread=True, tags=["simulations"],
      status_code=200, responses=problem_responses(400, 401, 403, 404, 422))
def run_simulation(request: Request, data: JSONBody[SimulationRequest], format: Format = "json",
                   lang: Lang = None) -> Response:
    """What the proposal would have paid over the periods next to the baseline, rep by rep (read only)."""
    plans = [DraftPlan(p.toml, p.name) if isinstance(p, Draft) else p for p in (data.baseline, data.proposal)]
    with read_only_connection(request.app.state.engine) as conn:
        sim = simulate(conn, plans[0], plans[1], data.periods, data.threshold, plans_conn=conn, files=False)
    headers = {}
    if format in ("csv", "pdf"):
        headers["Content-Disposition"] = f'attachment; filename="simulation.{format}"'
    lang = lang or best_match(request.headers.get("accept-language")) or DEFAULT
    return Response(render(sim, format, lang), media_type=MEDIA[format], headers=headers)


ROUTES = [run_simulation]
