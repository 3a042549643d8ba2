"""The job queue's moves: enqueue chunks, claim one under a lease, mark it done, read progress.

Workers on any number of machines share one queue in payplan's own database. A
worker claims the first chunk that is pending, or claimed under a lease that ran
out (its worker died: SIGKILL, a lost machine), in one short transaction: on
PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`, so concurrent claimers never wait
for each other or take the same chunk; on SQLite the write unit's `BEGIN
IMMEDIATE` serialises claimers. Marking a chunk done is a conditional UPDATE (from
any state but done), so of two workers that computed the same chunk exactly one
stores it. Timestamps are fixed-width UTC text (`now_text`), compared as text.
Must not know what a job computes.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import msgspec
from sqlalchemy import Connection, and_, func, insert, or_, select, update

from payplan.errors import PayplanError, reason_record
from payplan.i18n import N_
from payplan.store.service_schema import job_chunks, jobs
from payplan.store.records import now_text

# A claim lasts this long unless renewed (a worker renews it while it computes the chunk,
# `payplan.jobs.lease`): a killed worker's chunk goes back to the queue after it.
LEASE_SECONDS = 60.0
# A chunk claimed this many times without being stored fails its job (a bug, not a lost worker).
MAX_ATTEMPTS = 5


class Claim(msgspec.Struct, frozen=True):
    """A chunk a worker holds: its job, index and items (rep ids), and the job's kind and params."""

    job_id: int
    chunk: int
    rep_ids: list[str]
    kind: str = ""
    params: str = "{}"  # the job's canonical JSON params


def add_chunks(conn: Connection, job_id: int, chunks: list[list[str]]) -> None:
    """The job's chunks, pending, in order."""
    if chunks:
        conn.execute(insert(job_chunks), [{"job_id": job_id, "chunk": n, "rep_ids": msgspec.json.encode(ids).decode(),
                                           "reps": len(ids), "state": "pending", "attempts": 0}
                                          for n, ids in enumerate(chunks)])


def claim(conn: Connection, worker: str, lease_seconds: float = LEASE_SECONDS,
          job_id: int | None = None) -> Claim | None:
    """Take the first free chunk of a queued job (of job `job_id` if given) for `worker`;
    None when there is none."""
    now = now_text()
    free = or_(job_chunks.c.state == "pending",
               and_(job_chunks.c.state == "claimed", job_chunks.c.lease_until < now))
    query = (select(job_chunks.c.job_id, job_chunks.c.chunk, job_chunks.c.rep_ids, job_chunks.c.attempts,
                    jobs.c.kind, jobs.c.params)
             .join(jobs, jobs.c.id == job_chunks.c.job_id)
             .where(jobs.c.state == "queued", free)
             .order_by(job_chunks.c.job_id, job_chunks.c.chunk).limit(1))
    if job_id is not None:
        query = query.where(jobs.c.id == job_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=job_chunks)
    row = conn.execute(query).first()
    if row is None:
        return None
    if row.attempts >= MAX_ATTEMPTS:
        close(conn, row.job_id, "failed", error=reason_record(PayplanError(
            N_("chunk %(chunk)s was claimed %(attempts)s times and never stored (see the workers' logs)"),
            chunk=row.chunk, attempts=row.attempts)))
        return claim(conn, worker, lease_seconds, job_id)
    conn.execute(update(job_chunks).where(job_chunks.c.job_id == row.job_id, job_chunks.c.chunk == row.chunk)
                 .values(state="claimed", worker=worker, lease_until=lease_end(lease_seconds),
                         attempts=job_chunks.c.attempts + 1))
    return Claim(row.job_id, row.chunk, msgspec.json.decode(row.rep_ids), row.kind, row.params)


def renew(conn: Connection, job_id: int, chunk: int, worker: str, lease_seconds: float = LEASE_SECONDS) -> bool:
    """Extend `worker`'s lease on the chunk it is computing; False when it holds it no more
    (stored, or taken over by another worker after the lease ran out)."""
    return conn.execute(update(job_chunks).where(
        job_chunks.c.job_id == job_id, job_chunks.c.chunk == chunk, job_chunks.c.state == "claimed",
        job_chunks.c.worker == worker,
    ).values(lease_until=lease_end(lease_seconds))).rowcount == 1


def lease_end(seconds: float) -> str:
    then = datetime.now(timezone.utc) + timedelta(seconds=seconds)
    return then.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def finish(conn: Connection, job_id: int, chunk: int, inputs_hash: str) -> bool:
    """Mark the chunk done; False when it already was (another worker stored it first).

    Call it before storing the chunk's rows, in the same transaction: on PostgreSQL a
    concurrent finisher waits on the row and then finds it done."""
    changed = conn.execute(update(job_chunks).where(
        job_chunks.c.job_id == job_id, job_chunks.c.chunk == chunk, job_chunks.c.state != "done",
    ).values(state="done", inputs_hash=inputs_hash, lease_until=None)).rowcount
    return changed == 1


def unfinished(conn: Connection, job_id: int) -> int:
    """How many of the job's chunks are not done."""
    return conn.execute(select(func.count()).select_from(job_chunks).where(
        job_chunks.c.job_id == job_id, job_chunks.c.state != "done")).scalar_one()


def queued(conn: Connection, job_id: int) -> bool:
    """Whether the job is still queued (not done, not failed)."""
    return conn.execute(select(jobs.c.state).where(jobs.c.id == job_id)).scalar() == "queued"


def reps_done(conn: Connection, job_id: int) -> int:
    """Reps in the job's done chunks."""
    return conn.execute(select(func.coalesce(func.sum(job_chunks.c.reps), 0)).where(
        job_chunks.c.job_id == job_id, job_chunks.c.state == "done")).scalar_one()


def whole_jobs(conn: Connection) -> list[tuple[int, str, str]]:
    """(id, kind, params) of the queued jobs whose every chunk is done: only their last step is left."""
    open_chunks = select(job_chunks.c.job_id).where(job_chunks.c.job_id == jobs.c.id, job_chunks.c.state != "done")
    query = select(jobs.c.id, jobs.c.kind, jobs.c.params).where(jobs.c.state == "queued", ~open_chunks.exists())
    return [tuple(row) for row in conn.execute(query.order_by(jobs.c.id))]


def close(conn: Connection, job_id: int, state: str, **values: object) -> bool:
    """Move a queued job to `state` (done / failed); False when another worker already did."""
    changed = conn.execute(update(jobs).where(jobs.c.id == job_id, jobs.c.state == "queued")
                           .values(state=state, finished_at=now_text(), **values)).rowcount
    return changed == 1


def fail(conn: Connection, job_id: int, exc: PayplanError) -> bool:
    """Fail a queued job with `exc`'s reason, kept to be said later in the reader's language."""
    return close(conn, job_id, "failed", error=reason_record(exc))


def failure(conn: Connection, job_id: int) -> str | None:
    """Why the job failed, as stored (`payplan.errors.reason_record`); None unless it failed."""
    return conn.execute(select(jobs.c.error).where(jobs.c.id == job_id)).scalar()
