"""Adjustment runs: recompute an approved run on current facts and pay only the difference.

An approved run never changes. When facts are corrected, `create_adjustment`
evaluates the same plan version and period again and stores, per rep whose pay
changed, the delta against what was already approved (the original run plus its
approved or paid adjustments): one line of kind "adjustment" per component that
changed, so the lines still add up to the (delta) total. The state after the
period is stored in full, so the next period carries the corrected state, and so
are the inputs scored (`payplan.runs.stored_inputs`): an adjustment's statement
shows, per component, what was paid before (`paid_before`), what is due now and
the difference, without evaluating anything. Must not change the original run.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec
from sqlalchemy import ColumnElement, Connection, select

from payplan.access.users import User
from payplan.core.inputs import CarriedState
from payplan.core.periods import parse_period
from payplan.core.result import RepResult
from payplan.errors import Conflict, Invalid
from payplan.gcpause import collector_paused
from payplan.i18n import N_
from payplan.plans import versions as plan_store
from payplan.runs.evaluation import RepRow, RunEvaluation, encode_result, evaluate_run, outputs_hash, result_row
from payplan.runs.lifecycle import MAKERS, get_run, insert_run, require
from payplan.runs.rows import RunRow
from payplan.store import audit
from payplan.store.records import canonical_bytes
from payplan.store.service_schema import FINAL_STATES, run_results, runs

ZERO = Decimal(0)


class _Line(msgspec.Struct):
    component: str
    amount: Decimal


class _Doc(msgspec.Struct):
    lines: list[_Line]


_doc_decoder = msgspec.json.Decoder(_Doc)
_state_decoder = msgspec.json.Decoder(CarriedState)


def create_adjustment(conn: Connection, run_id: int, actor: User) -> RunRow:
    """A draft adjustment run holding each rep's delta against approved run `run_id`."""
    require(actor, MAKERS, N_("create adjustment runs"))
    original = get_run(conn, run_id)
    check_adjustable(conn, original)
    with collector_paused():  # a whole run is scored again (payplan.gcpause)
        evaluation = adjustment_evaluation(conn, original.id)
        if not evaluation.rows:
            raise Invalid(N_("recomputing run %(run)s on the current facts changes no one's pay: nothing to adjust"),
                          run=original.id)
        new_id = insert_run(conn, original.plan_version_id, parse_period(original.period), actor, evaluation,
                            kind="adjustment", adjusts_run_id=original.id)
        delta = sum((r.total for r in evaluation.rows), ZERO)
        audit.record(conn, actor.name, "run.create", f"run {new_id}",
                     {"adjusts": original.id, "reps": len(evaluation.rows), "delta": delta,
                      "inputs_hash": evaluation.inputs_hash, "outputs_hash": evaluation.outputs_hash},
                     covers=[f"runs {new_id}"])
        del evaluation  # its results are freed while the collector still rests
    return get_run(conn, new_id)


def adjustment_evaluation(conn: Connection, original_id: int) -> RunEvaluation:
    """Recompute the original run's plan and period; keep only reps whose pay or state changed."""
    original = get_run(conn, original_id)
    version = plan_store.get_plan_by_id(conn, original.plan_version_id)
    plan = plan_store.load(conn, version)
    fresh = evaluate_run(conn, plan, version.hash, parse_period(original.period))
    paid, states = _already_paid(conn, original.id)
    now = {r.rep_id: r for r in fresh.results}
    blob = fresh.scored.blob if fresh.scored is not None else (lambda rep_id: None)
    rows = []
    for rep_id in sorted(set(now) | set(paid)):
        row, changed = _delta_row(original, rep_id, paid.get(rep_id, {}), now.get(rep_id), plan.currency)
        row = msgspec.structs.replace(row, inputs=blob(rep_id))
        if changed or (rep_id in states and _state_decoder.decode(row.state) != states[rep_id]):
            rows.append(row)
    return RunEvaluation(fresh.results, fresh.inputs_hash, rows, outputs_hash(rows))


def check_adjustable(conn: Connection, original: RunRow) -> None:
    """Conflict unless `original` is an approved or paid regular run with no adjustment pending."""
    if original.kind != "regular" or original.state not in FINAL_STATES:
        raise Conflict(N_("run %(run)s is a %(state)s %(kind)s run: only an approved or paid regular run can be adjusted"),
                       run=original.id, state=original.state, kind=original.kind, words=("state", "kind"))
    pending = conn.execute(select(runs.c.id).where(
        runs.c.adjusts_run_id == original.id, runs.c.state.not_in(FINAL_STATES))).scalar()
    if pending is not None:
        raise Conflict(N_("adjustment run %(adjustment)s of run %(run)s is not approved yet: "
                          "recompute it instead of creating another"), adjustment=pending, run=original.id)


