"""Recomputing a draft run as a job (kind `run.recompute`): queue it, compute it, replace the results.

`enqueue_recompute` checks what `recompute.recompute` checks (who may, a draft, the
revision read) and queues a job over the run's reps. A regular run is split into
chunks exactly as a new run is (`payplan.runs.jobs`): each chunk is computed and
staged by `payplan.runs.worker` (`compute`, `store_rows`), the very rows a new run of
the same plan version and period would hold. An adjustment run is one chunk: its rows
are deltas against every paid run before it and its inputs hash covers every rep
scored while it stores only the changed ones, so it is evaluated whole
(`adjustments.adjustment_evaluation`), in a worker rather than in the request. The
last step, in one transaction and only if the run is still a draft, replaces the
run's results with the staged rows, writes its hashes (those of `recompute`, byte
for byte) and the same `run.recompute` audit row; a run submitted meanwhile fails
the job, saying why. Must not render or format.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete

from payplan.access.users import User
from payplan.errors import Conflict
from payplan.i18n import N_
from payplan.runs import worker as run_job
from payplan.runs.adjustments import adjustment_evaluation
from payplan.runs.chunks import ChunkRows
from payplan.runs.jobs import CHUNK, insert_job, queued_job, run_key, run_plan_reps
from payplan.runs.lifecycle import MAKERS, expect, get_run, move, require
from payplan.store import audit, queue
from payplan.store.queue import Claim
from payplan.store.service_schema import run_results

RUN_RECOMPUTE = "run.recompute"


def enqueue_recompute(conn: Connection, run_id: int, actor: User, revision: int | None = None,
                      chunk_size: int = CHUNK) -> int:
    """Queue the recomputation of draft run `run_id` on the current facts; returns the job's id."""
    require(actor, MAKERS, N_("recompute runs"))
    run = expect(get_run(conn, run_id), "draft", "recomputed")
    if revision is not None and revision != run.revision:
        raise Conflict(N_("run %(run)s changed meanwhile (expected %(state)s at revision %(revision)s); read it again"),
                       run=run.id, state="draft", revision=revision, words=("state",))
    key = run_key(RUN_RECOMPUTE, run.id)
    if (queued := queued_job(conn, key)) is not None:
        raise Conflict(N_("job %(job)s is already recomputing run %(run)s"), job=queued, run=run.id)
    version, reps = run_plan_reps(conn, run)
    chunks = [reps] if run.kind == "adjustment" else [reps[i:i + chunk_size] for i in range(0, len(reps), chunk_size)]
    params = {"run_id": run.id, "plan": version.ref, "plan_version_id": version.id, "period": run.period,
              "adjusts": run.adjusts_run_id}
    return insert_job(conn, RUN_RECOMPUTE, params, key, actor, reps, chunks, run_id=run.id)


def compute(conn: Connection, claim: Claim, params: dict) -> tuple[str, ChunkRows]:
    """A chunk of a regular run as a new run's chunk; an adjustment run whole (read only)."""
    if params["adjusts"] is None:
        return run_job.compute(conn, claim, params)
    evaluation = adjustment_evaluation(conn, params["adjusts"])
    rows = evaluation.rows or []
    # the inputs hash covers every rep scored, not only the rows stored: it is the chunk's key
    return evaluation.inputs_hash, ChunkRows(rows, {r.rep_id: b"" for r in rows}, evaluation.inputs_hash)


def complete(conn: Connection, job_id: int, params: dict) -> bool:
    """Replace the draft run's results with the job's rows; the job fails if the run is no longer a draft."""
    try:
        run = expect(get_run(conn, params["run_id"]), "draft", "recomputed")
    except Conflict as exc:
        return run_job.fail(conn, job_id, exc)
    if not queue.close(conn, job_id, "done"):
        return False  # another worker finished it first
    inputs_hash, outputs_hash = run_job.run_hashes(conn, job_id, run.plan_version_id, run.period,
                                                   run.kind == "adjustment")
    move(conn, run, "draft", None, inputs_hash=inputs_hash, outputs_hash=outputs_hash)
    conn.execute(delete(run_results).where(run_results.c.run_id == run.id))
    run_job.move_rows(conn, job_id, run.id)
    audit.record(conn, run_job.requester(conn, job_id).name, "run.recompute", f"run {run.id}",
                 {"inputs_hash": inputs_hash, "outputs_hash": outputs_hash}, covers=[f"runs {run.id}"])
    return True
