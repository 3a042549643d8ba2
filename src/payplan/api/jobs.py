"""Jobs: `GET /jobs/{id}` says where a queued computation stands; a run's statements as a job.

`POST /runs` answers 202 with a `Location` here when PAYPLAN_JOBS=workers (the run is
computed by `payplan worker` processes); poll until `state` is `done` (then `run_id`
names the run) or `failed` (`error` says why). `POST /runs/{id}/statements?lang=en`
queues every statement of a run (202, `Location: /jobs/{id}`; on the embedded default a
local worker process renders them); `GET /jobs/{id}/statements.zip` fetches them once the
job is done. Who may: those who see every result of a run (admin, finance, HR). Must stay thin.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter
from litestar.response import Stream
from typing_extensions import Annotated

from payplan.api.auth import allow
from payplan.api.db import Database
from payplan.api.problems import problem_responses
from payplan.api.runs import IdempotencyKey, RunId
from payplan.api.statements import Lang
from payplan.jobs.local import start_local_worker
from payplan.jobs.statements import enqueue_statements, write_zip
from payplan.runs.jobs import JobStatus, job_status
from payplan.runs.lifecycle import MAKERS
from payplan.runs.views import SEE_ALL

JobId = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]
_SPOOL = 32 * 1024 * 1024  # a ZIP larger than this is built on disk, not in memory
_READ = 1024 * 1024


@get("/jobs/{job_id:int}", guards=[allow(*MAKERS)], sync_to_thread=True, tags=["jobs"],
     responses=problem_responses(400, 401, 403, 404))
def get_job(job_id: JobId, db: NamedDependency[Database]) -> JobStatus:
    """A job's state (queued / done / failed), reps done of the total, its run, and (a batch of
    statements) its language and the files stored so far."""
    return db.read(lambda conn: job_status(conn, job_id))


@post("/runs/{run_id:int}/statements", guards=[allow(*SEE_ALL)], sync_to_thread=True, tags=["jobs"],
      status_code=202, responses=problem_responses(400, 401, 403, 404, 409, 422))
def queue_statements(request: Request, run_id: RunId, db: NamedDependency[Database], lang: Lang = "en",
                     idempotency_key: IdempotencyKey = None) -> Response[JobStatus]:
    """Queue every rep's statement of the run as a job (202, Location: /jobs/{id}). While one is
    queued for the same run and language, the same job is answered; so is the same Idempotency-Key."""
    user, settings = request.user, request.app.state.settings
    status = db.write(lambda conn: job_status(conn, enqueue_statements(conn, run_id, lang, user, idempotency_key)))
    if settings.jobs == "local" and status.state == "queued":
        start_local_worker(settings.database_url)
    return Response(status, status_code=202, headers={"Location": f"/jobs/{status.id}"})


@get("/jobs/{job_id:int}/statements.zip", guards=[allow(*SEE_ALL)], sync_to_thread=True, tags=["jobs"],
     media_type="application/zip", responses=problem_responses(400, 401, 403, 404, 409))
def job_statements_zip(job_id: JobId, db: NamedDependency[Database]) -> Stream:
    """A done batch of statements as one ZIP archive of PDFs, named as `payplan statements` names them."""
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL)

    def build(conn) -> None:
        spool.seek(0)
        spool.truncate()
        write_zip(conn, job_id, spool)

    try:
        db.read(build)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return Stream(_chunks(spool), media_type="application/zip",
                  headers={"Content-Disposition": f'attachment; filename="payplan-job{job_id}-statements.zip"'})


def _chunks(spool) -> Iterator[bytes]:
    with spool:
        while block := spool.read(_READ):
            yield block


ROUTES = [get_job, queue_statements, job_statements_zip]
