"""A regular run computed and stored chunk by chunk: in this process, or over forked processes.

`create_run` and `recompute` store a regular run through `store_chunks`. Its reps (rep
order, `chunks.run_reps`) are cut into chunks of `CHUNK` reps; each chunk is evaluated by
`chunks.evaluate_chunk`, the function `payplan worker` uses, so the rows and both hashes
are the workers' and the one-pass evaluation's byte for byte. A chunk is hashed, stored
in the caller's transaction and dropped before the next is read, so a run holds one
chunk's inputs and documents per process, whatever its number of reps.

With `processes` > 1, on a database file or server and for at least `PARALLEL_FROM` reps,
forked processes evaluate the chunks while this one hashes and stores them, in order.
Each child reads through its own connection what this transaction sees: on PostgreSQL
the child imports this transaction's snapshot (`pg_export_snapshot`); on SQLite this
transaction holds the write lock (it has inserted or moved the run), so nothing is
committed meanwhile and every child reads the same state. Neither sees what this
transaction wrote, so the caller must have written nothing the run reads (the CLI
passes `processes`; a web request, whose process has threads, does not fork).
Must not commit, nor change a run's state.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import msgspec
from sqlalchemy import Connection, Engine, bindparam, insert, update
from sqlalchemy.pool import NullPool

from payplan.core.inputs import Rep
from payplan.core.periods import Period
from payplan.core.plan import Plan
from payplan.errors import PayplanError
from payplan.i18n import N_
from payplan.runs.chunks import ChunkRows, evaluate_chunk, packed, run_reps
from payplan.runs.evaluation import OutputsDigest, RepRow
from payplan.store.db import is_memory, make_engine
from payplan.store.metrics import load_reps
from payplan.store.service_schema import run_results, runs
from payplan.store.utf8_text import Utf8Text

# Reps a chunk at most: each costs a fixed ~30 ms of queries, and ~25 MiB per 1,000 reps while held.
CHUNK = 1_000
PARALLEL_FROM = 2 * CHUNK  # fewer reps: one process (forking would cost more than it saves)

_ENCODE = msgspec.msgpack.Encoder(decimal_format="string")
_DECODE = msgspec.msgpack.Decoder(ChunkRows)


class Stored(msgspec.Struct, frozen=True):
    """What `store_chunks` stored: the run's inputs and outputs hashes and its number of rows."""

    inputs_hash: str
    outputs_hash: str
    count: int


def store_chunks(conn: Connection, run_id: int, plan: Plan, plan_digest: str, period: Period,
                 processes: int = 1) -> Stored:
    """Evaluate every rep of run `run_id` chunk by chunk, store each chunk's rows and write both
    hashes to the run; what was stored."""
    everyone = load_reps(conn)
    rep_ids = run_reps(conn, plan, period, everyone)
    workers = processes if _parallel(conn, len(rep_ids), processes) else 1
    slices = _slices(rep_ids, workers)
    inputs = hashlib.sha256(f"{plan_digest}\n{period.key}\n".encode())
    outputs, count = OutputsDigest(), 0
    for chunk in _evaluated(conn, plan, plan_digest, period, slices, everyone, workers):
        for row in chunk.rows:
            inputs.update(chunk.lines[row.rep_id])
        outputs.update(chunk.rows)
        store_rows(conn, run_id, chunk.rows)
        count += len(chunk.rows)
    stored = Stored(inputs.hexdigest(), outputs.hexdigest(), count)
    conn.execute(update(runs).where(runs.c.id == run_id)
                 .values(inputs_hash=stored.inputs_hash, outputs_hash=stored.outputs_hash))
    return stored


# The documents arrive as UTF-8 bytes and are bound as such (payplan.store.utf8_text); the
# result is packed as bound (its column's type, payplan.store.packed).
_INSERT_ROWS = insert(run_results).values(
    run_id=bindparam("run_id"), rep_id=bindparam("rep_id"), total=bindparam("total"),
    result=bindparam("result", type_=run_results.c.result.type), state=bindparam("state", type_=Utf8Text()),
    inputs=bindparam("inputs"))


