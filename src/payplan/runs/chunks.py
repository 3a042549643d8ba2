"""Evaluate one chunk of a run's reps: their starting states, results, rows and input lines.

A run computed as a job is split into chunks of reps (`payplan.runs.jobs`); each
chunk takes `payplan.runs.evaluation`'s path restricted to its reps: the same
starting states (stored by the last final run of the period before, else replayed
from the plan's history) read for its reps only, the same metric SQL
(`load_inputs` with the chunk's rep ids: team and pool mates are read as for a
whole run), the same scoring and encoding. A rep's result depends only on its own
inputs and state, so the chunks' rows, in rep order, are the single-process run's
rows byte for byte, and the per-rep input lines concatenate to its inputs hash.
Must not write anything.
"""

from __future__ import annotations

import hashlib

import msgspec
from sqlalchemy import Connection

from payplan.core.eligibility import in_force, is_eligible
from payplan.core.inputs import CarriedState, Rep
from payplan.core.periods import Period
from payplan.core.plan import Plan
from payplan.evaluation.pipeline import carries_state, score_period, with_history
from payplan.runs.evaluation import (RepRow, Scored, earlier_part_states, result_row, starts_inside,
                                     stored_states)
from payplan.store.metrics import load_reps
from payplan.store.packed import pack, packs
from payplan.store.records import canonical_lines
from payplan.store.rows import employed_in


class ChunkRows(msgspec.Struct, frozen=True):
    """A chunk's stored rows in rep order, each rep's line of the run's inputs hash, and
    the SHA-256 of those lines (the chunk's inputs hash, its idempotency key)."""

    rows: list[RepRow]
    lines: dict[str, bytes]
    inputs_hash: str


def run_reps(conn: Connection, plan: Plan, period: Period, everyone: list[Rep] | None = None) -> list[str]:
    """The reps a run scores, in rep order: eligible and employed in the period (`load_inputs` reads no others).
    `everyone`: `load_reps`' reps, when the caller has them."""
    if not in_force(plan, period):
        return []
    return sorted(r.id for r in (load_reps(conn) if everyone is None else everyone)
                  if is_eligible(plan, r) and employed_in(r, period))


def evaluate_chunk(conn: Connection, plan: Plan, plan_digest: str, period: Period, rep_ids: list[str],
                   everyone: list[Rep] | None = None) -> ChunkRows:
    """The rows of the chunk's reps for `period`, as the whole run would store them.
    `everyone`: `load_reps`' reps, when the caller has them (a process evaluating many chunks)."""
    everyone = load_reps(conn) if everyone is None else everyone
    wanted = set(rep_ids)
    reps = [r for r in everyone if r.id in wanted and is_eligible(plan, r)]
    states = chunk_states(conn, plan, period, reps, everyone)
    if not in_force(plan, period) or not reps:
        return ChunkRows([], {}, hashlib.sha256().hexdigest())
    results, inputs = score_period(plan, conn, period, reps, dict(states), everyone=everyone)
    scored = Scored(plan_digest, inputs, states)
    rows = [result_row(r, inputs=scored.blob(r.rep_id)) for r in sorted(results, key=lambda r: r.rep_id)]
    lines = {rep_id: canonical_lines([[rep_id, states.get(rep_id), inputs[rep_id]]])
             for rep_id in sorted(inputs) if rep_id in wanted}
    digest = hashlib.sha256()
    for line in lines.values():
        digest.update(line)
    return ChunkRows(rows, lines, digest.hexdigest())


def packed(chunk: ChunkRows, dialect_name: str) -> ChunkRows:
    """The chunk with each result packed as the database stores it (SQLite: `payplan.store.packed`),
    so a process computing chunks spends that time rather than the one storing them."""
    if not packs(dialect_name):
        return chunk
    return msgspec.structs.replace(chunk, rows=[msgspec.structs.replace(r, packed=pack(r.result)) for r in chunk.rows])


def chunk_states(conn: Connection, plan: Plan, period: Period, reps: list[Rep],
                 everyone: list[Rep]) -> dict[str, CarriedState]:
    """`evaluation.starting_states` for `reps` only: stored by the last final run, else replayed."""
    if starts_inside(plan, period):
        return earlier_part_states(conn, plan, period, [r.id for r in reps])
    previous = period.previous()
    stored = stored_states(conn, plan.id, previous, [r.id for r in reps])
    if not carries_state(plan):
        return {rep_id: state for rep_id, state in (stored or {}).items() if state.negative_balance}
    if stored is not None:
        return stored
    states: dict[str, CarriedState] = {}
    last: list = []
    for past in with_history(plan, [previous]):  # `evaluate_periods`' replay, for these reps
        if in_force(plan, past):
            scored, _ = score_period(plan, conn, past, reps, states, everyone=everyone)
            last = scored if past == previous else []
    return {r.rep_id: r.state for r in last}  # the states after `previous`, of the reps it scored
