"""Import fact files into the service database on a user's behalf, with one audit row per file.

Wraps `payplan.store.imports.import_facts` (idempotent, all-or-nothing per file)
with the permission check and the audit trail; the caller owns the transaction, so
the facts and their audit rows commit together. Must not parse files (that is
`payplan.facts`).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from payplan import audit
from payplan.errors import Forbidden
from payplan.facts import FactSet, read_facts
from payplan.store.imports import import_facts
from payplan.users import User

IMPORTERS = ("admin", "finance", "hr")


def import_directory(conn: Connection, directory: str | Path, actor: User) -> dict[str, int]:
    """Read, validate and import every fact file in `directory`; new rows per kind."""
    _require(actor)
    return import_fact_set(conn, read_facts(directory), actor)


def import_fact_set(conn: Connection, facts: FactSet, actor: User) -> dict[str, int]:
    """Import validated facts (e.g. from an upload) and audit each file read."""
    _require(actor)
    inserted = import_facts(conn, facts)
    for kind, source in facts.sources.items():
        rows = len(getattr(facts, kind))
        audit.record(conn, actor.name, "facts.import", f"file {source}",
                     {"kind": kind, "rows": rows, "new_rows": inserted.get(kind, 0)})
    return inserted


def _require(actor: User) -> None:
    if actor.role not in IMPORTERS:
        raise Forbidden(f"a {actor.role} cannot import facts (only {', '.join(IMPORTERS)})")
