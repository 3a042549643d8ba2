"""Disputes: a paid person questions a line of their approved statement, and finance answers.

A rep (or a manager, about their own pay) opens a dispute on their own result in an
approved or paid run: a deal missing or wrongly split (`deal`, the deal id), a pay line
(`line`, "component/kind/deal"), a KPI value (`kpi`, the KPI id) or anything else
(`other`). Finance or admin answers, resolves or rejects it; the person paid may reply,
which opens it again: open → answered → resolved | rejected. Resolving may create the
adjustment run that corrects it (`payplan.runs.adjustments.create_adjustment`) or name an
existing adjustment run of the same run. Every step is a row of `dispute_steps` and an
audit row in the same transaction; a step is one conditional UPDATE on (state, revision),
so of two finance users resolving at once exactly one succeeds and the other gets
Conflict. Who may see a dispute follows `payplan.runs.views`: the person paid, their
managers up the chain, finance and admin; anyone else gets NotFound. The reads live in
`payplan.runs.dispute_views`. Must not render or format.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from payplan.access.users import User
from payplan.errors import Conflict, Forbidden, Invalid
from payplan.i18n import N_
from payplan.runs import adjustments
from payplan.runs import views as run_views
from payplan.runs.dispute_views import ANSWERERS, OPEN_STATES, Dispute, get_dispute
from payplan.runs.lifecycle import get_run
from payplan.store import audit
from payplan.store.records import now_text, races
from payplan.store.service_schema import DISPUTE_SUBJECTS, dispute_steps, disputes, runs

MAX_TEXT = 4000
MAX_SUBJECT = 200
PAID = ("rep", "manager")  # the roles that are paid, and so may question their pay
# the state a dispute is in after each step
AFTER = {"answer": "answered", "reply": "open", "resolve": "resolved", "reject": "rejected"}


def open_dispute(conn: Connection, run_id: int, subject_kind: str, subject: str, text: str,
                 actor: User) -> Dispute:
    """Open a dispute on `actor`'s own result in approved or paid run `run_id`."""
    if actor.role not in PAID or actor.rep_id is None:
        raise Forbidden(N_("only the person a statement pays can question it"))
    if subject_kind not in DISPUTE_SUBJECTS:
        raise Invalid(N_("subject_kind: must be one of deal, line, kpi, other, not %(kind)r"),
                      kind=subject_kind, where="subject_kind")
    subject = _subject(subject_kind, subject)
    body = checked_text(text)
    run_views.get_result(conn, run_id, actor.rep_id, actor)  # NotFound: not theirs, or not final
    now = now_text()
    dispute_id = conn.execute(insert(disputes).values(
        run_id=run_id, rep_id=actor.rep_id, subject_kind=subject_kind, subject=subject, state="open",
        opened_by=actor.id, opened_at=now, updated_at=now, revision=1).returning(disputes.c.id)).scalar_one()
    _add_step(conn, dispute_id, "open", actor, body, now)
    audit.record(conn, actor.name, "dispute.open", f"dispute {dispute_id}",
                 {"run": run_id, "rep": actor.rep_id, "subject_kind": subject_kind, "subject": subject,
                  "text": body})
    return get_dispute(conn, dispute_id, actor)


def take_step(conn: Connection, dispute_id: int, step: str, text: str, actor: User, *,
              revision: int | None = None, adjust: bool = False, adjustment_run_id: int | None = None) -> Dispute:
    """Answer, reply to, resolve or reject dispute `dispute_id` (Forbidden, Conflict or Invalid if not)."""
    dispute = get_dispute(conn, dispute_id, actor)
    if step not in AFTER:
        raise Invalid(N_("step: must be one of answer, reply, resolve, reject, not %(step)r"), step=step,
                      where="step")
    refusal = step_refusal(dispute, step, actor)
    if refusal is not None:
        raise Forbidden(refusal)
    if dispute.state not in OPEN_STATES:
        raise Conflict(N_("dispute %(id)s is %(state)s: it takes no more steps"), id=dispute.id,
                       state=dispute.state, words=("state",))
    if step != "resolve" and (adjust or adjustment_run_id is not None):
        raise Invalid(N_("adjust: only resolving a dispute names an adjustment run"), where="adjust")
    body = checked_text(text)
    adjustment = _adjustment(conn, dispute, actor, adjust, adjustment_run_id) if step == "resolve" else None
    _move(conn, dispute, revision, AFTER[step], adjustment)
    _add_step(conn, dispute.id, step, actor, body, now_text())
    detail = {"run": dispute.run_id, "rep": dispute.rep_id, "state": AFTER[step], "revision": dispute.revision + 1,
              "text": body}
    if adjustment is not None:
        detail["adjustment_run"] = adjustment
    audit.record(conn, actor.name, f"dispute.{step}", f"dispute {dispute.id}", detail)
    return get_dispute(conn, dispute.id, actor)


