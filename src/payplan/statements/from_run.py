"""Calculations for the statements of a run in the service database.

A statement embeds the inputs that produced its figures, and a run stores only
results, so the run's period is evaluated again on the database (the same path
as `payplan.runs.evaluation`). The re-evaluation must be the run's own: its inputs
hash must equal the one stored when the run was computed, and every total must
equal the stored total; otherwise the facts changed since and the statement is
refused (recompute the draft, or use an adjustment run). Must not write anything.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from payplan.access.users import user_by_id
from payplan.core.periods import parse_period
from payplan.errors import Conflict, Invalid, NotFound
from payplan.plans import versions as plan_store
from payplan.runs import lifecycle as runs
from payplan.runs.evaluation import evaluate_period, inputs_hash, starting_states
from payplan.statements.calculation import Calculation, RunInfo, calculate
from payplan.store.service_schema import run_results


def run_calculations(conn: Connection, run_id: int, rep_id: str | None = None) -> list[Calculation]:
    """Every rep's calculation in run `run_id` (or only `rep_id`), checked against the run."""
    run = runs.get_run(conn, run_id)
    if run.kind != "regular":
        raise Invalid(f"run {run_id} is an adjustment run: statements are printed for regular runs")
    version = plan_store.get_plan_by_id(conn, run.plan_version_id)
    plan, toml = plan_store.load(conn, version), plan_store.plan_source(conn, version)
    period = parse_period(run.period)
    states = starting_states(conn, plan, period)
    results, inputs = evaluate_period(conn, plan, period, states)
    if run.inputs_hash and inputs_hash(version.hash, period, states, inputs) != run.inputs_hash:
        raise Conflict(f"the facts behind run {run_id} changed since it was computed: its statements "
                       "cannot be reproduced (recompute a draft run, or correct with an adjustment run)")
    stored = dict(conn.execute(select(run_results.c.rep_id, run_results.c.total)
                               .where(run_results.c.run_id == run_id)).all())
    if rep_id is not None and rep_id not in stored:
        raise NotFound(f"no result for rep {rep_id!r} in run {run_id}")
    info = run_info(conn, run)
    calcs = []
    for result in results:
        if rep_id is not None and result.rep_id != rep_id:
            continue
        calc = calculate(plan, inputs[result.rep_id], states.get(result.rep_id), plan_toml=toml, run=info)
        if stored.get(result.rep_id) != calc.result.total:
            raise Conflict(f"rep {result.rep_id} in run {run_id}: stored total {stored.get(result.rep_id)}, "
                           f"re-computed {calc.result.total}")
        calcs.append(calc)
    return calcs


def run_info(conn: Connection, run: runs.RunRow) -> RunInfo:
    """What the statement says about its run: number, state, approver and time."""
    approver = user_by_id(conn, run.approved_by) if run.approved_by else None
    return RunInfo(number=run.id, state=run.state, approved_by=approver.name if approver else None,
                   approved_at=_time(run.approved_at), created_at=_time(run.created_at))


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
