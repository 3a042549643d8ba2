"""A CRM export imported through a mapping file: mapped, checked against the store, imported or only checked.

The export is mapped (`payplan.facts.mapped.map_export`, owners looked up among the
stored reps), references are checked against the stored facts plus the import
(`payplan.facts.uploads.check_against_store`) and the rows go through the native import
path (`payplan.facts.audited.import_fact_set`): all or nothing, idempotent, audited.
A check (`check=True`) does all of it inside a savepoint it rolls back, so its
counts are the real ones and nothing stays written; its problems are returned, not
raised. `update=True` records the rows the CRM changed since their import as changes
(`payplan.facts.changes`, named by the export's own columns) instead of refusing the
export; checked, it says which rows would change. Used by the CLI, the API, the finance page and the import job
(`payplan.jobs.imports`). Must not decide who may import.
"""

from __future__ import annotations

import hashlib
from typing import Callable

import msgspec
from sqlalchemy import Connection, select

from payplan.access.users import User
from payplan.facts.uploads import check_against_store
from payplan.facts.audited import import_fact_set
from payplan.facts.changes import FactChange
from payplan.facts.mapped import MappedFile, Skipped, map_export, placed, placed_change, placed_conflict
from payplan.facts.mapping import Mapping
from payplan.facts.problems import FactError
from payplan.facts.rows import FactSet
from payplan.store import schema

FIRST_PROBLEMS = 20  # how many problems a check shows


class MappedReport(msgspec.Struct):
    """What an import through a mapping did (or, checked, would do)."""

    mapping: str
    version: int
    kind: str
    file: str
    rows: int  # data rows read from the export
    imported: int  # rows mapped and checked (rows − skipped, identical duplicates once)
    inserted: int  # of those, new to the store
    skipped: list[Skipped]
    sha256: str
    checked_only: bool = False
    problems: list[str] = []
    problem_count: int = 0
    changed: list[FactChange] = []  # rows stored before whose columns the export changed (`update`)


def owners_of(conn: Connection, mapping: Mapping) -> dict[str, str]:
    """Lower-cased owner (the reps column `owners_from` names) → rep id, from the stored reps."""
    if mapping.owners_from is None:
        return {}
    column = schema.reps.c["id" if mapping.owners_from == "rep_id" else mapping.owners_from]
    return {str(key).strip().lower(): rep for key, rep in conn.execute(select(column, schema.reps.c.id))
            if key is not None}


def import_mapped(conn: Connection, mapping: Mapping, name: str, data: bytes, actor: User, check: bool = False,
                  translate: Callable[[str], str] = lambda message: message, update: bool = False) -> MappedReport:
    """Import the export `name` through `mapping`; FactError (nothing written) unless `check`,
    whose problems are written by `translate` (a message id → the reader's language).
    `update`: rows stored with other content are changed, not refused."""
    digest = hashlib.sha256(data).hexdigest()
    changes: list[FactChange] | None = [] if update else None
    try:
        with conn.begin_nested() as savepoint:
            mapped = map_export(mapping, name, data, owners_of(conn, mapping))
            inserted = _store(conn, mapping, mapped, actor, changes)
            if check:
                savepoint.rollback()
    except FactError as exc:
        if not check:
            raise
        return MappedReport(mapping.id, mapping.version, mapping.kind, name, 0, 0, 0, [], digest, True,
                            [p.say(translate) for p in exc.problems[:FIRST_PROBLEMS]], len(exc.problems))
    return MappedReport(mapping.id, mapping.version, mapping.kind, name, mapped.read, len(mapped.rows), inserted,
                        list(mapped.skipped), digest, check, changed=[placed_change(mapping, c) for c in changes or []])


def _store(conn: Connection, mapping: Mapping, mapped: MappedFile, actor: User,
           changes: list[FactChange] | None) -> int:
    try:
        check_against_store(conn, mapped.kind, mapped.file, mapped.rows)
    except FactError as exc:
        raise FactError([placed(mapping, mapped.file, p) for p in exc.problems]) from None
    facts = FactSet(**{mapped.kind: mapped.rows}, sources={mapped.kind: mapped.file})
    try:
        return import_fact_set(conn, facts, actor, (mapping.id, mapping.version), changes)[mapped.kind]
    except FactError as exc:  # a stored row with other content, named by the export's column and id
        raise FactError([placed_conflict(mapping, mapped.file, p) for p in exc.problems]) from None
