"""Every statement of a run as a job (kind `statements.batch`): queue it, render a chunk, store its files.

`enqueue_statements` checks who may (those who see every result of a run: admin,
finance, HR) and that the run has results, and queues the run's reps in rep order,
`CHUNK` at a time. A worker renders a chunk's statements as `payplan statement --run`
makes them (signed, the calculation attached) with its process's one `PdfRenderer`,
after the read transaction (`read`, then `render`: no transaction idles while it renders);
they are stored in `job_files` (item "<rep> <lang>") in the transaction that marks the
chunk done, so a chunk rendered twice is stored once. The statements are of the run
as it was when queued: a run that changed since (recomputed, submitted, approved…:
its revision moved) fails the job. A second job for the same run, revision and
language while one is queued gives back that job, as does the same idempotency key.
`statement_files` reads a done job's files back one at a time, `write_zip` makes them one
ZIP archive. Must not choose a folder or write into one: `payplan.statements.batch` does.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

import msgspec
from sqlalchemy import Connection, bindparam, func, insert, select

from payplan.access.users import User, user_by_id
from payplan.errors import Conflict, Invalid, NotFound
from payplan.i18n import N_
from payplan.runs import lifecycle as runs
from payplan.runs.views import SEE_ALL
from payplan.statements import LANGUAGES
from payplan.statements.batch import Entry, file_name, pdf_entry, renderer, run_source
from payplan.statements.calculation import Calculation, result_hash
from payplan.statements.from_run import reps_calculations
from payplan.store import audit, idempotency, queue
from payplan.store.records import canonical_json, now_text
from payplan.store.service_schema import job_files, jobs, run_results

STATEMENTS_BATCH = "statements.batch"
CHUNK = 25  # statements per chunk: ~4 s of rendering on one core, well inside a lease
PDF = "application/pdf"
_INSERT = insert(job_files).values(
    job_id=bindparam("job_id"), chunk=bindparam("chunk"), item=bindparam("item"), name=bindparam("name"),
    media_type=PDF, digest=bindparam("digest"), content=bindparam("content"))


class StatementFile(msgspec.Struct, frozen=True):
    """One rendered statement of a chunk."""

    item: str  # "<rep id> <lang>"
    name: str  # `statements.batch.file_name`
    digest: str  # SHA-256 of content
    content: bytes
    result_hash: str


def enqueue_statements(conn: Connection, run_id: int, lang: str, actor: User, idempotency_key: str | None = None,
                       chunk_size: int = CHUNK) -> int:
    """Queue the statements of every rep of run `run_id` in `lang`; returns the job's id."""
    runs.require(actor, SEE_ALL, N_("print every statement of a run"))
    if lang not in LANGUAGES:
        raise Invalid(N_("unknown statement language %(lang)r (one of: %(langs)s)"), lang=lang,
                      langs=", ".join(LANGUAGES))
    request = {"run": run_id, "lang": lang}
    if idempotency_key is not None:
        prior = idempotency.claim(conn, idempotency_key, actor.id, STATEMENTS_BATCH, request)
        if prior is not None:
            return prior["job_id"]
    run = runs.get_run(conn, run_id)
    params = {"run_id": run.id, "revision": run.revision, "lang": lang, "plan": run.plan_ref, "period": run.period}
    key = hashlib.sha256(canonical_json({"kind": STATEMENTS_BATCH, **params}).encode()).hexdigest()
    job_id = conn.execute(select(jobs.c.id).where(jobs.c.inputs_key == key, jobs.c.state == "queued")).scalar()
    if job_id is None:
        job_id = _insert_job(conn, params, key, actor, chunk_size)
    if idempotency_key is not None:
        idempotency.remember(conn, idempotency_key, actor.id, STATEMENTS_BATCH, request, {"job_id": job_id})
    return job_id


def _insert_job(conn: Connection, params: dict, key: str, actor: User, chunk_size: int) -> int:
    reps = list(conn.execute(select(run_results.c.rep_id).where(run_results.c.run_id == params["run_id"])
                             .order_by(run_results.c.rep_id)).scalars())
    if not reps:
        raise Invalid(N_("run %(run)s has no results: there are no statements to print"), run=params["run_id"])
    job_id = conn.execute(insert(jobs).values(
        kind=STATEMENTS_BATCH, params=canonical_json(params), inputs_key=key, state="queued",
        requested_by=actor.id, created_at=now_text(), reps_total=len(reps), run_id=params["run_id"],
    ).returning(jobs.c.id)).scalar_one()
    queue.add_chunks(conn, job_id, [reps[i:i + chunk_size] for i in range(0, len(reps), chunk_size)])
    return job_id


