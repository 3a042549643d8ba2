"""Published plan versions in the database: publish, look up, choose the version in force.

Publishing lints the plan text (`payplan.plans.files.check_plan_text`) and refuses any
error, naming file and line. A stored version is immutable and identified by its
content hash: re-publishing the same content returns the stored row; the same
`id@version` with other content is a Conflict; effective ranges of one plan id may
not overlap. The publisher is recorded so they cannot approve runs of that version.
Must not evaluate plans.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import msgspec
from sqlalchemy import Connection, insert, select

from payplan.access.users import User
from payplan.core.lint import check_versions
from payplan.core.periods import Period
from payplan.core.plan import Plan
from payplan.errors import Conflict, Forbidden, Invalid, NotFound
from payplan.i18n import N_
from payplan.plans.issue_words import IssueLines
from payplan.plans.files import check_plan_text, load_plan_text, plan_hash
from payplan.store import audit
from payplan.store.records import now_text, races
from payplan.store.service_schema import plan_versions

# HR authors plans (DESIGN §7); finance approves the runs they pay, so it does not publish them.
PUBLISHERS = ("admin", "hr")


class PlanVersionRow(msgspec.Struct, frozen=True):
    id: int
    plan_id: str
    version: int
    hash: str
    name: str
    effective_from: date
    effective_to: date | None
    period: str
    currency: str
    source_name: str
    published_by: int
    published_at: str

    @property
    def ref(self) -> str:
        return f"{self.plan_id}@{self.version}"


_COLUMNS = [plan_versions.c[f] for f in PlanVersionRow.__struct_fields__]


def publish(conn: Connection, text: str, source_name: str, actor: User) -> PlanVersionRow:
    """Store a plan version (or return the identical stored one); Invalid on lint errors."""
    if actor.role not in PUBLISHERS:
        raise Forbidden(N_("a %(role)s cannot %(what)s (only %(roles)s)"), role=actor.role, what=N_("publish plans"),
                        roles=", ".join(PUBLISHERS), words=("what",))
    plan = _checked(text, source_name)
    digest = plan_hash(plan)
    same = _find(conn, plan_versions.c.plan_id == plan.id, plan_versions.c.version == plan.version)
    if same is not None:
        if same.hash != digest:
            raise Conflict(N_("%(plan)s is already published with other content (hash %(hash)s); "
                              "publish the change as version %(version)s"), plan=plan.ref, hash=same.hash[:12],
                           version=_next_version(conn, plan.id))
        return same
    _check_versions(conn, plan, source_name)
    with races(f"plan {plan.ref}"):
        new_id = conn.execute(insert(plan_versions).values(
            plan_id=plan.id, version=plan.version, hash=digest, name=plan.name,
            effective_from=plan.effective_from, effective_to=plan.effective_to, period=plan.period,
            currency=plan.currency, source=text, source_name=source_name, published_by=actor.id,
            published_at=now_text(),
        ).returning(plan_versions.c.id)).scalar_one()
    audit.record(conn, actor.name, "plan.publish", f"plan {plan.ref}", {"hash": digest, "source": source_name},
                 covers=[f"plan_versions {new_id}"])
    return _find(conn, plan_versions.c.id == new_id)


def get_plan(conn: Connection, ref: str) -> PlanVersionRow:
    """The stored version "id@version"; NotFound otherwise."""
    plan_id, _, version = ref.rpartition("@")
    if not plan_id or not version.isdigit():
        raise Invalid(N_("%(ref)r is not a plan reference (expected ID@VERSION, e.g. ae-2026@2)"), ref=ref)
    row = _find(conn, plan_versions.c.plan_id == plan_id, plan_versions.c.version == int(version))
    if row is None:
        raise NotFound(N_("plan %(plan)s is not published"), plan=ref)
    return row


def get_plan_by_id(conn: Connection, plan_version_id: int) -> PlanVersionRow:
    row = _find(conn, plan_versions.c.id == plan_version_id)
    if row is None:
        raise NotFound(N_("plan version %(version)s does not exist"), version=plan_version_id)
    return row


def list_plans(conn: Connection, plan_id: str | None = None) -> list[PlanVersionRow]:
    """Every published version (or those of one plan id), by plan id and version."""
    query = select(*_COLUMNS).order_by(plan_versions.c.plan_id, plan_versions.c.version)
    if plan_id is not None:
        query = query.where(plan_versions.c.plan_id == plan_id)
    return [PlanVersionRow(*row) for row in conn.execute(query)]


def in_force(conn: Connection, plan_id: str, period: Period) -> PlanVersionRow:
    """The version of `plan_id` whose effective range covers the start of `period`."""
    for row in reversed(list_plans(conn, plan_id)):
        if row.effective_from <= period.start and (row.effective_to is None or row.effective_to >= period.start):
            return row
    raise NotFound(N_("no version of plan %(plan)r is in force on %(start)s (%(period)s)"), plan=plan_id,
                   start=period.start, period=period.key)


def versions_in_force(conn: Connection, period: Period) -> list[tuple[PlanVersionRow, Plan]]:
    """Each plan id's version whose effective range covers the start of `period`, with its Plan
    value, by plan id (a caller applies its own eligibility and plan-period checks)."""
    found = []
    for plan_id in sorted({row.plan_id for row in list_plans(conn)}):
        try:
            row = in_force(conn, plan_id, period)
        except NotFound:
            continue
        found.append((row, load(conn, row)))
    return found


def plan_source(conn: Connection, row: PlanVersionRow) -> str:
    return conn.execute(select(plan_versions.c.source).where(plan_versions.c.id == row.id)).scalar_one()


def load(conn: Connection, row: PlanVersionRow) -> Plan:
    """The Plan value of a stored version (parsed once per content hash)."""
    return _parse(row.hash, plan_source(conn, row), row.source_name)


@lru_cache(maxsize=64)
def _parse(digest: str, text: str, source_name: str) -> Plan:
    plan, issues = load_plan_text(text, source_name)
    if plan is None or plan_hash(plan) != digest:
        raise Conflict(N_("stored plan %(plan)s no longer matches its hash %(hash)s"), plan=source_name, hash=digest[:12])
    return plan


def _checked(text: str, source_name: str) -> Plan:
    plan, issues = check_plan_text(text, source_name)
    errors = [i for i in issues if i.severity == "error"]
    if plan is None or errors:
        raise Invalid(N_("%(file)s has errors and was not published:\n%(issues)s"), file=source_name,
                      issues=IssueLines(errors), where=source_name, problems=[msgspec.structs.asdict(i) for i in errors])
    return plan


def _check_versions(conn: Connection, plan: Plan, source_name: str) -> None:
    """The linter's version rules over the stored versions of the plan id and this one."""
    stored = [load(conn, row) for row in list_plans(conn, plan.id)]
    errors = [i for i in check_versions([*stored, plan]) if i.severity == "error"]
    if errors:
        raise Invalid(N_("%(file)s: %(plan)s cannot be published next to the stored versions:\n%(issues)s"),
                      file=source_name, plan=plan.ref, issues="\n".join(map(str, errors)), where=source_name,
                      problems=[msgspec.structs.asdict(i) for i in errors])


def _next_version(conn: Connection, plan_id: str) -> int:
    return max((r.version for r in list_plans(conn, plan_id)), default=0) + 1


def _find(conn: Connection, *where) -> PlanVersionRow | None:
    row = conn.execute(select(*_COLUMNS).where(*where)).first()
    return PlanVersionRow(*row) if row else None