def paid_before(conn: Connection, adjustment: RunRow, rep_id: str) -> dict[str, Decimal]:
    """What the rep was paid per component before adjustment run `adjustment`: the
    original run plus the approved or paid adjustments of it created earlier (a new
    adjustment needs every earlier one final, so this is the set it was computed against)."""
    if adjustment.adjusts_run_id is None:
        raise Invalid(N_("run %(run)s is not an adjustment run"), run=adjustment.id)
    paid, _ = _already_paid(conn, adjustment.adjusts_run_id, rep_id=rep_id, before_run=adjustment.id)
    return paid.get(rep_id, {})


def paid_by(original_id: int, before_run: int | None = None) -> ColumnElement[bool]:
    """A condition on `run_results.run_id`: the rows that paid the reps of run `original_id`,
    the run itself and its approved or paid adjustments (those before run `before_run` when given)."""
    chain = select(runs.c.id).where(runs.c.adjusts_run_id == original_id, runs.c.state.in_(FINAL_STATES))
    if before_run is not None:
        chain = chain.where(runs.c.id < before_run)
    return run_results.c.run_id.in_(chain) | (run_results.c.run_id == original_id)


def _already_paid(conn: Connection, original_id: int, *, rep_id: str | None = None, before_run: int | None = None
                  ) -> tuple[dict[str, dict[str, Decimal]], dict[str, CarriedState]]:
    """Per rep (or only `rep_id`): amount per component approved so far (by runs before
    `before_run` when given), and the latest stored state."""
    query = (select(run_results.c.rep_id, run_results.c.result, run_results.c.state)
             .where(paid_by(original_id, before_run)).order_by(run_results.c.run_id))
    if rep_id is not None:
        query = query.where(run_results.c.rep_id == rep_id)
    paid: dict[str, dict[str, Decimal]] = {}
    states: dict[str, CarriedState] = {}
    for rep, document, state in conn.execute(query):
        per_component = paid.setdefault(rep, {})
        for line in _doc_decoder.decode(document).lines:
            per_component[line.component] = per_component.get(line.component, ZERO) + line.amount
        # compared by value, not by bytes: a state stored before a field was added to it
        # (negative_balance) is the same state as the one encoded now with that field at 0
        states[rep] = _state_decoder.decode(state)
    return paid, states


def _delta_row(original: RunRow, rep_id: str, before: dict[str, Decimal], result: RepResult | None,
               currency: str) -> tuple[RepRow, bool]:
    """The rep's adjustment row, and whether any component's amount changed."""
    after: dict[str, Decimal] = {}
    labels: dict[str, str] = {}
    for line in result.lines if result is not None else ():
        after[line.component] = after.get(line.component, ZERO) + line.amount
    for component in result.components if result is not None else ():
        labels[component.id] = component.label or component.id
    lines = [_line(original, c, before.get(c, ZERO), after.get(c, ZERO), labels.get(c, c))
             for c in sorted(set(before) | set(after)) if before.get(c, ZERO) != after.get(c, ZERO)]
    total = sum((ln["amount"] for ln in lines), ZERO)
    doc = {"rep_id": rep_id, "period": original.period, "currency": currency, "total": total,
           "adjusts": {"run_id": original.id, "previous_total": sum(before.values(), ZERO),
                       "recomputed_total": sum(after.values(), ZERO)},
           "components": [{"id": ln["component"], "kind": "adjustment", "amount": ln["amount"]} for ln in lines],
           "lines": lines}
    if result is None:
        return RepRow(rep_id, total, encode_result(doc), canonical_bytes(CarriedState())), bool(lines)
    doc["trace"] = result.trace
    doc["state"] = result.state  # what the statement prints as the balances carried out
    return result_row(result, doc), bool(lines)


def _line(original: RunRow, component: str, before: Decimal, after: Decimal, label: str) -> dict:
    # label and cause are templates over `inputs`, as the engine's lines are (`payplan.core.result.Line`)
    return {"component": component, "kind": "adjustment", "label": N_("Adjustment: {component:word}"),
            "amount": after - before,
            "cause": N_("run {run} ({period}) paid {before:money}; recomputed on current facts: {after:money}"),
            "links": f"run {original.id}",
            "inputs": {"component": label, "run": original.id, "period": original.period, "before": before,
                       "after": after}}
