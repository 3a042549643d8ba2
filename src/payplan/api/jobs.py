"""Jobs: `GET /jobs/{id}` says where a queued computation stands (reps done / total, its run).

`POST /runs` answers 202 with a `Location` here when PAYPLAN_JOBS=workers (the run is
computed by `payplan worker` processes); poll until `state` is `done` (then `run_id`
names the run) or `failed` (`error` says why). Must stay thin.
"""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import PathParameter
from typing_extensions import Annotated

from payplan.api.auth import allow
from payplan.api.db import Database
from payplan.api.problems import problem_responses
from payplan.runs.jobs import JobStatus, job_status
from payplan.runs.lifecycle import MAKERS

JobId = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]


@get("/jobs/{job_id:int}", guards=[allow(*MAKERS)], sync_to_thread=True, tags=["jobs"],
     responses=problem_responses(400, 401, 403, 404))
def get_job(job_id: JobId, db: NamedDependency[Database]) -> JobStatus:
    """A job's state (queued / done / failed), reps done of the total, and the run it made."""
    return db.read(lambda conn: job_status(conn, job_id))


ROUTES = [get_job]
