"""The service's tables: plan versions, runs and their results, users, tokens, audit, idempotency, jobs.

They live in the same `MetaData` as the fact tables (`payplan.store.schema`) so one
Alembic history migrates both. Money uses the same exact integer types; JSON
documents are stored as text (canonical msgspec encodings) so their bytes, and so
their hashes, round-trip on SQLite and PostgreSQL alike. Timestamps are ISO-8601
UTC strings for the same reason. Must not hold queries: those live in
`payplan.plans.versions`, `payplan.runs.lifecycle`, `payplan.access.users` and `payplan.store.audit`.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    event,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from payplan.store.packed import PackedJson, server_lz4
from payplan.store.schema import Money, metadata

ROLES = ("admin", "finance", "hr", "manager", "rep")
RUN_STATES = ("draft", "submitted", "approved", "paid")
RUN_KINDS = ("regular", "adjustment")
DISPUTE_STATES = ("open", "answered", "resolved", "rejected")
DISPUTE_SUBJECTS = ("deal", "line", "kpi", "other")  # a deal missing or wrongly split, a pay line, a KPI value
DISPUTE_STEPS = ("open", "answer", "reply", "resolve", "reject")
FINAL_STATES = ("approved", "paid")
JOB_STATES = ("queued", "done", "failed")
CHUNK_STATES = ("pending", "claimed", "done")


def _one_of(table: str, column: str, values: tuple[str, ...]) -> CheckConstraint:
    listed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=f"ck_{table}_{column}")


users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("rep_id", String(64), ForeignKey("reps.id")),
    Column("password_hash", String(300)),
    Column("created_at", String(32), nullable=False),
    # bumped on logout, disable and password change: a session cookie carries the version it was
    # issued at, and one with another version is refused (payplan.api.auth)
    Column("session_version", Integer, nullable=False, server_default="1"),
    Column("disabled_at", String(32)),  # set by `payplan users disable`: no token, session or login
    UniqueConstraint("name", name="uq_users_name"),
    _one_of("users", "role", ROLES),
)

tokens = Table(
    "tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("token_hash", String(64), nullable=False),  # SHA-256 hex, never the token
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),  # PAYPLAN_TOKEN_DAYS after it was made
    Column("revoked_at", String(32)),
    UniqueConstraint("token_hash", name="uq_tokens_token_hash"),
    Index("ix_tokens_user", "user_id"),
)

plan_versions = Table(
    "plan_versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date),
    Column("period", String(16), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("source", Text, nullable=False),
    Column("source_name", String(300), nullable=False),
    Column("published_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("published_at", String(32), nullable=False),
    UniqueConstraint("plan_id", "version", name="uq_plan_versions_plan_version"),
    UniqueConstraint("hash", name="uq_plan_versions_hash"),
)

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_version_id", Integer, ForeignKey("plan_versions.id"), nullable=False),
    Column("period", String(8), nullable=False),
    Column("kind", String(16), nullable=False, server_default="regular"),
    Column("adjusts_run_id", Integer, ForeignKey("runs.id")),
    Column("state", String(16), nullable=False, server_default="draft"),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("submitted_by", Integer, ForeignKey("users.id")),
    Column("submitted_at", String(32)),
    Column("approved_by", Integer, ForeignKey("users.id")),
    Column("approved_at", String(32)),
    Column("paid_by", Integer, ForeignKey("users.id")),
    Column("paid_at", String(32)),
    Column("rejected_reason", Text),
    Column("inputs_hash", String(64)),
    Column("outputs_hash", String(64)),
    Column("revision", Integer, nullable=False, server_default="1"),
    _one_of("runs", "state", RUN_STATES),
    _one_of("runs", "kind", RUN_KINDS),
    # one regular run per plan version and period: corrections are adjustment runs
    Index("ux_runs_regular", "plan_version_id", "period", unique=True,
          sqlite_where=text("kind = 'regular'"), postgresql_where=text("kind = 'regular'")),
    Index("ix_runs_period", "period", "state"),
)

run_results = Table(
    "run_results", metadata,
    Column("run_id", Integer, ForeignKey("runs.id"), primary_key=True),
    Column("rep_id", String(64), ForeignKey("reps.id"), primary_key=True),
    Column("total", Money(), nullable=False),
    # payplan.evaluation.report.result_dict as JSON, packed (payplan.store.packed: read back as the JSON)
    Column("result", PackedJson, nullable=False),
    Column("state", Text, nullable=False),  # CarriedState after this period, as JSON
    # what was scored (payplan.runs.stored_inputs): NULL for runs stored before 0003_stmt
    Column("inputs", LargeBinary),
    Index("ix_run_results_rep", "rep_id"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", String(32), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(64), nullable=False),
    Column("object", String(300), nullable=False),
    Column("detail", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("prev_hash", name="uq_audit_log_prev_hash"),  # a fork cannot be stored
    UniqueConstraint("hash", name="uq_audit_log_hash"),
)

idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("scope", String(100), nullable=False),
    Column("response", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    UniqueConstraint("key", "user_id", "scope", name="uq_idempotency_keys_key_user_scope"),
)

# Who imported facts of which days: the importer of a period's facts may not approve its runs
# (payplan.runs.lifecycle.approve). first_day/last_day span the dated rows of the file imported.
fact_imports = Table(
    "fact_imports", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("source", String(300), nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("imported_at", String(32), nullable=False),
    # the mapping a CRM export came through (its id and version); NULL for payplan's own files
    Column("mapping_id", String(100)),
    Column("mapping_version", Integer),
    Index("ix_fact_imports_user_days", "user_id", "first_day", "last_day"),
)

# Who acknowledged which plan version, and when: a rep (or manager) confirms they read the plan
# they are paid on. Once per user and version; the audit log records it too.
plan_acknowledgements = Table(
    "plan_acknowledgements", metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_version_id", Integer, ForeignKey("plan_versions.id"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("rep_id", String(64), ForeignKey("reps.id")),
    Column("acknowledged_at", String(32), nullable=False),
    UniqueConstraint("plan_version_id", "user_id", name="uq_plan_acknowledgements_version_user"),
)

# A rep's question about one line of an approved statement (a deal missing, a wrong split, a KPI
# value), and its thread of steps: open → answered → resolved or rejected. Resolving may name the
# adjustment run that corrects it.
disputes = Table(
    "disputes", metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("rep_id", String(64), ForeignKey("reps.id"), nullable=False),
    Column("subject_kind", String(16), nullable=False),
    Column("subject", String(200), nullable=False),  # the deal id, the line's component/kind/deal, the KPI id
    Column("state", String(16), nullable=False, server_default="open"),
    Column("opened_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("opened_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("adjustment_run_id", Integer, ForeignKey("runs.id")),
    Column("revision", Integer, nullable=False, server_default="1"),
    _one_of("disputes", "state", DISPUTE_STATES),
    _one_of("disputes", "subject_kind", DISPUTE_SUBJECTS),
    Index("ix_disputes_run", "run_id", "state"),
    Index("ix_disputes_rep", "rep_id"),
)

dispute_steps = Table(
    "dispute_steps", metadata,
    Column("id", Integer, primary_key=True),
    Column("dispute_id", Integer, ForeignKey("disputes.id"), nullable=False),
    Column("step", String(16), nullable=False),
    Column("author", Integer, ForeignKey("users.id"), nullable=False),
    Column("at", String(32), nullable=False),
    Column("text", Text, nullable=False),
    _one_of("dispute_steps", "step", DISPUTE_STEPS),
    Index("ix_dispute_steps_dispute", "dispute_id"),
)

# The job queue (payplan.store.queue, docs/jobs.md): a job (computing a run) is split into chunks
# of reps; a worker stores a chunk's rows in job_results in the transaction that marks it done,
# and the job's last step moves them into run_results at once, so a run exists only whole. The
# primary keys are the idempotency: a chunk is done once, a rep's row is stored once per job.
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
    Column("result", PackedJson, nullable=False),  # as run_results.result: moved there as stored
    Column("state", Text, nullable=False),
    Column("inputs", LargeBinary),
    Column("input_line", LargeBinary, nullable=False),  # the rep's line of the run's inputs hash
)

# What a job made besides a run: one file per item (a rep's statement PDF, a simulation's
# report), stored with its chunk's done mark, so an item is stored once however often computed.
job_files = Table(
    "job_files", metadata,
    Column("job_id", Integer, ForeignKey("jobs.id"), primary_key=True),
    Column("item", String(200), primary_key=True),  # what the file is of: "AE01 uk", "report"
    Column("chunk", Integer, nullable=False),
    Column("name", String(255), nullable=False),  # its file name, as a download or in a folder
    Column("media_type", String(100), nullable=False),
    Column("digest", String(64), nullable=False),  # SHA-256 of content
    Column("content", LargeBinary, nullable=False),
)

for _documents in (run_results, job_results):  # compressed by the server (payplan.store.packed)
    event.listen(_documents, "after_create", lambda table, conn, **_: server_lz4(conn, table.name))

SERVICE_TABLES = {t.name: t for t in (users, tokens, plan_versions, runs, run_results, audit_log,
                                      idempotency_keys, fact_imports, plan_acknowledgements, disputes,
                                      dispute_steps, jobs, job_chunks, job_results, job_files)}
