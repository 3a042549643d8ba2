"""Import fact files into the service database on a user's behalf, with one audit row per file.

Wraps `payplan.facts.imports.import_facts` (idempotent, all-or-nothing per file)
with the permission check, the audit trail and the record of who imported facts of
which days (`payplan.facts.importers`, for segregation of duties at approval); the
caller owns the transaction, so the facts and their audit rows commit together. Must not parse files (that is
`payplan.facts.read`).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from payplan.access.users import User
from payplan.errors import Forbidden
from payplan.facts import importers
from payplan.facts.changes import FactChange, audit_detail, counts
from payplan.facts.imports import import_facts
from payplan.facts.read import read_facts
from payplan.facts.rows import FactSet
from payplan.i18n import N_
from payplan.store import audit, statistics

# Who may import which fact kinds (None: all). HR maintains the target cascade only;
# activity, deal and score facts feed pay, so finance and admins own them. The API uses this too.
IMPORTERS: dict[str, frozenset[str] | None] = {"admin": None, "finance": None, "hr": frozenset({"targets"})}


def may_import(role: str, kind: str) -> bool:
    allowed = IMPORTERS.get(role, frozenset())
    return allowed is None or kind in allowed


def import_directory(conn: Connection, directory: str | Path, actor: User,
                     changes: list[FactChange] | None = None) -> dict[str, int]:
    """Read, validate and import every fact file in `directory`; new rows per kind (`changes`:
    see `import_fact_set`)."""
    facts = read_facts(directory)
    _require(actor, [kind for kind in facts.sources])
    return import_fact_set(conn, facts, actor, changes=changes)


def import_fact_set(conn: Connection, facts: FactSet, actor: User,
                    mapping: tuple[str, int] | None = None, changes: list[FactChange] | None = None) -> dict[str, int]:
    """Import validated facts (e.g. from an upload) and audit each file read; `mapping`: the (id,
    version) of the mapping a CRM export came through, named in the audit row and the import's record.
    `changes`: a list to record rows the CRM changed in (`payplan.facts.changes`), each named in
    the audit row; without it such a row refuses its file."""
    _require(actor, list(facts.sources))
    inserted = import_facts(conn, facts, changes)
    changed = counts(changes or [])
    if any(inserted.values()) or changed:
        statistics.analyze(conn)  # SQLite plans the run's aggregates from them
    touched = {kind: inserted.get(kind, 0) + changed.get(kind, 0) for kind in facts.sources}
    importers.record(conn, facts, actor.id, touched, mapping, changes or [])
    for kind, source in facts.sources.items():
        detail = {"kind": kind, "rows": len(getattr(facts, kind)), "new_rows": inserted.get(kind, 0),
                  **audit_detail(changes or [], kind)}
        if mapping is not None:
            detail |= {"mapping": mapping[0], "mapping_version": mapping[1]}
        audit.record(conn, actor.name, "facts.import", f"file {source}", detail, covers=[f"facts {kind}"])
    return inserted


def _require(actor: User, kinds: list[str]) -> None:
    refused = [kind for kind in kinds if not may_import(actor.role, kind)]
    if refused:
        raise Forbidden(N_("a %(role)s cannot import %(kinds)s facts "
                           "(admin and finance import facts; hr imports targets only)"),
                        role=actor.role, kinds=", ".join(refused))
