"""The run lifecycle: create, recompute, submit, approve, reject, pay — with segregation of duties.

A run is (plan version, period, facts at the time): draft (recomputable) →
submitted → approved (by finance) → paid; reject returns a submitted run to draft.
Whoever submitted a run, published its plan version or imported facts of its period
cannot approve it, and HR never approves (`payplan.runs.duties`). An approved run is
immutable: corrections are adjustment runs (`payplan.runs.adjustments`). Every transition is one conditional UPDATE on
(state, revision), so of many concurrent attempts exactly one succeeds and the
others get Conflict; each writes its audit row in the same transaction. Callers
own the transaction (`with engine.begin() as conn`). Must not render or format.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, insert, select, update

from payplan.access.users import User
from payplan.core.periods import Period, PeriodError, parse_period, period_of
from payplan.core.plan import Plan
from payplan.errors import Conflict, Forbidden, Invalid, NotFound
from payplan.gcpause import collector_paused
from payplan.i18n import N_
from payplan.plans import versions as plan_store
from payplan.runs import duties
from payplan.runs.duties import APPROVERS, MAKERS
from payplan.runs.chunked import store_chunks, store_rows
from payplan.runs.evaluation import RunEvaluation
from payplan.runs.rows import RunRow, run_query, to_run
from payplan.store import audit, idempotency
from payplan.store.records import now_text, races
from payplan.store.service_schema import FINAL_STATES, plan_versions, run_results, runs

__all__ = ["APPROVERS", "MAKERS", "RunRow", "approve", "create_run", "get_run", "list_runs", "pay", "reject",
           "run_totals", "submit"]


def create_run(conn: Connection, plan_ref: str, period: str, actor: User,
               idempotency_key: str | None = None, processes: int = 1) -> RunRow:
    """Evaluate every eligible rep for `period` on plan `plan_ref` into a new draft run, chunk by
    chunk (`payplan.runs.chunked`; in up to `processes` forked processes: the CLI's choice)."""
    require(actor, MAKERS, N_("create runs"))
    request = {"plan": plan_ref, "period": period}
    if idempotency_key is not None:
        prior = idempotency.claim(conn, idempotency_key, actor.id, "runs.create", request)
        if prior is not None:
            return get_run(conn, prior["run_id"])
    version = plan_store.get_plan(conn, plan_ref)
    plan = plan_store.load(conn, version)
    pay_period = plan_period(plan, period)
    refuse_second_regular(conn, version, pay_period)
    with collector_paused():  # scoring and storing build no cycles (payplan.gcpause)
        run_id = new_run(conn, version.id, pay_period, actor, None, None)
        stored = store_chunks(conn, run_id, plan, version.hash, pay_period, processes)
    run = get_run(conn, run_id)
    audit.record(conn, actor.name, "run.create", f"run {run_id}",
                 {"plan": plan_ref, "period": pay_period.key, "reps": stored.count,
                  "inputs_hash": run.inputs_hash, "outputs_hash": run.outputs_hash}, covers=[f"runs {run_id}"])
    if idempotency_key is not None:
        idempotency.remember(conn, idempotency_key, actor.id, "runs.create", request, {"run_id": run_id})
    return run


def submit(conn: Connection, run_id: int, actor: User, revision: int | None = None) -> RunRow:
    """Send a draft run for approval."""
    require(actor, MAKERS, N_("submit runs"))
    run = expect(get_run(conn, run_id), "draft", "submitted")
    move(conn, run, "draft", revision, state="submitted", submitted_by=actor.id, submitted_at=now_text(),
          rejected_reason=None)
    audit.record(conn, actor.name, "run.submit", f"run {run.id}", {"revision": run.revision + 1},
                 covers=[f"runs {run.id}"])
    return get_run(conn, run.id)


def approve(conn: Connection, run_id: int, actor: User, revision: int | None = None) -> RunRow:
    """Approve a submitted run (finance or admin, not its submitter, its plan's publisher nor
    the importer of facts of its period: `payplan.runs.duties`)."""
    if actor.role == "hr":
        raise Forbidden(N_("HR cannot approve payouts"))
    require(actor, APPROVERS, N_("approve runs"))
    run = expect(get_run(conn, run_id), "submitted", "approved")
    refusal = duties.approval_refusal(conn, run, actor)
    if refusal:
        raise Forbidden(refusal.message, words=refusal.words, **refusal.fields)
    move(conn, run, "submitted", revision, state="approved", approved_by=actor.id, approved_at=now_text())
    audit.record(conn, actor.name, "run.approve", f"run {run.id}",
                 {"inputs_hash": run.inputs_hash, "outputs_hash": run.outputs_hash}, covers=[f"runs {run.id}"])
    return get_run(conn, run.id)


def reject(conn: Connection, run_id: int, actor: User, reason: str, revision: int | None = None) -> RunRow:
    """Return a submitted run to draft, saying why."""
    require(actor, APPROVERS, N_("reject runs"))
    if not reason or not reason.strip():
        raise Invalid(N_("a rejection needs a reason"))
    run = expect(get_run(conn, run_id), "submitted", "rejected")
    move(conn, run, "submitted", revision, state="draft", submitted_by=None, submitted_at=None,
          rejected_reason=reason.strip())
    audit.record(conn, actor.name, "run.reject", f"run {run.id}", {"reason": reason.strip()},
                 covers=[f"runs {run.id}"])
    return get_run(conn, run.id)


def pay(conn: Connection, run_id: int, actor: User, revision: int | None = None) -> RunRow:
    """Mark an approved run as paid."""
    require(actor, APPROVERS, N_("mark runs paid"))
    run = expect(get_run(conn, run_id), "approved", "paid")
    move(conn, run, "approved", revision, state="paid", paid_by=actor.id, paid_at=now_text())
    audit.record(conn, actor.name, "run.pay", f"run {run.id}", {"outputs_hash": run.outputs_hash},
                 covers=[f"runs {run.id}"])
    return get_run(conn, run.id)


def get_run(conn: Connection, run_id: int) -> RunRow:
    row = conn.execute(run_query().where(runs.c.id == run_id)).first()
    if row is None:
        raise NotFound(N_("run %(run)s does not exist"), run=run_id)
    return to_run(row)


def list_runs(conn: Connection, *, period: str | None = None, state: str | None = None,
              plan_id: str | None = None, limit: int = 100, before: int | None = None) -> list[RunRow]:
    """Runs newest first, filtered by period, state or plan id; `before` pages by run id."""
    query = run_query().order_by(runs.c.id.desc()).limit(limit)
    for column, value in ((runs.c.period, period), (runs.c.state, state), (plan_versions.c.plan_id, plan_id)):
        if value is not None:
            query = query.where(column == value)
    if before is not None:
        query = query.where(runs.c.id < before)
    return [to_run(row) for row in conn.execute(query)]


def run_totals(conn: Connection, run_id: int) -> tuple[int, object]:
    """(number of reps, sum of their totals) for a run, summed exactly in SQL."""
    query = select(func.count(), func.sum(run_results.c.total)).where(run_results.c.run_id == run_id)
    count, total = conn.execute(query).one()
    return count, total


def require(actor: User, roles: tuple[str, ...], what: str) -> None:
    refusal = duties.role_refusal(actor, roles, what)
    if refusal:
        raise Forbidden(refusal.message, words=refusal.words, **refusal.fields)


def plan_period(plan: Plan, text: str) -> Period:
    """The period `text` checked against the plan's period kind and effective dates."""
    try:
        period = parse_period(text)
    except PeriodError as exc:
        raise Invalid(exc.message, **exc.fields) from None
    if period.kind != plan.period:
        example = period_of(plan.effective_from, plan.period).key
        raise Invalid(N_("plan %(plan)s pays by %(period)s: give a period such as %(example)s, not %(text)s"),
                      plan=plan.ref, period=plan.period, example=example, text=text, words=("period",))
    if period.end < plan.effective_from or (plan.effective_to is not None and period.start > plan.effective_to):
        raise Invalid(N_("plan %(plan)s is not in force in %(period)s"), plan=plan.ref, period=period.key)
    return period


def insert_run(conn: Connection, plan_version_id: int, period: Period, actor: User, evaluation: RunEvaluation,
               *, kind: str = "regular", adjusts_run_id: int | None = None) -> int:
    run_id = new_run(conn, plan_version_id, period, actor, evaluation.inputs_hash, evaluation.outputs_hash,
                     kind=kind, adjusts_run_id=adjusts_run_id)
    store_evaluation(conn, run_id, evaluation)
    return run_id


def new_run(conn: Connection, plan_version_id: int, period: Period, actor: User, inputs_hash: str | None,
            outputs_hash: str | None, *, kind: str = "regular", adjusts_run_id: int | None = None) -> int:
    """Insert a draft run's row (its results are stored by the caller); Conflict if the key is taken."""
    with races(f"{kind} run for {period.key}"):
        return conn.execute(insert(runs).values(
            plan_version_id=plan_version_id, period=period.key, kind=kind, adjusts_run_id=adjusts_run_id,
            state="draft", created_by=actor.id, created_at=now_text(), revision=1,
            inputs_hash=inputs_hash, outputs_hash=outputs_hash,
        ).returning(runs.c.id)).scalar_one()


def store_evaluation(conn: Connection, run_id: int, evaluation: RunEvaluation) -> None:
    """Store an adjustment's rows (given with its outputs hash) for run `run_id`, in the caller's
    transaction; a regular run is stored chunk by chunk instead (`payplan.runs.chunked`)."""
    assert evaluation.rows is not None, "a regular run is stored by runs.chunked.store_chunks"
    store_rows(conn, run_id, evaluation.rows)


def refuse_second_regular(conn: Connection, version: plan_store.PlanVersionRow, period: Period) -> None:
    existing = conn.execute(select(runs.c.id, runs.c.state).where(
        runs.c.plan_version_id == version.id, runs.c.period == period.key, runs.c.kind == "regular")).first()
    if existing is not None:
        fix = N_("create an adjustment run") if existing.state in FINAL_STATES else N_("recompute it")
        raise Conflict(N_("run %(run)s already covers %(plan)s for %(period)s (state %(state)s): %(fix)s"),
                       run=existing.id, plan=version.ref, period=period.key, state=existing.state, fix=fix,
                       words=("state", "fix"))


# Why a run in another state cannot take a step, by the state the step would give it.
CANNOT_BECOME = {
    "submitted": N_("run %(run)s is %(state)s, so it cannot be submitted%(frozen)s"),
    "approved": N_("run %(run)s is %(state)s, so it cannot be approved%(frozen)s"),
    "rejected": N_("run %(run)s is %(state)s, so it cannot be rejected%(frozen)s"),
    "paid": N_("run %(run)s is %(state)s, so it cannot be paid%(frozen)s"),
    "recomputed": N_("run %(run)s is %(state)s, so it cannot be recomputed%(frozen)s"),
}


def expect(run: RunRow, state: str, becoming: str) -> RunRow:
    if run.state != state:
        frozen = N_(" (an approved run is immutable: corrections are adjustment runs)") \
            if run.state in FINAL_STATES else ""
        raise Conflict(CANNOT_BECOME[becoming], run=run.id, state=run.state, frozen=frozen, words=("state", "frozen"))
    return run


def move(conn: Connection, run: RunRow, from_state: str, revision: int | None, /, **values: object) -> None:
    """The conditional UPDATE: only from `from_state` at the revision read; Conflict otherwise."""
    expected = run.revision if revision is None else revision
    with races(f"run {run.id}"):
        changed = conn.execute(update(runs).where(
            runs.c.id == run.id, runs.c.state == from_state, runs.c.revision == expected,
        ).values(revision=runs.c.revision + 1, **values)).rowcount
    if changed != 1:
        raise Conflict(N_("run %(run)s changed meanwhile (expected %(state)s at revision %(revision)s); read it again"),
                       run=run.id, state=from_state, revision=expected, words=("state",))
