"""The job page: where a queued computation stands, refreshed until it is done, then its run.

Under PAYPLAN_JOBS=workers the run pages queue their work (`close`: a new run, `finance`:
recompute) and send the browser to `/finance/jobs/{id}` (the API's `/jobs/{id}` is the JSON
the `Location` of a 202 names). The page shows what `GET /jobs/{id}` answers — kind, plan,
period, state, reps done of the total as a bar — and refreshes itself (a `<meta>` refresh:
no script, nothing from elsewhere) while the job is queued; once done, a link to the run
(for whoever may open run pages), a simulation's report and its downloads (for whoever may
simulate), once failed the reason in the page's language. Who may see it is who may see
`GET /jobs/{id}`. Must stay thin.
"""

from __future__ import annotations

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy import Connection

from payplan.api.auth import allow
from payplan.api.db import Database
from payplan.api.jobs import JobId
from payplan.errors import Conflict, stored_reason
from payplan.runs.jobs import job_status
from payplan.runs.lifecycle import MAKERS
from payplan.simulation.job import SIMULATION, SIMULATORS, simulation_of
from payplan.simulation.model import Simulation
from payplan.simulation.report import to_html
from payplan.store import queue
from payplan.web.templating import gettext, language, page

RUN_PAGES = ("finance", "admin")  # who may open /finance/runs/{id} (`payplan.web.finance.FINANCE`)
REFRESH_SECONDS = 2


def _job(conn: Connection, job_id: int, simulator: bool) -> tuple:
    status = job_status(conn, job_id)
    stored = queue.failure(conn, job_id) if status.state == "failed" else None
    done = simulator and status.kind == SIMULATION and status.state == "done"
    return status, stored, _simulation(conn, job_id) if done else None


def _simulation(conn: Connection, job_id: int) -> Simulation | str:
    """The simulation a done job made, or why it is gone (its file pruned), in the page's language."""
    try:
        return simulation_of(conn, job_id)
    except Conflict as exc:
        return exc.say(gettext)


@get("/finance/jobs/{job_id:int}", guards=[allow(*MAKERS)], sync_to_thread=True)
def job_page(request: Request, job_id: JobId, db: NamedDependency[Database]) -> Template:
    """A job's kind, plan, period, state and reps done of the total; refreshed while queued."""
    simulator = request.user.role in SIMULATORS
    status, stored, sim = db.read(_job, job_id, simulator)
    reason = stored_reason(stored).say(gettext) if stored is not None else (sim if isinstance(sim, str) else "")
    return page(request, "job.html", job=status, reason=reason,
                refresh=REFRESH_SECONDS if status.state == "queued" else 0,
                run_link=request.user.role in RUN_PAGES and status.run_id is not None,
                import_link=request.user.role in RUN_PAGES, simulator=simulator,
                report=to_html(sim, language()) if sim is not None and not isinstance(sim, str) else "")


ROUTES = [job_page]