def step_refusal(dispute: Dispute, step: str, actor: User) -> str | None:
    """Why `actor` may not take `step` on `dispute` (a message id), or None: finance and admin
    answer, resolve and reject; only the person paid replies."""
    if step == "reply":
        if actor.role in PAID and actor.rep_id == dispute.rep_id:
            return None
        return N_("only the person who opened a dispute can reply to it")
    if actor.role in ANSWERERS:
        return None
    return N_("only finance or an admin can answer, resolve or reject a dispute")


def offered_steps(dispute: Dispute, viewer: User) -> list[str]:
    """The steps `viewer` may take on `dispute` now, in the order a page offers them."""
    if dispute.state not in OPEN_STATES:
        return []
    return [s for s in ("reply", "answer", "resolve", "reject") if step_refusal(dispute, s, viewer) is None]


def may_open(viewer: User, rep_id: str, run_state: str) -> bool:
    """Whether `viewer` may question `rep_id`'s result in a run in `run_state`."""
    return viewer.role in PAID and viewer.rep_id == rep_id and run_state in ("approved", "paid")


def checked_text(text: str) -> str:
    """The text without surrounding blanks; Invalid when empty or longer than MAX_TEXT."""
    body = (text or "").strip()
    if not body:
        raise Invalid(N_("text: say what is wrong (the text is empty)"), where="text")
    if len(body) > MAX_TEXT:
        raise Invalid(N_("text: at most %(max)s characters, not %(n)s"), max=MAX_TEXT, n=len(body), where="text")
    return body


def _subject(kind: str, subject: str) -> str:
    text = (subject or "").strip()
    if not text and kind != "other":
        raise Invalid(N_("subject: name the deal, line or KPI questioned"), where="subject")
    if len(text) > MAX_SUBJECT or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise Invalid(N_("subject: at most %(max)s characters, without control characters"), max=MAX_SUBJECT,
                      where="subject")
    return text


def _adjustment(conn: Connection, dispute: Dispute, actor: User, adjust: bool, named: int | None) -> int | None:
    """The adjustment run the resolution names: created now (`adjust`), or `named` if it adjusts the
    disputed run; None for neither."""
    run = get_run(conn, dispute.run_id)
    original = run.adjusts_run_id if run.kind == "adjustment" and run.adjusts_run_id else run.id
    if adjust and named is not None:
        raise Invalid(N_("adjust: create an adjustment run or name one, not both"), where="adjust")
    if adjust:
        return adjustments.create_adjustment(conn, original, actor).id
    if named is None:
        return None
    found = conn.execute(select(runs.c.adjusts_run_id).where(runs.c.id == named)).first()
    if found is None or found.adjusts_run_id != original:
        raise Invalid(N_("adjustment_run_id: run %(named)s is not an adjustment run of run %(run)s"),
                      named=named, run=original, where="adjustment_run_id")
    return named


def _move(conn: Connection, dispute: Dispute, revision: int | None, state: str, adjustment: int | None) -> None:
    """The conditional UPDATE: only while open or answered, at the revision read; Conflict otherwise."""
    expected = dispute.revision if revision is None else revision
    values: dict[str, object] = {"state": state, "updated_at": now_text(), "revision": disputes.c.revision + 1}
    if adjustment is not None:
        values["adjustment_run_id"] = adjustment
    with races(f"dispute {dispute.id}"):
        changed = conn.execute(update(disputes).where(
            disputes.c.id == dispute.id, disputes.c.state.in_(OPEN_STATES), disputes.c.revision == expected,
        ).values(**values)).rowcount
    if changed != 1:
        raise Conflict(N_("dispute %(id)s changed meanwhile (expected revision %(revision)s); read it again"),
                       id=dispute.id, revision=expected)


def _add_step(conn: Connection, dispute_id: int, step: str, actor: User, text: str, at: str) -> None:
    conn.execute(insert(dispute_steps).values(dispute_id=dispute_id, step=step, author=actor.id, at=at, text=text))
