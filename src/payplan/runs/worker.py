"""What a worker does: claim a chunk, compute it, store it once, and finish whole jobs.

Each step is its own unit of work (`payplan.store.transaction`: retried while the
database is busy). A chunk is computed on a read transaction, then stored in one
write transaction that first marks it done (`queue.finish`): of two workers that
computed the same chunk (a lease ran out, a retry) only one stores its rows, and
`job_results`' key (job, rep) refuses a rep twice. The job's last step, in one
transaction, hashes the rows in rep order (the single-process run's inputs and
outputs hashes, byte for byte), inserts the run, moves the rows into `run_results`
with one INSERT … SELECT and writes the run's audit row: a run exists only whole.
Must not render or format.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import msgspec
from sqlalchemy import Connection, Engine, bindparam, delete, insert, literal, select, update

from payplan.access.users import user_by_id
from payplan.core.periods import parse_period
from payplan.errors import Conflict, PayplanError
from payplan.gcpause import collector_paused
from payplan.plans import versions as plan_store
from payplan.runs.chunks import ChunkRows, evaluate_chunk
from payplan.runs.evaluation import OutputsDigest, RepRow
from payplan.runs.lifecycle import new_run, refuse_second_regular
from payplan.store import audit, queue
from payplan.store.service_schema import job_results, jobs
from payplan.store.service_schema import run_results
from payplan.store.transaction import unit_of_work
from payplan.store.utf8_text import Utf8Text

_INSERT_ROWS = insert(job_results).values(
    job_id=bindparam("job_id"), chunk=bindparam("chunk"), rep_id=bindparam("rep_id"), total=bindparam("total"),
    result=bindparam("result", type_=Utf8Text()), state=bindparam("state", type_=Utf8Text()),
    inputs=bindparam("inputs"), input_line=bindparam("input_line"))
_READ = 2_000  # rows fetched at a time while the last step hashes them


def work_once(engine: Engine, worker: str, lease_seconds: float = queue.LEASE_SECONDS,
              job_id: int | None = None) -> bool:
    """Do one step (on job `job_id` only, if given): compute and store one chunk, or finish
    a whole job. False when there was nothing to do."""
    claim = unit_of_work(engine, queue.claim, worker, lease_seconds, job_id)
    if claim is None:
        finished = False
        for whole in unit_of_work(engine, queue.whole_jobs, write=False):
            if job_id in (None, whole):
                finished = unit_of_work(engine, complete, whole) or finished
        return finished
    with collector_paused():  # scoring and storing build no cycles (payplan.gcpause)
        try:
            chunk = unit_of_work(engine, _evaluate, claim, write=False)
        except PayplanError as exc:  # a plan or data error fails the job, for the person who asked
            unit_of_work(engine, queue.close, claim.job_id, "failed", error=str(exc))
            return True
        whole = unit_of_work(engine, store_chunk, claim, chunk)
        del chunk
    if whole:
        unit_of_work(engine, complete, claim.job_id)
    return True


def _params(conn: Connection, job_id: int) -> dict:
    return msgspec.json.decode(conn.execute(select(jobs.c.params).where(jobs.c.id == job_id)).scalar_one())


def _evaluate(conn: Connection, claim: queue.Claim) -> ChunkRows:
    params = _params(conn, claim.job_id)
    version = plan_store.get_plan_by_id(conn, params["plan_version_id"])
    plan = plan_store.load(conn, version)
    return evaluate_chunk(conn, plan, version.hash, parse_period(params["period"]), claim.rep_ids)


def store_chunk(conn: Connection, claim: queue.Claim, chunk: ChunkRows) -> bool:
    """Store the chunk's rows unless it is done already; True when the job's every chunk is done."""
    if queue.finish(conn, claim.job_id, claim.chunk, chunk.inputs_hash) and chunk.rows:
        conn.execute(_INSERT_ROWS, [{"job_id": claim.job_id, "chunk": claim.chunk, "rep_id": r.rep_id,
                                     "total": r.total, "result": r.result, "state": r.state, "inputs": r.inputs,
                                     "input_line": chunk.lines[r.rep_id]} for r in chunk.rows])
    return queue.unfinished(conn, claim.job_id) == 0


def complete(conn: Connection, job_id: int) -> bool:
    """Turn a job whose every chunk is stored into its run; False when there is nothing to do."""
    if queue.unfinished(conn, job_id) != 0:
        return False
    params = _params(conn, job_id)
    version = plan_store.get_plan_by_id(conn, params["plan_version_id"])
    period = parse_period(params["period"])
    try:
        refuse_second_regular(conn, version, period)  # made meanwhile, by hand or by another job
    except Conflict as exc:
        conn.execute(delete(job_results).where(job_results.c.job_id == job_id))
        return queue.close(conn, job_id, "failed", error=str(exc))
    if not queue.close(conn, job_id, "done"):
        return False  # another worker finished it first
    inputs_hash, outputs_hash, reps = _hashes(conn, job_id, version.hash, period.key)
    actor = user_by_id(conn, conn.execute(select(jobs.c.requested_by).where(jobs.c.id == job_id)).scalar_one())
    run_id = new_run(conn, version.id, period, actor, inputs_hash, outputs_hash)
    columns = ("rep_id", "total", "result", "state", "inputs")
    conn.execute(insert(run_results).from_select(
        ("run_id", *columns), select(literal(run_id), *(job_results.c[c] for c in columns))
        .where(job_results.c.job_id == job_id)))
    conn.execute(delete(job_results).where(job_results.c.job_id == job_id))
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(run_id=run_id))
    audit.record(conn, actor.name, "run.create", f"run {run_id}",
                 {"plan": params["plan"], "period": period.key, "reps": reps, "job": job_id,
                  "inputs_hash": inputs_hash, "outputs_hash": outputs_hash}, covers=[f"runs {run_id}"])
    return True


def _hashes(conn: Connection, job_id: int, plan_digest: str, period: str) -> tuple[str, str, int]:
    """(inputs hash, outputs hash, rows) of the job's stored rows, read in rep (byte) order."""
    inputs = hashlib.sha256(f"{plan_digest}\n{period}\n".encode())
    outputs = OutputsDigest()
    order = job_results.c.rep_id.collate("C") if conn.dialect.name == "postgresql" else job_results.c.rep_id
    query = (select(job_results.c.rep_id, job_results.c.result, job_results.c.state, job_results.c.input_line)
             .where(job_results.c.job_id == job_id).order_by(order))
    count = 0
    for rep_id, result, state, line in conn.execute(query.execution_options(yield_per=_READ)):
        inputs.update(line)
        outputs.update((RepRow(rep_id, Decimal(0), result.encode(), state.encode()),))
        count += 1
    return inputs.hexdigest(), outputs.hexdigest(), count
