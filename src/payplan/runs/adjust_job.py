"""Creating an adjustment run as a job (kind `run.adjust`): queue it, evaluate the period, make the run.

`enqueue_adjustment` checks what `adjustments.create_adjustment` checks (who may; an
approved or paid regular run; no adjustment of it still pending; none already queued) and
queues one chunk: the adjustment is evaluated whole (`adjustments.adjustment_evaluation`:
every rep scored again, the deltas kept), in a worker rather than in the request, exactly
as an adjustment run's recompute is (`recompute_job.compute`). The last step, in one
transaction, checks again that the run may be adjusted, then makes the draft adjustment
run from the staged rows with the hashes and the `run.create` audit row
`create_adjustment` writes; when no one's pay changed it fails the job with the same
reason `create_adjustment` gives, and no run is made. Must not render or format.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, func, select, update

from payplan.access.users import User
from payplan.core.periods import parse_period
from payplan.errors import Conflict, Invalid, PayplanError
from payplan.i18n import N_
from payplan.runs import worker as run_job
from payplan.runs.adjustments import check_adjustable
from payplan.runs.jobs import insert_job, queued_job, run_key, run_plan_reps
from payplan.runs.lifecycle import MAKERS, get_run, new_run, require
from payplan.store import audit, queue
from payplan.store.service_schema import job_results, jobs

RUN_ADJUST = "run.adjust"


def enqueue_adjustment(conn: Connection, run_id: int, actor: User) -> int:
    """Queue the adjustment of approved run `run_id` on the current facts; returns the job's id."""
    require(actor, MAKERS, N_("create adjustment runs"))
    original = get_run(conn, run_id)
    check_adjustable(conn, original)
    key = run_key(RUN_ADJUST, original.id)
    if (queued := queued_job(conn, key)) is not None:
        raise Conflict(N_("job %(job)s is already computing an adjustment of run %(run)s"), job=queued, run=original.id)
    version, reps = run_plan_reps(conn, original)
    params = {"plan": version.ref, "plan_version_id": version.id, "period": original.period, "adjusts": original.id}
    return insert_job(conn, RUN_ADJUST, params, key, actor, reps, [reps])


def complete(conn: Connection, job_id: int, params: dict) -> bool:
    """The draft adjustment run from the job's rows; the job fails if the run may no longer be
    adjusted, or if no one's pay changed."""
    original = get_run(conn, params["adjusts"])
    rows, delta = conn.execute(select(func.count(), func.coalesce(func.sum(job_results.c.total), 0)).where(
        job_results.c.job_id == job_id)).one()
    try:
        check_adjustable(conn, original)
        if rows == 0:
            raise Invalid(N_("recomputing run %(run)s on the current facts changes no one's pay: nothing to adjust"),
                          run=original.id)
    except PayplanError as exc:
        return run_job.fail(conn, job_id, exc)
    if not queue.close(conn, job_id, "done"):
        return False  # another worker finished it first
    inputs_hash, outputs_hash = run_job.run_hashes(conn, job_id, original.plan_version_id, original.period, True)
    actor = run_job.requester(conn, job_id)
    run_id = new_run(conn, original.plan_version_id, parse_period(original.period), actor, inputs_hash,
                     outputs_hash, kind="adjustment", adjusts_run_id=original.id)
    run_job.move_rows(conn, job_id, run_id)
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(run_id=run_id))
    audit.record(conn, actor.name, "run.create", f"run {run_id}",
                 {"adjusts": original.id, "reps": rows, "delta": Decimal(delta), "inputs_hash": inputs_hash,
                  "outputs_hash": outputs_hash}, covers=[f"runs {run_id}"])
    return True
