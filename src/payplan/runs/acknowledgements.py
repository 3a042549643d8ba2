"""Which plan version a person is on, who may read it, and who acknowledged it.

A rep or manager is "on" a published version when its eligibility rule picks their rep
(`payplan.core.eligibility`, as runs choose reps) and it is in force for the period
asked. Finance, HR and admin may open any version; a rep only the versions they are
on; a manager theirs and their team's (reps whose `manager_id` chain leads to them).
Whatever a viewer may not open answers NotFound, exactly like what does not exist.

An acknowledgement records who acknowledged which version, and when, once per user
and version (`plan_acknowledgements`), with an audit entry; acknowledging again
returns the first record unchanged. Only a rep or manager who is on the version may
acknowledge it. The roster of a version (its eligible reps and their acknowledgement)
is for finance, HR and admin (everyone) and managers (their team); a rep is Forbidden.
Must not compute pay.
"""

from __future__ import annotations

from datetime import date

import msgspec
from sqlalchemy import Connection, insert, select

from payplan.access.users import User
from payplan.core.eligibility import in_force, is_eligible
from payplan.core.inputs import Rep
from payplan.core.periods import Period
from payplan.core.plan import Plan
from payplan.errors import Forbidden, NotFound
from payplan.i18n import N_
from payplan.plans import versions as plan_store
from payplan.plans.versions import PlanVersionRow
from payplan.store import audit
from payplan.store.records import now_text
from payplan.store.rows import load_reps
from payplan.store.service_schema import plan_acknowledgements as acks

SEE_ALL = ("admin", "finance", "hr")
PAID = ("rep", "manager")


class Acknowledgement(msgspec.Struct, frozen=True):
    plan_version_id: int
    plan: str  # the version's ref, "ae-2026@1"
    user_id: int
    rep_id: str | None
    acknowledged_at: str


class RosterRow(msgspec.Struct, frozen=True):
    """One rep the version is for, and when their acknowledgement was recorded (None: not yet)."""

    rep_id: str
    name: str
    manager_id: str | None
    acknowledged_at: str | None


def reps_by_id(conn: Connection) -> dict[str, Rep]:
    return {r.id: r for r in load_reps(conn)}


def versions_in_force(conn: Connection, period: Period) -> list[tuple[PlanVersionRow, Plan]]:
    """Each plan id's version in force at the start of `period`, with its Plan value."""
    return [(row, plan) for row, plan in plan_store.versions_in_force(conn, period) if in_force(plan, period)]


def viewer_plan(conn: Connection, viewer: User, period: Period) -> tuple[PlanVersionRow, Plan]:
    """The version the viewer's rep is on in `period`; NotFound when none is."""
    rep = reps_by_id(conn).get(viewer.rep_id or "")
    if rep is not None and viewer.role in PAID:
        for row, plan in versions_in_force(conn, period):
            if is_eligible(plan, rep):
                return row, plan
    raise NotFound(N_("no plan is in force for you in %(period)s"), period=period.key)


def open_version(conn: Connection, version_id: int, viewer: User) -> tuple[PlanVersionRow, Plan]:
    """Version `version_id` and its Plan, when the viewer may read it; NotFound otherwise."""
    row = plan_store.get_plan_by_id(conn, version_id)
    plan = plan_store.load(conn, row)
    if viewer.role in SEE_ALL or may_read(reps_by_id(conn), plan, viewer):
        return row, plan
    raise NotFound(N_("plan version %(version)s does not exist"), version=version_id)


def open_ref(conn: Connection, ref: str, viewer: User) -> PlanVersionRow:
    """Version "id@version" when the viewer may read it; NotFound otherwise, exactly as one not published."""
    row = plan_store.get_plan(conn, ref)
    if viewer.role in SEE_ALL or may_read(reps_by_id(conn), plan_store.load(conn, row), viewer):
        return row
    raise NotFound(N_("plan %(plan)s is not published"), plan=ref)


def readable_versions(conn: Connection, viewer: User) -> list[PlanVersionRow]:
    """Every published version the viewer may read, by plan id and version."""
    rows = plan_store.list_plans(conn)
    if viewer.role in SEE_ALL:
        return rows
    everyone = reps_by_id(conn)
    return [row for row in rows if may_read(everyone, plan_store.load(conn, row), viewer)]


