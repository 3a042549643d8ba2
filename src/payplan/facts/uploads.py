"""One uploaded fact file (CSV or JSON bytes) → validated rows → the fact store, all or nothing.

The bytes are written to a private temporary directory under the file's canonical
name (`deals.csv`) and read by `payplan.facts`' own readers, so an upload is
checked exactly like a file on disk (encoding, header, dates, numbers, duplicate
ids) and every problem names file, row and column. References are then checked
against the facts already stored plus the upload (a deal's rep must be a known
rep), and the rows are imported with `payplan.store.import_facts` (idempotent on
the external ids; a stored id with other content is a conflict). Must not decide
who may import.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any, Iterable

import msgspec
from sqlalchemy import Connection, select

from payplan.access.users import User
from payplan.facts.audited import import_fact_set
from payplan.facts.changes import FactChange
from payplan.facts.checks import check_references
from payplan.facts.files import read_records
from payplan.facts.problems import FactError, FactProblem
from payplan.facts.read import SPECS, parse_file
from payplan.facts.rows import DealRow, FactSet, RepRow
from payplan.i18n import N_
from payplan.store import schema

KINDS = tuple(SPECS)
_CHUNK = 500


class ImportReport(msgspec.Struct):
    """What an upload did: rows read from the file, rows new to the store."""

    kind: str
    file: str
    rows: int
    inserted: int
    sha256: str
    changed: list[FactChange] = []  # rows stored before whose columns the file changed (`update`)
    checked_only: bool = False  # `check`: what the import would do; nothing was written


def import_upload(conn: Connection, kind: str, fmt: str, data: bytes, actor: User,
                  update: bool = False, check: bool = False) -> ImportReport:
    """Validate and store one uploaded file of `kind` ("deals") in format `fmt` ("csv"/"json");
    `update`: rows stored with other content are changed, not refused (`payplan.facts.changes`);
    `check`: all of it inside a savepoint rolled back, so the counts are real and nothing stays."""
    name = f"{kind}.{fmt}"
    rows = parse_upload(kind, name, data)
    changes: list[FactChange] | None = [] if update else None
    with conn.begin_nested() as savepoint:
        check_against_store(conn, kind, name, rows)
        inserted = import_fact_set(conn, FactSet(**{kind: rows}, sources={kind: name}), actor, changes=changes)[kind]
        if check:
            savepoint.rollback()
    return ImportReport(kind, name, len(rows), inserted, hashlib.sha256(data).hexdigest(), changes or [], check)


def parse_upload(kind: str, name: str, data: bytes) -> tuple:
    """The file's validated rows; FactError naming file/row/column for every problem."""
    problems: list[FactProblem] = []
    with tempfile.TemporaryDirectory(prefix="payplan-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        records = read_records(path, problems)  # the same reader as files on disk
    rows: tuple = ()
    if records is not None:
        rows = parse_file(name, records, SPECS[kind], problems)
    if not problems and not rows:
        problems.append(FactProblem(name, None, None, N_("the file has no data rows")))
    if problems:
        raise FactError(problems)
    return rows


def check_against_store(conn: Connection, kind: str, name: str, rows: tuple) -> None:
    """Unknown reps, managers, deals and teams, given what is stored plus the upload."""
    uploaded_reps = rows if kind == "reps" else ()
    deals = _stored_deals(conn, {r.deal_id for r in rows}) if kind == "credits" else []
    wanted = None if kind in ("reps", "targets") else {r.rep_id for r in (*rows, *deals)}
    stored = [r for r in _stored_reps(conn, wanted) if r.rep_id not in {u.rep_id for u in uploaded_reps}]
    sources = {k: f"{k} (stored)" for k in KINDS} | {kind: name}
    context: dict[str, Any] = {kind: rows, "reps": (*stored, *uploaded_reps)}
    if kind == "credits":
        context["deals"] = tuple(deals)
    problems: list[FactProblem] = []
    check_references(FactSet(**context, sources=sources), problems)
    problems = [p for p in problems if p.file == name]
    if problems:
        raise FactError(problems)


def _stored_reps(conn: Connection, ids: set[str] | None) -> list[RepRow]:
    t = schema.reps
    columns = (t.c.id, t.c.name, t.c.email, t.c.role, t.c.team, t.c.manager_id, t.c.hired_on,
               t.c.terminated_on, t.c.currency, t.c.salary, t.c.payroll_id)
    if ids is None:
        return [RepRow(*row) for row in conn.execute(select(*columns))]
    return [RepRow(*row) for chunk in _chunks(ids) for row in conn.execute(select(*columns).where(t.c.id.in_(chunk)))]


def _stored_deals(conn: Connection, ids: set[str]) -> list[DealRow]:
    t = schema.deals
    columns = (t.c.id, t.c.rep_id, t.c.created_at, t.c.closed_at, t.c.status, t.c.amount, t.c.cost,
               t.c.currency, t.c.product, t.c.cancelled_at)
    return [DealRow(*row) for chunk in _chunks(ids) for row in conn.execute(select(*columns).where(t.c.id.in_(chunk)))]


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]
