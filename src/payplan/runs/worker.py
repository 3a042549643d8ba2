"""A run as a job: compute one chunk of its reps, store its rows, and make the run once all are stored.

`payplan.jobs.worker` claims the chunk and calls these (kind `run.create`,
`payplan.jobs.kinds`): `compute` on a read transaction, `store_rows` in the write
transaction that has just marked the chunk done (of two workers that computed the
same chunk only one stores its rows, and `job_results`' key (job, rep) refuses a
rep twice). `complete`, in one transaction, hashes the rows in rep order (the
single-process run's inputs and outputs hashes, byte for byte), inserts the run,
moves the rows into `run_results` with one INSERT … SELECT and writes the run's
audit row: a run exists only whole. A draft recomputed as a job (`payplan.runs.recompute_job`)
stages and moves its rows with the same `compute`, `store_rows`, `hashes` and `move_rows`.
Must not render or format.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from sqlalchemy import Connection, bindparam, delete, insert, literal, select, update

from payplan.access.users import User, user_by_id
from payplan.core.periods import parse_period
from payplan.errors import Conflict, PayplanError
from payplan.plans import versions as plan_store
from payplan.runs.chunks import ChunkRows, evaluate_chunk, packed
from payplan.runs.evaluation import OutputsDigest, RepRow
from payplan.runs.lifecycle import new_run, refuse_second_regular
from payplan.store import audit, queue
from payplan.store.service_schema import job_chunks, job_results, jobs
from payplan.store.service_schema import run_results
from payplan.store.utf8_text import Utf8Text

_INSERT_ROWS = insert(job_results).values(
    job_id=bindparam("job_id"), chunk=bindparam("chunk"), rep_id=bindparam("rep_id"), total=bindparam("total"),
    result=bindparam("result", type_=job_results.c.result.type), state=bindparam("state", type_=Utf8Text()),
    inputs=bindparam("inputs"), input_line=bindparam("input_line"))
_READ = 2_000  # rows fetched at a time while the last step hashes them


def compute(conn: Connection, claim: queue.Claim, params: dict) -> tuple[str, ChunkRows]:
    """The chunk's rows (read only), and its inputs hash: the key its done mark records."""
    version = plan_store.get_plan_by_id(conn, params["plan_version_id"])
    plan = plan_store.load(conn, version)
    chunk = evaluate_chunk(conn, plan, version.hash, parse_period(params["period"]), claim.rep_ids)
    return chunk.inputs_hash, packed(chunk, conn.dialect.name)


def store_rows(conn: Connection, claim: queue.Claim, chunk: ChunkRows) -> None:
    """The chunk's rows, in the transaction that marked it done."""
    if chunk.rows:
        conn.execute(_INSERT_ROWS, [{"job_id": claim.job_id, "chunk": claim.chunk, "rep_id": r.rep_id,
                                     "total": r.total, "result": r.stored_result(), "state": r.state, "inputs": r.inputs,
                                     "input_line": chunk.lines[r.rep_id]} for r in chunk.rows])


def complete(conn: Connection, job_id: int, params: dict) -> bool:
    """Turn a job whose every chunk is stored into its run; False when there is nothing to do."""
    version = plan_store.get_plan_by_id(conn, params["plan_version_id"])
    period = parse_period(params["period"])
    try:
        refuse_second_regular(conn, version, period)  # made meanwhile, by hand or by another job
    except Conflict as exc:
        return fail(conn, job_id, exc)
    if not queue.close(conn, job_id, "done"):
        return False  # another worker finished it first
    inputs_hash, outputs_hash, reps = hashes(conn, job_id, version.hash, period.key)
    actor = requester(conn, job_id)
    run_id = new_run(conn, version.id, period, actor, inputs_hash, outputs_hash)
    move_rows(conn, job_id, run_id)
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(run_id=run_id))
    audit.record(conn, actor.name, "run.create", f"run {run_id}",
                 {"plan": params["plan"], "period": period.key, "reps": reps, "job": job_id,
                  "inputs_hash": inputs_hash, "outputs_hash": outputs_hash}, covers=[f"runs {run_id}"])
    return True


def fail(conn: Connection, job_id: int, exc: PayplanError) -> bool:
    """Fail the job with `exc`'s reason (said later in the reader's language), dropping its staged rows."""
    conn.execute(delete(job_results).where(job_results.c.job_id == job_id))
    return queue.fail(conn, job_id, exc)


def requester(conn: Connection, job_id: int) -> User:
    """Who asked for the job: the run's creator or recomputer, in its audit row."""
    return user_by_id(conn, conn.execute(select(jobs.c.requested_by).where(jobs.c.id == job_id)).scalar_one())


def move_rows(conn: Connection, job_id: int, run_id: int) -> None:
    """The job's staged rows into run `run_id`'s results, with one INSERT … SELECT; the stage emptied."""
    columns = ("rep_id", "total", "result", "state", "inputs")
    conn.execute(insert(run_results).from_select(
        ("run_id", *columns), select(literal(run_id), *(job_results.c[c] for c in columns))
        .where(job_results.c.job_id == job_id)))
    conn.execute(delete(job_results).where(job_results.c.job_id == job_id))


def run_hashes(conn: Connection, job_id: int, plan_version_id: int, period: str, adjustment: bool) -> tuple[str, str]:
    """(inputs hash, outputs hash) of the run the job's staged rows make. An adjustment is evaluated
    as one chunk, whose key is its inputs hash: it covers every rep scored, not only the rows stored."""
    version = plan_store.get_plan_by_id(conn, plan_version_id)
    inputs_hash, outputs_hash, _ = hashes(conn, job_id, version.hash, period)
    if adjustment:
        inputs_hash = conn.execute(select(job_chunks.c.inputs_hash).where(job_chunks.c.job_id == job_id)).scalar_one()
    return inputs_hash, outputs_hash


def hashes(conn: Connection, job_id: int, plan_digest: str, period: str) -> tuple[str, str, int]:
    """(inputs hash, outputs hash, rows) of the job's stored rows, read in rep (byte) order."""
    inputs = hashlib.sha256(f"{plan_digest}\n{period}\n".encode())
    outputs = OutputsDigest()
    order = job_results.c.rep_id.collate("C") if conn.dialect.name == "postgresql" else job_results.c.rep_id
    query = (select(job_results.c.rep_id, job_results.c.result, job_results.c.state, job_results.c.input_line)
             .where(job_results.c.job_id == job_id).order_by(order))
    count = 0
    for rep_id, result, state, line in conn.execute(query.execution_options(yield_per=_READ)):
        inputs.update(line)
        outputs.update((RepRow(rep_id, Decimal(0), result, state.encode()),))  # result: its JSON (PackedJson)
        count += 1
    return inputs.hexdigest(), outputs.hexdigest(), count
