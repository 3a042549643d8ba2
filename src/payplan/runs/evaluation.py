"""Evaluate one period of a plan for a run, on the service database, with carried state.

This is `payplan.evaluation.pipeline.evaluate_periods`'s path (same eligibility, same metric
SQL via `load_inputs`, same `engine.evaluate`) for one period, with one addition
the service needs: the state a rep starts the period with (draw and negative
balances, paid deals) comes from the most recent approved or paid run of the same plan id for the
previous period when there is one; otherwise the pipeline replays the history.
It also encodes what a run stores: each rep's result and state as UTF-8 JSON, the
inputs it scored (`payplan.runs.stored_inputs`, so statements never re-evaluate),
and hashes of the inputs and outputs. Must not write anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal
from operator import attrgetter

import msgspec
from sqlalchemy import Connection, select

from payplan.core.eligibility import in_force, is_eligible
from payplan.core.inputs import CarriedState, RepInputs
from payplan.core.periods import Period
from payplan.core.plain import encode_plain
from payplan.core.plan import Plan
from payplan.core.proration import version_days
from payplan.core.result import RepResult
from payplan.errors import Conflict
from payplan.i18n import N_
from payplan.evaluation.pipeline import carries_state, evaluate_periods, score_period
from payplan.evaluation.report import result_dict
from payplan.runs.stored_inputs import encode_inputs
from payplan.store.metrics import load_reps
from payplan.store.packed import Packed
from payplan.store.records import canonical_bytes, canonical_lines
from payplan.store.service_schema import FINAL_STATES, plan_versions, run_results, runs

_result_encoder = msgspec.json.Encoder(decimal_format="string")
_state_decoder = msgspec.json.Decoder(CarriedState)
# Reps whose input lines `inputs_hash` encodes at a time (a one-pass evaluation's hash).
CHUNK = 500
_by_rep = attrgetter("rep_id")


class RepRow(msgspec.Struct, frozen=True):
    """One rep's stored result: total, result JSON (result_dict) and state JSON, as UTF-8 bytes,
    and the inputs it scored (`stored_inputs.encode_inputs`; None only when it has none).
    `packed`: the result as the database stores it, when the process that computed it packed
    it (`payplan.store.packed`: SQLite); else it is packed while bound."""

    rep_id: str
    total: Decimal
    result: bytes
    state: bytes
    inputs: bytes | None = None
    packed: bytes | None = None

    def stored_result(self) -> bytes:
        """What to bind for the result column: the packed bytes when known, else the JSON."""
        return self.result if self.packed is None else Packed(self.packed)


class Scored(msgspec.Struct, frozen=True):
    """What the results were scored from: the plan's hash, each rep's inputs and starting state."""

    plan_hash: str
    inputs: dict[str, RepInputs]
    states: dict[str, CarriedState]

    def blob(self, rep_id: str) -> bytes | None:
        """The rep's stored-inputs bytes (None for a rep that was not scored)."""
        found = self.inputs.get(rep_id)
        return None if found is None else encode_inputs(self.plan_hash, found, self.states.get(rep_id))


class RunEvaluation(msgspec.Struct, frozen=True):
    """A run's results and inputs hash evaluated in one pass (`evaluate_run`: what an adjustment
    compares with what was paid), and, for an adjustment, the rows it stores with their
    `outputs_hash`. A regular run is evaluated and stored chunk by chunk (`payplan.runs.chunked`)."""

    results: list[RepResult]
    inputs_hash: str
    rows: list[RepRow] | None = None
    outputs_hash: str | None = None
    scored: Scored | None = None

    @property
    def count(self) -> int:
        """How many rows the run stores."""
        return len(self.results) if self.rows is None else len(self.rows)


def evaluate_run(conn: Connection, plan: Plan, plan_digest: str, period: Period) -> RunEvaluation:
    """Every eligible rep's result for `period`, starting from the carried state."""
    states = starting_states(conn, plan, period)
    results, inputs = evaluate_period(conn, plan, period, states)
    return RunEvaluation(results, inputs_hash(plan_digest, period, states, inputs),
                         scored=Scored(plan_digest, inputs, states))


def evaluate_period(conn: Connection, plan: Plan, period: Period, states: dict[str, CarriedState]
                    ) -> tuple[list[RepResult], dict[str, RepInputs]]:
    """The pipeline's path for one period, from given starting states (not modified)."""
    if not in_force(plan, period):
        return [], {}
    everyone = load_reps(conn)
    reps = [r for r in everyone if is_eligible(plan, r)]
    return score_period(plan, conn, period, reps, dict(states), everyone=everyone)


