"""The job queue's tables: jobs, their chunks, and the rows a chunk stores until its run is whole.

A job (today: computing a run) is split into chunks of reps. Workers claim a chunk
(`payplan.store.queue`), compute it and store its rows in `job_results` in the
same transaction that marks it done; the job's last step moves every row into
`run_results` at once, so a run exists only when every chunk is stored. The
primary keys are the idempotency: a chunk is done at most once, a rep's row is
stored at most once per job. Must not hold queries.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, LargeBinary, String, Table, Text

from payplan.store.schema import Money, metadata

JOB_STATES = ("queued", "done", "failed")
CHUNK_STATES = ("pending", "claimed", "done")


def _one_of(table: str, column: str, values: tuple[str, ...]) -> CheckConstraint:
    listed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=f"ck_{table}_{column}")


jobs = Table(
    "jobs", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),  # "run.create"
    Column("params", Text, nullable=False),  # canonical JSON: what the job computes
    Column("inputs_key", String(64), nullable=False),  # SHA-256 of kind and params
    Column("state", String(16), nullable=False, server_default="queued"),
    Column("requested_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("reps_total", Integer, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id")),  # the run it made, once done
    Column("error", Text),  # why it failed, for the person who asked
    _one_of("jobs", "state", JOB_STATES),
    Index("ix_jobs_state", "state"),
)

job_chunks = Table(
    "job_chunks", metadata,
    Column("job_id", Integer, ForeignKey("jobs.id"), primary_key=True),
    Column("chunk", Integer, primary_key=True),
    Column("rep_ids", Text, nullable=False),  # JSON list, in rep order: the chunk's reps, fixed at enqueue
    Column("reps", Integer, nullable=False),
    Column("state", String(16), nullable=False, server_default="pending"),
    Column("worker", String(100)),  # who holds (or held) the claim
    Column("lease_until", String(32)),  # a claim not renewed by then may be taken by another worker
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("inputs_hash", String(64)),  # SHA-256 of the chunk's scored inputs, once done
    _one_of("job_chunks", "state", CHUNK_STATES),
    Index("ix_job_chunks_state", "state", "lease_until"),
)

job_results = Table(
    "job_results", metadata,
    Column("job_id", Integer, ForeignKey("jobs.id"), primary_key=True),
    Column("rep_id", String(64), primary_key=True),
    Column("chunk", Integer, nullable=False),
    Column("total", Money(), nullable=False),
    Column("result", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("inputs", LargeBinary),
    Column("input_line", LargeBinary, nullable=False),  # the rep's line of the run's inputs hash
)
