"""Run creation as a job: enqueue it split into chunks of reps, and read its progress.

`enqueue_run` checks what `lifecycle.create_run` checks (who may, the plan, the
period, no second regular run) and queues a job whose chunks list the eligible
reps in rep order, `CHUNK` at a time; workers compute them (`payplan.runs.worker`)
and the run appears, whole, when the last one is stored. The same
`Idempotency-Key` gives back the same job. Must not compute or store results.
"""

from __future__ import annotations

import hashlib

import msgspec
from sqlalchemy import Connection, func, insert, select

from payplan.access.users import User
from payplan.facts.changes import FactChange, counts
from payplan.errors import Conflict, NotFound, PayplanError, stored_reason
from payplan.i18n import N_
from payplan.core.periods import parse_period
from payplan.plans import versions as plan_store
from payplan.plans.versions import PlanVersionRow
from payplan.runs.chunks import run_reps
from payplan.runs.lifecycle import MAKERS, plan_period, refuse_second_regular, require
from payplan.runs.rows import RunRow
from payplan.store import idempotency, queue
from payplan.store.service_schema import job_files, jobs
from payplan.store.records import canonical_json, now_text

RUN_CREATE = "run.create"
CHUNK = 500  # reps per chunk: ~10 MiB of documents, stored in one short transaction


FACTS_IMPORT = "facts.import"  # a fact import's kind (`payplan.jobs.imports`), whose report the status reads
IMPORTED = "imported"  # the job file of a done `facts.import` job: JSON {kind: new rows}
SKIPPED = "skipped"  # and of the rows its mapping skipped, if any: JSON [{row, reason}]
CHANGED = "changed"  # and of the stored rows it changed (`update`), if any: JSON [FactChange]


class JobStatus(msgspec.Struct, frozen=True):
    """Where a job stands: queued / done / failed, reps done of the total, and its run (the run a
    `run.create` job made; the run whose statements a `statements.batch` job prints, in `lang`,
    with the `files` stored so far); `imported`: the new rows per kind a done fact import
    (`facts.import`, whose one item counts as its one "rep") imported, `skipped`: the rows
    of a CRM export its mapping skipped, `changed`: the stored rows per kind it changed (`update`)."""

    id: int
    kind: str
    state: str
    plan: str
    period: str
    reps_done: int
    reps_total: int
    run_id: int | None
    error: str | None
    lang: str | None = None
    files: int = 0
    imported: dict[str, int] | None = None
    skipped: int = 0
    changed: dict[str, int] = {}


def enqueue_run(conn: Connection, plan_ref: str, period: str, actor: User,
                idempotency_key: str | None = None, chunk_size: int = CHUNK) -> int:
    """Queue the computation of a new draft run; returns the job's id."""
    require(actor, MAKERS, N_("create runs"))
    request = {"plan": plan_ref, "period": period}
    if idempotency_key is not None:
        prior = idempotency.claim(conn, idempotency_key, actor.id, "runs.create", request)
        if prior is not None:
            return prior["job_id"]
    version = plan_store.get_plan(conn, plan_ref)
    plan = plan_store.load(conn, version)
    pay_period = plan_period(plan, period)
    refuse_second_regular(conn, version, pay_period)
    params = {"plan": version.ref, "plan_version_id": version.id, "period": pay_period.key}
    key = hashlib.sha256(canonical_json({"kind": RUN_CREATE, **params}).encode()).hexdigest()
    _refuse_second_job(conn, key, version.ref, pay_period.key)
    reps = run_reps(conn, plan, pay_period)
    job_id = insert_job(conn, RUN_CREATE, {**params, "idempotency_key": idempotency_key}, key, actor, reps,
                        [reps[i:i + chunk_size] for i in range(0, len(reps), chunk_size)])
    if idempotency_key is not None:
        idempotency.remember(conn, idempotency_key, actor.id, "runs.create", request, {"job_id": job_id})
    return job_id


def insert_job(conn: Connection, kind: str, params: dict, key: str, actor: User, reps: list[str],
               chunks: list[list[str]], run_id: int | None = None) -> int:
    """A queued job of `kind` over `reps`, split into `chunks`; returns its id."""
    job_id = conn.execute(insert(jobs).values(
        kind=kind, params=canonical_json(params), inputs_key=key, state="queued", requested_by=actor.id,
        created_at=now_text(), reps_total=len(reps), run_id=run_id,
    ).returning(jobs.c.id)).scalar_one()
    queue.add_chunks(conn, job_id, chunks)
    return job_id


def _refuse_second_job(conn: Connection, key: str, plan_ref: str, period: str) -> None:
    queued = queued_job(conn, key)
    if queued is not None:
        raise Conflict(N_("job %(job)s is already computing the run of %(plan)s for %(period)s"),
                       job=queued, plan=plan_ref, period=period)


def run_key(kind: str, run_id: int) -> str:
    """The inputs key of a job of `kind` on run `run_id` (one may be queued at a time)."""
    return hashlib.sha256(canonical_json({"kind": kind, "run_id": run_id}).encode()).hexdigest()


def queued_job(conn: Connection, key: str) -> int | None:
    """The queued job with inputs key `key`, if there is one."""
    return conn.execute(select(jobs.c.id).where(jobs.c.inputs_key == key, jobs.c.state == "queued")).scalar()


def run_plan_reps(conn: Connection, run: RunRow) -> tuple[PlanVersionRow, list[str]]:
    """The run's plan version and the reps a run of its plan and period evaluates."""
    version = plan_store.get_plan_by_id(conn, run.plan_version_id)
    return version, run_reps(conn, plan_store.load(conn, version), parse_period(run.period))


def job_reason(conn: Connection, job_id: int) -> PayplanError | None:
    """Why the job failed, to be said in the reader's language (`JobStatus.error` is English);
    None unless it failed."""
    stored = queue.failure(conn, job_id)
    return stored_reason(stored) if stored is not None else None


def job_status(conn: Connection, job_id: int) -> JobStatus:
    row = conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
    if row is None:
        raise NotFound(N_("job %(job)s does not exist"), job=job_id)
    params = msgspec.json.decode(row["params"])
    done = row["reps_total"] if row["state"] == "done" else queue.reps_done(conn, job_id)
    files = conn.execute(select(func.count()).select_from(job_files).where(
        job_files.c.job_id == job_id, job_files.c.chunk >= 0)).scalar_one()  # made, not sent (chunk -1)
    error = stored_reason(row["error"]).detail if row["error"] is not None else None  # English
    report, skipped, changed = _import_report(conn, job_id) if row["kind"] == FACTS_IMPORT else (None, 0, {})
    return JobStatus(row["id"], row["kind"], row["state"], params["plan"], params["period"], done,
                     row["reps_total"], row["run_id"], error, params.get("lang"), files, report, skipped, changed)


def _import_report(conn: Connection, job_id: int) -> tuple[dict[str, int] | None, int, dict[str, int]]:
    """A done import's new rows per kind (None before), how many rows its mapping skipped, and the
    stored rows per kind it changed."""
    found = dict(conn.execute(select(job_files.c.item, job_files.c.content).where(
        job_files.c.job_id == job_id, job_files.c.item.in_((IMPORTED, SKIPPED, CHANGED)))).all())
    report = msgspec.json.decode(found[IMPORTED], type=dict[str, int]) if IMPORTED in found else None
    changed = counts(msgspec.json.decode(found[CHANGED], type=list[FactChange])) if CHANGED in found else {}
    return report, len(msgspec.json.decode(found[SKIPPED])) if SKIPPED in found else 0, changed
