"""Calculations for the statements of a run in the service database, from what the run stored.

A run stores, per rep, its result document and the inputs it scored
(`payplan.runs.stored_inputs`). A statement lays the stored result beside those
inputs: nothing is evaluated and current facts are never read, so the statements
of a draft, approved, paid or adjustment run render the same, byte for byte,
however the facts change later. One rep's statement reads that rep's row only.
An adjustment run's statement also lists, per component, what was paid before
(the stored results of the adjusted run and its earlier approved adjustments),
what is due now and the difference, and why (the inputs that changed since the run
that last paid the rep, the fact files imported since). Runs stored before revision 0003_stmt have
no inputs: a regular one is evaluated again and printed only if its inputs hash
still matches (else Conflict naming the run); an adjustment one is refused.
Must not write anything.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import msgspec
from sqlalchemy import Connection, select

from payplan.access.users import user_by_id
from payplan.core.periods import parse_period
from payplan.core.plan import Plan
from payplan.errors import Conflict, NotFound
from payplan.i18n import N_
from payplan.plans import versions as plan_store
from payplan.runs import lifecycle as runs
from payplan.runs.adjustments import paid_before
from payplan.runs.evaluation import evaluate_period, inputs_hash, starting_states
from payplan.runs.stored_inputs import StoredInputs, decode_inputs
from payplan.runs.why import why
from payplan.statements.calculation import Adjustment, AdjustmentLine, Calculation, RunInfo, calculate
from payplan.statements.stored import stored_adjusts, stored_result
from payplan.store.service_schema import run_results

ZERO = Decimal(0)
_ROW = (run_results.c.rep_id, run_results.c.total, run_results.c.result, run_results.c.inputs)


class _Run(msgspec.Struct, frozen=True):
    """What every statement of one run shares: the run, its plan and what it says about itself."""

    row: runs.RunRow
    plan: Plan
    toml: str
    info: RunInfo


def statement_calculation(conn: Connection, run_id: int, rep_id: str) -> Calculation:
    """Rep `rep_id`'s calculation in run `run_id`, from that rep's stored row alone."""
    run = _run(conn, run_id)
    row = conn.execute(select(*_ROW).where(run_results.c.run_id == run_id, run_results.c.rep_id == rep_id)).first()
    if row is None:
        raise NotFound(N_("no result for rep %(rep)r in run %(run)s"), rep=rep_id, run=run_id)
    if row.inputs is None:
        return _legacy(conn, run, rep_id)[0]
    return _from_row(conn, run, row)


def run_calculations(conn: Connection, run_id: int, rep_id: str | None = None) -> list[Calculation]:
    """Every rep's calculation in run `run_id` (or only `rep_id`'s), in rep order."""
    if rep_id is not None:
        return [statement_calculation(conn, run_id, rep_id)]
    run = _run(conn, run_id)
    rows = conn.execute(select(*_ROW).where(run_results.c.run_id == run_id).order_by(run_results.c.rep_id)).all()
    if rows and all(row.inputs is None for row in rows):
        return _legacy(conn, run, None)
    return [_from_row(conn, run, row) if row.inputs is not None else _legacy(conn, run, row.rep_id)[0]
            for row in rows]


def reps_calculations(conn: Connection, run_id: int, rep_ids: list[str]) -> list[Calculation]:
    """The calculations of reps `rep_ids` in run `run_id`, in that order (a chunk of a batch job)."""
    run = _run(conn, run_id)
    rows = {row.rep_id: row for row in conn.execute(select(*_ROW).where(
        run_results.c.run_id == run_id, run_results.c.rep_id.in_(rep_ids)))}
    for rep_id in rep_ids:
        if rep_id not in rows:
            raise NotFound(N_("no result for rep %(rep)r in run %(run)s"), rep=rep_id, run=run_id)
    return [_from_row(conn, run, rows[r]) if rows[r].inputs is not None else _legacy(conn, run, r)[0]
            for r in rep_ids]


def _run(conn: Connection, run_id: int) -> _Run:
    row = runs.get_run(conn, run_id)
    version = plan_store.get_plan_by_id(conn, row.plan_version_id)
    return _Run(row, plan_store.load(conn, version), plan_store.plan_source(conn, version), run_info(conn, row))


def _from_row(conn: Connection, run: _Run, row) -> Calculation:
    """One stored row as a calculation: the stored result beside the stored inputs."""
    try:
        stored = decode_inputs(row.inputs)
    except ValueError as exc:
        raise Conflict(N_("run %(run)s, rep %(rep)s: the stored inputs are unreadable (%(error)s)"),
                       run=run.row.id, rep=row.rep_id, error=str(exc)) from None
    if stored.plan_hash != run.row.plan_hash:
        raise Conflict(N_("run %(run)s, rep %(rep)s: the stored inputs were scored on plan %(stored)s, "
                          "not on the run's %(plan)s"), run=run.row.id, rep=row.rep_id,
                       stored=stored.plan_hash[:12], plan=run.row.plan_hash[:12])
    result = stored_result(row.result)
    if result.total != row.total:
        raise Conflict(N_("run %(run)s, rep %(rep)s: stored total %(stored)s, document says %(document)s"),
                       run=run.row.id, rep=row.rep_id, stored=row.total, document=result.total)
    adjustment = _adjustment(conn, run, row, stored) if run.row.kind == "adjustment" else None
    return Calculation(plan_hash=run.row.plan_hash, plan=run.plan, plan_toml=run.toml, period=run.row.period,
                       inputs=stored.inputs, state_in=stored.state_in, result=result, run=run.info,
                       adjustment=adjustment)


def _adjustment(conn: Connection, run: _Run, row, stored: StoredInputs) -> Adjustment:
    """Per component: paid before (earlier runs' stored results), due now, and the stored difference;
    and why pay changed (`payplan.runs.why`)."""
    before = paid_before(conn, run.row, row.rep_id)
    difference: dict[str, Decimal] = {}
    for line in stored_result(row.result).lines:
        difference[line.component] = difference.get(line.component, ZERO) + line.amount
    adjusts = stored_adjusts(row.result)
    if adjusts is not None and adjusts.previous_total != sum(before.values(), ZERO):
        raise Conflict(N_("adjustment run %(run)s, rep %(rep)s: it was computed against %(before)s paid before, "
                          "the approved runs now add up to %(now)s"), run=run.row.id, rep=row.rep_id,
                       before=adjusts.previous_total, now=sum(before.values(), ZERO))
    labels = {c.id: c.label or c.id for c in run.plan.components}
    order = [*labels, *sorted((set(before) | set(difference)) - set(labels))]
    lines = tuple(AdjustmentLine(c, labels.get(c, c), before.get(c, ZERO), before.get(c, ZERO) + difference.get(c, ZERO),
                                 difference.get(c, ZERO))
                  for c in order if c in before or c in difference)
    return Adjustment(adjusts_run=run.row.adjusts_run_id or 0, lines=lines,
                      why=why(conn, run.row, row.rep_id, stored))


def _legacy(conn: Connection, run: _Run, rep_id: str | None) -> list[Calculation]:
    """A run stored without inputs: evaluated again, printed only if nothing it scored changed."""
    number = run.row.id
    if run.row.kind != "regular" and _has_inputs(conn, number):
        raise Conflict(N_("rep %(rep)s is no longer scored by plan %(plan)s in %(period)s: "
                          "adjustment run %(run)s reverses what was paid, and has no inputs to print"),
                       rep=rep_id, plan=run.row.plan_ref, period=run.row.period, run=number)
    if run.row.kind != "regular":
        raise Conflict(N_("adjustment run %(run)s was stored before runs kept their inputs (revision 0003_stmt): "
                          "its statements cannot be printed; recompute it to store them") if run.row.state == "draft"
                       else N_("adjustment run %(run)s was stored before runs kept their inputs (revision 0003_stmt): "
                               "its statements cannot be printed"), run=number)
    period = parse_period(run.row.period)
    states = starting_states(conn, run.plan, period)
    results, inputs = evaluate_period(conn, run.plan, period, states)
    if run.row.inputs_hash and inputs_hash(run.row.plan_hash, period, states, inputs) != run.row.inputs_hash:
        fix = N_("recompute it") if run.row.state == "draft" else N_("correct it with an adjustment run")
        raise Conflict(N_("run %(run)s was stored before runs kept their inputs and the facts behind it changed "
                          "since: its statements cannot be reproduced (%(fix)s)"), run=number, fix=fix, words=("fix",))
    stored = dict(conn.execute(select(run_results.c.rep_id, run_results.c.total)
                               .where(run_results.c.run_id == number)).all())
    calcs = []
    for result in results:
        if rep_id is not None and result.rep_id != rep_id:
            continue
        calc = calculate(run.plan, inputs[result.rep_id], states.get(result.rep_id), plan_toml=run.toml, run=run.info)
        if stored.get(result.rep_id) != calc.result.total:
            raise Conflict(N_("rep %(rep)s in run %(run)s: stored total %(stored)s, re-computed %(now)s"),
                           rep=result.rep_id, run=number, stored=stored.get(result.rep_id), now=calc.result.total)
        calcs.append(calc)
    return calcs


def _has_inputs(conn: Connection, run_id: int) -> bool:
    query = select(run_results.c.rep_id).where(run_results.c.run_id == run_id, run_results.c.inputs.is_not(None))
    return conn.execute(query.limit(1)).first() is not None


def run_info(conn: Connection, run: runs.RunRow) -> RunInfo:
    """What the statement says about its run: number, state, approver and time."""
    approver = user_by_id(conn, run.approved_by) if run.approved_by else None
    return RunInfo(number=run.id, state=run.state, approved_by=approver.name if approver else None,
                   approved_at=_time(run.approved_at), created_at=_time(run.created_at))


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
