"""Who may take which step of a run, and why not: segregation of duties, as data.

A run's state decides which steps exist (a draft is recomputed or submitted, a
submitted run approved or rejected, an approved one paid, an approved or paid
regular run exported or adjusted); the viewer's role and part in the run decide
whether they may take each. `payplan.runs.lifecycle` raises Forbidden with these
very words, and the finance pages show only the steps a viewer may take and say
why each other one is unavailable, so a page never offers a button the server
then refuses. Must not change anything.
"""

from __future__ import annotations

import msgspec
from sqlalchemy import Connection

from payplan.access.users import User
from payplan.core.periods import parse_period
from payplan.facts import importers
from payplan.i18n import N_
from payplan.runs.rows import RunRow

MAKERS = ("admin", "finance", "hr")  # create, recompute, submit, adjust
APPROVERS = ("admin", "finance")  # approve, reject, pay, export

_STEPS = {"draft": ("recompute", "submit"), "submitted": ("approve", "reject"),
          "approved": ("pay", "export", "adjust"), "paid": ("export", "adjust")}
_WHO = {"recompute": (MAKERS, N_("recompute runs")), "submit": (MAKERS, N_("submit runs")),
        "adjust": (MAKERS, N_("create adjustment runs")), "reject": (APPROVERS, N_("reject runs")),
        "pay": (APPROVERS, N_("mark runs paid")), "export": (APPROVERS, N_("export runs for payroll"))}


class Refusal(msgspec.Struct, frozen=True):
    """Why a step is refused, as a message id with its fields: `str()` is the English sentence
    (what the API and the CLI say); a page translates `message`, and the fields named in
    `words`, which are message ids themselves."""

    message: str
    fields: dict[str, str] = {}
    words: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.message % self.fields if self.fields else self.message


class Step(msgspec.Struct, frozen=True):
    """A step the run's state allows: whether this viewer may take it, and if not, why."""

    name: str
    allowed: bool
    reason: Refusal | None = None


def role_refusal(actor: User, roles: tuple[str, ...], what: str) -> Refusal | None:
    """Why `actor`'s role may not do `what` (a message id, "approve runs"), or None."""
    if actor.role in roles:
        return None
    return Refusal(N_("a %(role)s cannot %(what)s (only %(roles)s)"),
                   {"role": actor.role, "what": what, "roles": ", ".join(roles)}, ("what",))


def approval_refusal(conn: Connection, run: RunRow, actor: User) -> Refusal | None:
    """Why `actor` may not approve `run`, or None: HR never approves; nor do the run's
    submitter, its plan's publisher, or whoever imported facts of its period."""
    if actor.role == "hr":
        return Refusal(N_("HR cannot approve payouts"))
    refusal = role_refusal(actor, APPROVERS, N_("approve runs"))
    if refusal:
        return refusal
    who = {"name": actor.name, "run": str(run.id)}
    if actor.id == run.submitted_by:
        return Refusal(N_("%(name)s submitted run %(run)s and so cannot approve it; another approver must"), who)
    if actor.id == run.published_by:
        return Refusal(N_("%(name)s published plan %(plan)s and so cannot approve its runs; another approver must"),
                       {**who, "plan": run.plan_ref})
    period = parse_period(run.period)
    files = importers.imports_within(conn, actor.id, period.start, period.end)
    if files:
        shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        return Refusal(N_("%(name)s imported facts of %(period)s (%(files)s) that run %(run)s pays on, "
                          "and so cannot approve it; another approver must"),
                       {**who, "period": run.period, "files": shown})
    return None


def refusal(conn: Connection, run: RunRow, actor: User, step: str) -> Refusal | None:
    """Why `actor` may not take `step` on `run` (its state aside), or None."""
    if step == "approve":
        return approval_refusal(conn, run, actor)
    roles, what = _WHO[step]
    return role_refusal(actor, roles, what)


def steps(conn: Connection, run: RunRow, actor: User) -> list[Step]:
    """Every step `run`'s state allows, each with whether `actor` may take it and why not."""
    found = []
    for name in _STEPS.get(run.state, ()):
        if name == "adjust" and run.kind != "regular":
            continue  # not a step of this run at all, for anyone
        why = refusal(conn, run, actor, name)
        found.append(Step(name, why is None, why))
    return found