def _unchanged(conn: Connection, params: dict) -> runs.RunRow:
    run = runs.get_run(conn, params["run_id"])
    if run.revision != params["revision"]:
        raise Conflict(N_("run %(run)s changed since its statements were queued (revision %(then)s, now %(now)s): "
                          "queue them again"), run=run.id, then=params["revision"], now=run.revision)
    return run


def read(conn: Connection, claim: queue.Claim, params: dict) -> list[Calculation]:
    """The chunk's calculations (read only), of the run as it was when queued."""
    return reps_calculations(conn, _unchanged(conn, params).id, claim.rep_ids)


def render(calcs: list[Calculation], params: dict) -> tuple[str, list[StatementFile]]:
    """The chunk's statements (no transaction open), and the SHA-256 of their result hashes: the
    key its done mark records."""
    lang, made = params["lang"], []
    for calc in calcs:
        pdf = renderer().statement(calc, lang)
        made.append(StatementFile(f"{calc.result.rep_id} {lang}", file_name(calc, lang),
                                  hashlib.sha256(pdf).hexdigest(), pdf, result_hash(calc, lang)))
    key = hashlib.sha256("\n".join(f.result_hash for f in made).encode()).hexdigest()
    return key, made


def store(conn: Connection, claim: queue.Claim, made: list[StatementFile]) -> None:
    """The chunk's files, in the transaction that marked it done."""
    if made:
        conn.execute(_INSERT, [{"job_id": claim.job_id, "chunk": claim.chunk, "item": f.item, "name": f.name,
                                "digest": f.digest, "content": f.content} for f in made])


def complete(conn: Connection, job_id: int, params: dict) -> bool:
    """Close a job whose every chunk is stored, with its audit row; False when there is nothing to do."""
    try:
        _unchanged(conn, params)
    except Conflict as exc:
        return queue.fail(conn, job_id, exc)
    if not queue.close(conn, job_id, "done"):
        return False  # another worker finished it first
    actor = user_by_id(conn, conn.execute(select(jobs.c.requested_by).where(jobs.c.id == job_id)).scalar_one())
    count = conn.execute(select(func.count()).select_from(job_files).where(job_files.c.job_id == job_id)).scalar_one()
    audit.record(conn, actor.name, STATEMENTS_BATCH, f"run {params['run_id']}",
                 {"job": job_id, "lang": params["lang"], "revision": params["revision"], "statements": count})
    return True


def statement_files(conn: Connection, job_id: int) -> Iterator[tuple[Entry, bytes]]:
    """A done statements job's files, in rep order, one at a time, with their manifest entries."""
    source = run_source(_done(conn, job_id)["run_id"])
    for item, name, content in _rows(conn, job_id):
        rep_id, lang = item.rsplit(" ", 1)
        yield pdf_entry(name, rep_id, source, lang, content), content


def write_zip(conn: Connection, job_id: int, stream: BinaryIO) -> None:
    """A done statements job's files as a ZIP archive (stored: PDFs are compressed already) into
    `stream`, read one at a time."""
    _done(conn, job_id)
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED) as archive:
        for _item, name, content in _rows(conn, job_id):
            archive.writestr(name, content)


def _done(conn: Connection, job_id: int) -> dict:
    row = conn.execute(select(jobs.c.kind, jobs.c.state, jobs.c.params, jobs.c.error, jobs.c.reps_total)
                       .where(jobs.c.id == job_id)).first()
    if row is None or row.kind != STATEMENTS_BATCH:
        raise NotFound(N_("job %(job)s is not a batch of statements"), job=job_id)
    if row.state == "failed":
        raise Conflict(N_("job %(job)s failed: %(error)s"), job=job_id, error=row.error or "")
    if row.state != "done":
        raise Conflict(N_("job %(job)s is not done yet: its statements are not ready"), job=job_id)
    params = msgspec.json.decode(row.params)
    if row.reps_total and not conn.execute(select(job_files.c.job_id).where(job_files.c.job_id == job_id).limit(1)).first():
        raise Conflict(N_("the files of job %(job)s were removed (payplan jobs prune): print the statements "
                          "of run %(run)s again"), job=job_id, run=params["run_id"])
    return params


def _rows(conn: Connection, job_id: int) -> Iterator[tuple[str, str, bytes]]:
    query = (select(job_files.c.item, job_files.c.name, job_files.c.content)
             .where(job_files.c.job_id == job_id).order_by(job_files.c.item))
    yield from conn.execute(query.execution_options(yield_per=50))