def store_rows(conn: Connection, run_id: int, rows: list[RepRow]) -> None:
    """Insert rows of run `run_id` (its results, states and stored inputs)."""
    if rows:
        conn.execute(_INSERT_ROWS, [{"run_id": run_id, "rep_id": r.rep_id, "total": r.total,
                                     "result": r.stored_result(), "state": r.state, "inputs": r.inputs} for r in rows])


def _evaluated(conn: Connection, plan: Plan, plan_digest: str, period: Period, slices: list[list[str]],
               everyone: list[Rep], workers: int) -> Iterator[ChunkRows]:
    """Each slice's chunk, in order: here (`workers` 1), or from that many forked processes."""
    if workers <= 1:
        for rep_ids in slices:
            yield evaluate_chunk(conn, plan, plan_digest, period, rep_ids, everyone)
        return
    global _JOB
    snapshot = (conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
                if conn.dialect.name == "postgresql" else None)
    _JOB = _Job(conn.engine, conn.engine.url.render_as_string(hide_password=False), snapshot,
                plan, plan_digest, period, everyone)
    workers = min(workers, len(slices))
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start)
    try:
        # At most one chunk ahead per process: finished chunks waiting to be stored stay few.
        pending = deque(pool.submit(_evaluate, s) for s in slices[:2 * workers])
        for ahead in slices[2 * workers:] + [None] * len(pending):
            data = pending.popleft().result()
            if ahead is not None:
                pending.append(pool.submit(_evaluate, ahead))
            yield _DECODE.decode(data)
            del data
    except BrokenProcessPool:
        raise PayplanError(N_("a process computing the run's reps stopped (out of memory?): nothing was stored; "
                              "try again, or with fewer processes (--workers 1)")) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _JOB = None


def _slices(rep_ids: list[str], processes: int) -> list[list[str]]:
    """`rep_ids` cut into equal chunks of at most `CHUNK`, as many as a multiple of `processes`
    (so that no process is left computing the last chunk alone while the others wait)."""
    reps = len(rep_ids)
    count = -(-reps // CHUNK)
    count = min(count - count % -processes, reps)  # rounded up to a multiple; one rep a chunk at least
    return [rep_ids[i * reps // count:(i + 1) * reps // count] for i in range(count)]


def _parallel(conn: Connection, reps: int, processes: int) -> bool:
    """Whether forked processes compute the chunks: asked for, enough reps, and possible here."""
    return processes > 1 and reps >= PARALLEL_FROM and _forkable(conn)


def _forkable(conn: Connection) -> bool:
    """Whether other processes can read this database: a file or a server, on a system that forks."""
    url = conn.engine.url
    return hasattr(os, "fork") and not (url.get_backend_name() == "sqlite" and is_memory(url.database, url.query))


@dataclass
class _Job:
    """What the forked processes inherit: the parent's engine (left alone), how to connect, the
    snapshot to read (PostgreSQL) and what to evaluate."""

    inherited: Engine
    url: str
    snapshot: str | None
    plan: Plan
    plan_digest: str
    period: Period
    everyone: list[Rep]
    engine: Engine | None = None


_JOB: _Job | None = None


def _start() -> None:
    """In a forked process: forget the parent's pooled connections (never closed here: they are
    the parent's) and open an engine of its own."""
    assert _JOB is not None, "chunk processes must be forked from store_chunks"
    _JOB.inherited.dispose(close=False)
    _JOB.engine = make_engine(_JOB.url, poolclass=NullPool)


def _evaluate(rep_ids: list[str]) -> bytes:
    job = _JOB
    assert job is not None and job.engine is not None
    with job.engine.connect() as conn:
        if job.snapshot is not None:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            conn.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{job.snapshot}'")
        chunk = evaluate_chunk(conn, job.plan, job.plan_digest, job.period, rep_ids, job.everyone)
        conn.rollback()
        return _ENCODE.encode(packed(chunk, conn.dialect.name))