def may_read(everyone: dict[str, Rep], plan: Plan, viewer: User) -> bool:
    """Whether the viewer may read a version of `plan`: finance, HR and admin any; a rep one they
    are on; a manager one they or someone of their team is on; anyone else none."""
    if viewer.role in SEE_ALL:
        return True
    if viewer.role not in PAID:
        return False
    mine = team_of(everyone, viewer.rep_id) if viewer.role == "manager" else {viewer.rep_id}
    return any(is_eligible(plan, everyone[r]) for r in mine if r in everyone)


def is_on(conn: Connection, plan: Plan, viewer: User) -> bool:
    """Whether the viewer (a rep or manager) is on the plan, so may acknowledge it."""
    rep = reps_by_id(conn).get(viewer.rep_id or "")
    return viewer.role in PAID and rep is not None and is_eligible(plan, rep)


def team_of(everyone: dict[str, Rep], manager: str | None) -> set[str]:
    """The manager's rep id and everyone whose `manager_id` chain leads to it."""
    team, frontier = {manager} if manager else set(), {manager} if manager else set()
    while frontier:
        frontier = {r.id for r in everyone.values() if r.manager_id in frontier} - team
        team |= frontier
    return team


def find(conn: Connection, version_id: int, user_id: int) -> Acknowledgement | None:
    """The user's acknowledgement of the version, if recorded."""
    row = conn.execute(select(acks.c.user_id, acks.c.rep_id, acks.c.acknowledged_at)
                       .where(acks.c.plan_version_id == version_id, acks.c.user_id == user_id)).first()
    if row is None:
        return None
    ref = plan_store.get_plan_by_id(conn, version_id).ref
    return Acknowledgement(version_id, ref, row.user_id, row.rep_id, row.acknowledged_at)


def acknowledge(conn: Connection, version_id: int, viewer: User) -> tuple[Acknowledgement, bool]:
    """Record that the viewer acknowledged the version (audited); (the record, whether it is new).

    Acknowledging again returns the first record. NotFound when the viewer may not read the
    version; Forbidden when they may read it but are not on it (a manager reading a team plan)."""
    row, plan = open_version(conn, version_id, viewer)
    if not is_on(conn, plan, viewer):
        raise Forbidden(N_("only a rep or manager on plan %(plan)s may acknowledge it"), plan=row.ref)
    known = find(conn, version_id, viewer.id)
    if known is not None:
        return known, False
    when = now_text()
    conn.execute(insert(acks).values(plan_version_id=version_id, user_id=viewer.id, rep_id=viewer.rep_id,
                                     acknowledged_at=when))
    audit.record(conn, viewer.name, "plan.acknowledge", f"plan {row.ref}",
                 {"plan_version_id": version_id, "rep_id": viewer.rep_id, "acknowledged_at": when})
    return Acknowledgement(version_id, row.ref, viewer.id, viewer.rep_id, when), True


def roster(conn: Connection, version_id: int, viewer: User) -> list[RosterRow]:
    """The reps the version is for (employed while it is in force) that the viewer may see, by rep
    id, with when each acknowledged it. Forbidden for reps; a manager sees their team."""
    if viewer.role not in (*SEE_ALL, "manager"):
        raise Forbidden(N_("a %(role)s cannot %(what)s (only %(roles)s)"), role=viewer.role,
                        what=N_("see who acknowledged a plan"), roles="admin, finance, hr, manager",
                        words=("what",))
    row, plan = open_version(conn, version_id, viewer)
    everyone = reps_by_id(conn)
    visible = set(everyone) if viewer.role in SEE_ALL else team_of(everyone, viewer.rep_id)
    when = dict(conn.execute(select(acks.c.rep_id, acks.c.acknowledged_at)
                             .where(acks.c.plan_version_id == version_id, acks.c.rep_id.is_not(None))).all())
    return [RosterRow(r.id, r.name, r.manager_id, when.get(r.id)) for r in everyone.values()
            if r.id in visible and is_eligible(plan, r) and _employed(r, row.effective_from, row.effective_to)]


def _employed(rep: Rep, start: date, end: date | None) -> bool:
    return ((end is None or rep.hired_on is None or rep.hired_on <= end)
            and (rep.terminated_on is None or rep.terminated_on >= start))