def starting_states(conn: Connection, plan: Plan, period: Period) -> dict[str, CarriedState]:
    """Each rep's state at the start of `period`: stored by the last final run, else replayed.

    A plan that carries nothing itself still starts from the negative balances stored
    (owed under an earlier version that carried negative totals: recovered whatever the
    policy now), but replays no history for them."""
    previous = period.previous()
    if starts_inside(plan, period):
        # A version that starts inside the period continues the state the earlier version's
        # run of the same period left (`earlier_part_states`), not the previous period's.
        return earlier_part_states(conn, plan, period)
    stored = stored_states(conn, plan.id, previous)
    if not carries_state(plan):
        return {rep_id: state for rep_id, state in (stored or {}).items() if state.negative_balance}
    if stored is not None:
        return stored
    results, _ = evaluate_periods(plan, conn, [previous])
    return {r.rep_id: r.state for r in results}


def starts_inside(plan: Plan, period: Period) -> bool:
    """Whether the plan version takes effect after the period's first day (a later part of it)."""
    return version_days(plan, period) is not None and plan.effective_from > period.start


def earlier_part_states(conn: Connection, plan: Plan, period: Period,
                        rep_ids: list[str] | None = None) -> dict[str, CarriedState]:
    """The states the earlier version's final runs of `period` stored (of `rep_ids` only, if
    given), for a version that starts inside the period; refused while the earlier version is in
    force in the period with no approved run (its part must be settled first). A first version
    starts from nothing."""
    stored = stored_states(conn, plan.id, period, rep_ids, before_version=plan.version)
    if stored is not None:
        return stored if carries_state(plan) else {k: v for k, v in stored.items() if v.negative_balance}
    earlier = conn.execute(select(plan_versions.c.version).where(
        plan_versions.c.plan_id == plan.id, plan_versions.c.version < plan.version,
        plan_versions.c.effective_from <= period.end,
        (plan_versions.c.effective_to.is_(None)) | (plan_versions.c.effective_to >= period.start))
        .order_by(plan_versions.c.version.desc())).scalar()
    if earlier is not None and carries_state(plan):
        raise Conflict(N_("%(plan)s starts on %(day)s, inside %(period)s, and continues the state of %(earlier)s: "
                          "approve the run of %(earlier)s for %(period)s first"),
                       plan=plan.ref, day=plan.effective_from.isoformat(), period=period.key,
                       earlier=f"{plan.id}@{earlier}")
    return {}


def stored_states(conn: Connection, plan_id: str, period: Period, rep_ids: list[str] | None = None,
                  before_version: int | None = None) -> dict[str, CarriedState] | None:
    """States after `period` from its approved/paid runs of `plan_id` (later runs win), or None;
    of `rep_ids` only, if given (a chunk of a run: `payplan.runs.chunks`); with `before_version`,
    only the runs of earlier versions (the earlier part of a split period)."""
    final = (select(runs.c.id).join(plan_versions, plan_versions.c.id == runs.c.plan_version_id)
             .where(plan_versions.c.plan_id == plan_id, runs.c.period == period.key,
                    runs.c.state.in_(FINAL_STATES)))
    if before_version is not None:
        final = final.where(plan_versions.c.version < before_version)
    run_ids = list(conn.execute(final).scalars())
    if not run_ids:
        return None
    query = (select(run_results.c.rep_id, run_results.c.state).where(run_results.c.run_id.in_(run_ids))
             .order_by(run_results.c.run_id))
    if rep_ids is not None:
        query = query.where(run_results.c.rep_id.in_(rep_ids))
    return {rep_id: _state_decoder.decode(state) for rep_id, state in conn.execute(query).all()}


def result_row(result: RepResult, doc: dict | None = None, inputs: bytes | None = None) -> RepRow:
    """What a run stores for one rep (`doc` replaces the result document, for adjustments)."""
    document = encode_result(doc if doc is not None else result_dict(result))
    return RepRow(result.rep_id, doc["total"] if doc is not None else result.total, document,
                  canonical_bytes(result.state), inputs)


def encode_result(doc: dict) -> bytes:
    """A result document as stored: JSON (UTF-8), amounts as plain decimal strings."""
    return encode_plain(doc, _result_encoder.encode)


def inputs_hash(plan_digest: str, period: Period, states: dict[str, CarriedState],
                inputs: dict[str, RepInputs]) -> str:
    """SHA-256 of the plan hash, the period, the starting states and every rep's inputs."""
    digest = hashlib.sha256(f"{plan_digest}\n{period.key}\n".encode())
    rep_ids = sorted(inputs)
    for start in range(0, len(rep_ids), CHUNK):  # one line of canonical JSON per rep
        digest.update(canonical_lines([[rep_id, states.get(rep_id), inputs[rep_id]]
                                       for rep_id in rep_ids[start:start + CHUNK]]))
    return digest.hexdigest()


class OutputsDigest:
    """SHA-256 of stored rows fed in rep order: `outputs_hash` a chunk at a time."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()

    def update(self, rows: Iterable[RepRow]) -> None:
        update = self._digest.update
        for row in rows:
            update(b"%s\t%s\t%s\n" % (row.rep_id.encode(), row.result, row.state))

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def outputs_hash(rows: list[RepRow]) -> str:
    """SHA-256 of every stored result document, in rep order."""
    digest = OutputsDigest()
    digest.update(sorted(rows, key=_by_rep))
    return digest.hexdigest()
