"""A fact import as a job: the files travel in the database, a worker imports them, all or nothing.

`enqueue_import` checks who may import the files' kinds and keeps the files' bytes with the
job (`job_files`, item `in:<name>`), so a worker on another machine reads what was sent.
The job is one chunk: a worker reads the files (`compute`, read only) and imports them in
the transaction that marks the chunk done (`store`), through the very functions of an import
here and now: a directory of fact files (`payplan import DIR`) through
`audited.import_directory`, one uploaded file (`POST /facts/{kind}`) through
`uploads.import_upload`, a CRM export through a mapping (`enqueue_mapped`: the mapping's
file and its owners file travel with the job, as they were when it was queued) through
`mapped_imports.import_mapped`, each with its audit rows, on behalf of whoever queued it. A file
with problems fails the job, its first `SHOWN_PROBLEMS` problems named (file, row, column)
and the rest counted; nothing is imported then. What was imported (new rows per kind) is kept as
the item `imported`, the rows a mapping skipped (with its reasons) as the item `skipped`, and
the stored rows an import asked to record changes (`update`) changed as the item `changed`.
Must not parse files or decide what a fact is.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import msgspec
from sqlalchemy import Connection, insert, select

from payplan.access.users import User
from payplan.errors import Forbidden, Invalid
from payplan.facts.audited import import_directory, may_import
from payplan.facts.changes import FactChange
from payplan.facts.mapped_imports import import_mapped
from payplan.facts.mapping import OWNERS_SENT, load_mapping, mapping_from_sources, mapping_sources
from payplan.facts.problems import FactError
from payplan.facts.read import SPECS
from payplan.facts.uploads import import_upload
from payplan.i18n import N_
from payplan.runs.jobs import FACTS_IMPORT
from payplan.runs.jobs import IMPORTED as REPORT
from payplan.runs.jobs import CHANGED, SKIPPED
from payplan.runs.worker import requester
from payplan.store import idempotency, queue
from payplan.store.records import canonical_json, now_text
from payplan.store.service_schema import job_files, jobs

INPUT = "in:"  # the item prefix of the fact files (or the export) sent
MAPPING, OWNERS = "map:", "owners:"  # the items of a mapping's file and its owners file
MEDIA = {"csv": "text/csv", "json": "application/json"}
SHOWN_PROBLEMS = 20  # in a failed job's reason; the rest are counted


def directory_files(folder: Path) -> dict[str, bytes]:
    """The fact files `payplan import DIR` reads in `folder` (`reps.csv`, `deals.json`, …), by name."""
    return {path.name: path.read_bytes() for kind in SPECS for path in (folder / f"{kind}.csv", folder / f"{kind}.json")
            if path.is_file()}


def enqueue_import(conn: Connection, files: dict[str, bytes], actor: User, *, upload: str | None = None,
                   idempotency_key: str | None = None, update: bool = False) -> int:
    """Queue the import of `files` (a directory's, by name; or one file of kind `upload`); the job's id.
    `update`: rows the CRM changed are recorded as changes (`payplan.facts.changes`), not refused."""
    if not files:
        raise Invalid(N_("there is no fact file to import"))
    kinds = [upload] if upload else sorted({name.rsplit(".", 1)[0] for name in files})
    sent = {INPUT + name: (name, data) for name, data in files.items()}
    what = {"upload": upload, **({"update": True} if update else {})}  # an import without it keeps its key
    return _enqueue(conn, kinds, sent, what, actor, idempotency_key)


def enqueue_mapped(conn: Connection, mapping_path: Path, name: str, data: bytes, actor: User, *,
                   idempotency_key: str | None = None, update: bool = False) -> int:
    """Queue the import of the CRM export `name` through the mapping file at `mapping_path`;
    `update` as in `enqueue_import`."""
    mapping = load_mapping(mapping_path)  # a broken mapping is refused now, naming its file and key
    text, owners = mapping_sources(mapping_path)
    sent = {INPUT + name: (name, data), MAPPING + mapping.file: (mapping.file, text)}
    if owners is not None:
        sent[OWNERS + OWNERS_SENT] = (OWNERS_SENT, owners)
    what = {"upload": None, "mapping": mapping.file, **({"update": True} if update else {})}
    return _enqueue(conn, [mapping.kind], sent, what, actor, idempotency_key)


def _enqueue(conn: Connection, kinds: list[str], sent: dict[str, tuple[str, bytes]], what: dict, actor: User,
             idempotency_key: str | None) -> int:
    """The job importing the `sent` files (item → (name, bytes)) of `kinds`, if `actor` may import them."""
    refused = [kind for kind in kinds if not may_import(actor.role, kind)]
    if refused:
        raise Forbidden(N_("a %(role)s cannot import %(kinds)s facts "
                           "(admin and finance import facts; hr imports targets only)"),
                        role=actor.role, kinds=", ".join(refused))
    files = {name: data for item, (name, data) in sent.items() if item.startswith(INPUT)}
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    params = {"files": digests, **what, "plan": "", "period": ""}
    if "mapping" in what:  # the mapping as sent is part of what the job imports
        params["sources"] = {item: hashlib.sha256(data).hexdigest() for item, (_, data) in sorted(sent.items())}
    if idempotency_key is not None:
        prior = idempotency.claim(conn, idempotency_key, actor.id, FACTS_IMPORT, params)
        if prior is not None:
            return prior["job_id"]
    job_id = conn.execute(insert(jobs).values(
        kind=FACTS_IMPORT, params=canonical_json(params), state="queued", requested_by=actor.id,
        inputs_key=hashlib.sha256(canonical_json({"kind": FACTS_IMPORT, **params}).encode()).hexdigest(),
        created_at=now_text(), reps_total=1).returning(jobs.c.id)).scalar_one()
    conn.execute(insert(job_files), [
        {"job_id": job_id, "item": item, "chunk": -1, "name": name, "digest": hashlib.sha256(data).hexdigest(),
         "media_type": MEDIA.get(name.rsplit(".", 1)[-1], "application/octet-stream"), "content": data}
        for item, (name, data) in sorted(sent.items())])
    queue.add_chunks(conn, job_id, [[FACTS_IMPORT]])
    if idempotency_key is not None:
        idempotency.remember(conn, idempotency_key, actor.id, FACTS_IMPORT, params, {"job_id": job_id})
    return job_id


def compute(conn: Connection, claim: queue.Claim, params: dict) -> tuple[str, dict[str, bytes]]:
    """The files sent, by item (read only); keyed by their digests."""
    rows = conn.execute(select(job_files.c.item, job_files.c.content).where(
        job_files.c.job_id == claim.job_id, job_files.c.chunk == -1)).all()
    key = canonical_json(params.get("sources") or params["files"])
    return hashlib.sha256(key.encode()).hexdigest(), {item: bytes(content) for item, content in rows}


def store(conn: Connection, claim: queue.Claim, files: dict[str, bytes]) -> None:
    """Import the files on behalf of whoever queued them; what was imported kept as `REPORT`."""
    params = msgspec.json.decode(claim.params)
    actor = requester(conn, claim.job_id)
    try:
        imported, skipped, changed = _import(conn, files, actor, params)
    except FactError as exc:
        raise _problems(exc) from None
    kept = [(REPORT, "imported.json", msgspec.json.encode(imported))]
    if skipped:  # the rows a mapping skipped, and why (its own words)
        kept.append((SKIPPED, "skipped.json", msgspec.json.encode(skipped)))
    if changed:  # the stored rows the import changed (`update`), column by column
        kept.append((CHANGED, "changed.json", msgspec.json.encode(changed)))
    conn.execute(insert(job_files), [
        {"job_id": claim.job_id, "item": item, "chunk": claim.chunk, "name": name, "media_type": "application/json",
         "digest": hashlib.sha256(content).hexdigest(), "content": content} for item, name, content in kept])


def _import(conn: Connection, sent: dict[str, bytes], actor: User,
            params: dict) -> tuple[dict[str, int], list, list[FactChange]]:
    """(new rows per kind, the rows a mapping skipped, the stored rows changed) of importing the files sent."""
    files = {item.removeprefix(INPUT): data for item, data in sent.items() if item.startswith(INPUT)}
    update = bool(params.get("update"))
    if params.get("mapping"):
        ((name, data),) = files.items()
        mapping = mapping_from_sources(params["mapping"], sent[MAPPING + params["mapping"]],
                                       sent.get(OWNERS + OWNERS_SENT))
        mapped = import_mapped(conn, mapping, name, data, actor, update=update)
        return {mapped.kind: mapped.inserted}, list(mapped.skipped), mapped.changed
    if upload := params.get("upload"):
        ((name, data),) = files.items()
        report = import_upload(conn, upload, name.rsplit(".", 1)[-1], data, actor, update)
        return {report.kind: report.inserted}, [], report.changed
    changes: list[FactChange] = []
    with tempfile.TemporaryDirectory(prefix="payplan-import-job-") as folder:
        for name, data in files.items():
            (Path(folder) / Path(name).name).write_bytes(data)
        return import_directory(conn, folder, actor, changes if update else None), [], changes


def _problems(exc: FactError) -> Invalid:
    """A failed import's reason: the first problems, each naming its file, row and column."""
    shown = [p.phrase() for p in exc.problems[:SHOWN_PROBLEMS]]  # said in the reader's language
    if len(exc.problems) > SHOWN_PROBLEMS:
        return Invalid(N_("nothing was imported: %(found)s; and %(more)s more problems"), found=shown,
                       more=len(exc.problems) - SHOWN_PROBLEMS)
    return Invalid(N_("nothing was imported: %(found)s"), found=shown)


def complete(conn: Connection, job_id: int, params: dict) -> bool:
    return queue.close(conn, job_id, "done")


