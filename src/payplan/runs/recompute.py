"""Recompute a draft run on the current facts: a regular run or an adjustment run.

Kept apart from `lifecycle` because an adjustment run's evaluation is
`adjustments.adjustment_evaluation`, and `adjustments` builds on `lifecycle`:
dispatching here keeps both free of a cycle. Must not change a run's state.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete

from payplan.access.users import User
from payplan.core.periods import parse_period
from payplan.gcpause import collector_paused
from payplan.i18n import N_
from payplan.plans import versions as plan_store
from payplan.runs.adjustments import adjustment_evaluation
from payplan.runs.chunked import store_chunks
from payplan.runs.lifecycle import MAKERS, expect, get_run, move, require, store_evaluation
from payplan.runs.rows import RunRow
from payplan.store import audit
from payplan.store.service_schema import run_results


def recompute(conn: Connection, run_id: int, actor: User, revision: int | None = None,
              processes: int = 1) -> RunRow:
    """Evaluate a draft run again on the current facts, replacing its results (a regular run
    chunk by chunk, in up to `processes` forked processes: `payplan.runs.chunked`)."""
    require(actor, MAKERS, N_("recompute runs"))
    run = expect(get_run(conn, run_id), "draft", "recomputed")
    with collector_paused():  # scoring and storing build no cycles (payplan.gcpause)
        evaluation = adjustment_evaluation(conn, run.adjusts_run_id) if run.kind == "adjustment" else None
        # The conditional UPDATE first, so a concurrent recompute waits here and then gets
        # Conflict; a hash not known before the rows are stored is written after.
        given = (evaluation.inputs_hash, evaluation.outputs_hash) if evaluation is not None else (None, None)
        move(conn, run, "draft", revision, inputs_hash=given[0], outputs_hash=given[1])
        conn.execute(delete(run_results).where(run_results.c.run_id == run.id))
        if evaluation is not None:
            store_evaluation(conn, run.id, evaluation)
            del evaluation
        else:
            version = plan_store.get_plan_by_id(conn, run.plan_version_id)
            store_chunks(conn, run.id, plan_store.load(conn, version), version.hash, parse_period(run.period),
                         processes)
    run = get_run(conn, run.id)
    audit.record(conn, actor.name, "run.recompute", f"run {run.id}",
                 {"inputs_hash": run.inputs_hash, "outputs_hash": run.outputs_hash}, covers=[f"runs {run.id}"])
    return run
