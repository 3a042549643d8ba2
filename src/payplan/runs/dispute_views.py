"""Reading disputes, with who may see them enforced in the SQL query itself.

The person paid sees their own disputes, a manager those of their team (everyone
whose `reps.manager_id` chain leads to them, as `payplan.runs.views` decides for
results), finance and admin every one. Anyone else — HR included: a dispute is
between the person paid and finance — sees none, and a dispute they may not see
answers exactly like one that does not exist: NotFound. The thread carries the
correction: the adjustment run the resolution names and, once that run is approved
or paid, whether it pays the rep a difference (their correction statement). Must not
change anything.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import Connection, false, func, select, true
from sqlalchemy.orm import aliased

from payplan.access.users import User
from payplan.errors import NotFound
from payplan.i18n import N_
from payplan.store.schema import reps
from payplan.store.service_schema import FINAL_STATES, dispute_steps, disputes, run_results, runs, users

ANSWERERS = ("admin", "finance")  # see every dispute; answer, resolve, reject
OPEN_STATES = ("open", "answered")
MAX_LISTED = 500
# a dispute's states as a refusal names them (translated through `words`)
STATE_WORDS = (N_("open"), N_("answered"), N_("resolved"), N_("rejected"))


class Dispute(msgspec.Struct, frozen=True):
    """A dispute as stored, with the rep's name and who opened it."""

    id: int
    run_id: int
    rep_id: str
    rep_name: str
    subject_kind: str
    subject: str
    state: str
    opened_by: str
    opened_at: str
    updated_at: str
    adjustment_run_id: int | None
    revision: int


class Step(msgspec.Struct, frozen=True):
    """One step of a thread: open, answer, reply, resolve or reject, by whom, when, saying what."""

    step: str
    author: str
    at: str
    text: str


class Correction(msgspec.Struct, frozen=True):
    """The adjustment run a resolution names: its state, and whether its (final) result pays the rep."""

    run_id: int
    state: str
    statement: bool  # approved or paid, with a result for the rep: their correction statement


class Thread(msgspec.Struct, frozen=True):
    dispute: Dispute
    steps: list[Step]
    run_period: str
    run_state: str
    correction: Correction | None = None


def _visible(viewer: User) -> Any:
    """A SQL condition on `disputes.rep_id`: the disputes `viewer` may see."""
    if viewer.role in ANSWERERS:
        return true()
    if viewer.rep_id is None or viewer.role not in ("rep", "manager"):
        return false()
    if viewer.role == "rep":
        return disputes.c.rep_id == viewer.rep_id
    team = select(reps.c.id).where(reps.c.id == viewer.rep_id).cte("team", recursive=True)
    team = team.union(select(reps.c.id).where(reps.c.manager_id == team.c.id))
    return disputes.c.rep_id.in_(select(team.c.id))


def _query(viewer: User) -> Any:
    opener = aliased(users)
    return (select(disputes.c.id, disputes.c.run_id, disputes.c.rep_id, reps.c.name, disputes.c.subject_kind,
                   disputes.c.subject, disputes.c.state, opener.c.name, disputes.c.opened_at,
                   disputes.c.updated_at, disputes.c.adjustment_run_id, disputes.c.revision)
            .select_from(disputes.join(reps, reps.c.id == disputes.c.rep_id)
                         .join(opener, opener.c.id == disputes.c.opened_by))
            .where(_visible(viewer)))


def get_dispute(conn: Connection, dispute_id: int, viewer: User) -> Dispute:
    """One dispute; NotFound unless `viewer` may see it."""
    row = conn.execute(_query(viewer).where(disputes.c.id == dispute_id)).first()
    if row is None:
        raise NotFound(N_("dispute %(id)s does not exist"), id=dispute_id)
    return Dispute(*row)


def list_disputes(conn: Connection, viewer: User, *, run_id: int | None = None,
                  state: str | None = None, limit: int = MAX_LISTED) -> list[Dispute]:
    """The disputes `viewer` may see, newest first, of run `run_id` and in `state` when given."""
    query = _query(viewer).order_by(disputes.c.id.desc()).limit(limit)
    if run_id is not None:
        query = query.where(disputes.c.run_id == run_id)
    if state is not None:
        query = query.where(disputes.c.state == state)
    return [Dispute(*row) for row in conn.execute(query)]


def open_count(conn: Connection, run_id: int) -> int:
    """How many disputes of run `run_id` wait for finance (open or answered)."""
    return conn.execute(select(func.count()).select_from(disputes).where(
        disputes.c.run_id == run_id, disputes.c.state.in_(OPEN_STATES))).scalar_one()


def open_counts(conn: Connection) -> dict[int, int]:
    """Run id → its disputes open or answered (runs without any left out)."""
    query = (select(disputes.c.run_id, func.count()).where(disputes.c.state.in_(OPEN_STATES))
             .group_by(disputes.c.run_id))
    return {run_id: count for run_id, count in conn.execute(query)}


def thread(conn: Connection, dispute_id: int, viewer: User) -> Thread:
    """The dispute, its steps oldest first, its run's period and state, and its correction."""
    dispute = get_dispute(conn, dispute_id, viewer)
    author = aliased(users)
    steps = [Step(*row) for row in conn.execute(
        select(dispute_steps.c.step, author.c.name, dispute_steps.c.at, dispute_steps.c.text)
        .join(author, author.c.id == dispute_steps.c.author)
        .where(dispute_steps.c.dispute_id == dispute.id).order_by(dispute_steps.c.id))]
    run = conn.execute(select(runs.c.period, runs.c.state).where(runs.c.id == dispute.run_id)).one()
    return Thread(dispute, steps, run.period, run.state, _correction(conn, dispute))


def _correction(conn: Connection, dispute: Dispute) -> Correction | None:
    if dispute.adjustment_run_id is None:
        return None
    state = conn.execute(select(runs.c.state).where(runs.c.id == dispute.adjustment_run_id)).scalar_one()
    paid = conn.execute(select(run_results.c.rep_id).where(
        run_results.c.run_id == dispute.adjustment_run_id, run_results.c.rep_id == dispute.rep_id)).first()
    return Correction(dispute.adjustment_run_id, state, state in FINAL_STATES and paid is not None)
