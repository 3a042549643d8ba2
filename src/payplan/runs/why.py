"""Why one rep's pay changed in an adjustment run: what its facts differ in, and which files came since.

An adjustment pays the difference between what a rep was paid and what is due on the
current facts. `rep_why` names the reason where it is known: the inputs stored by the
run that last paid the rep (the adjusted run, or the latest approved or paid adjustment
of it before this one with a row for the rep) compared with the inputs this adjustment
scored (`payplan.core.changes`), and the fact files imported between those two
evaluations whose days overlap the period (`fact_imports`, with who imported them and
when). An evaluation's time is its run's latest "run.create" or "run.recompute" audit
row, so a file imported after the adjustment was scored is never named, and the answer
stays the same however the facts change later. Where nothing can be compared, `unknown`
says why. Must not evaluate, nor change anything.
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from sqlalchemy import Connection, func, select

from payplan.core.changes import Change, input_changes
from payplan.core.periods import parse_period
from payplan.errors import Conflict, Invalid
from payplan.i18n import N_
from payplan.runs.adjustments import paid_by
from payplan.runs.lifecycle import get_run
from payplan.runs.rows import RunRow
from payplan.runs.stored_inputs import StoredInputs, decode_inputs
from payplan.store.service_schema import audit_log, fact_imports, run_results, users

# Why no change can be named: the earlier run stored no inputs (before revision 0003_stmt),
# did not pay the rep, this adjustment scored no inputs for the rep (no longer on the plan),
# or the inputs compared are the same (the calculation itself gave another result).
UNKNOWN = ("no_inputs", "not_in_run", "not_scored", "same_inputs")


class FactFile(msgspec.Struct, frozen=True, kw_only=True):
    """A fact file imported since the earlier run was scored: what, by whom, when, which days."""

    source: str  # the file's name, e.g. "deals.csv"
    kind: str  # deals / activities / nps / scores / targets
    imported_by: str
    imported_at: datetime
    first_day: date
    last_day: date


class Why(msgspec.Struct, frozen=True, kw_only=True):
    """The reason a rep's pay changed, where known."""

    compared_with: int  # the run whose stored inputs the changes are counted from
    changes: tuple[Change, ...] = ()
    files: tuple[FactFile, ...] = ()
    unknown: str = ""  # one of UNKNOWN when no change can be named; "" when `changes` names them


def rep_why(conn: Connection, run_id: int, rep_id: str) -> Why | None:
    """Why rep `rep_id`'s pay changed in run `run_id`; None for a regular run or no such row."""
    run = get_run(conn, run_id)
    if run.kind != "adjustment":
        return None
    blob = conn.execute(select(run_results.c.inputs).where(run_results.c.run_id == run.id,
                                                           run_results.c.rep_id == rep_id)).first()
    if blob is None:
        return None
    return why(conn, run, rep_id, None if blob.inputs is None else _decode(run.id, rep_id, blob.inputs))


def why(conn: Connection, adjustment: RunRow, rep_id: str, now: StoredInputs | None) -> Why:
    """The reason for rep `rep_id`'s row of `adjustment`, which scored `now` (None: no inputs)."""
    if adjustment.adjusts_run_id is None:
        raise Invalid(N_("run %(run)s is not an adjustment run"), run=adjustment.id)
    earlier = conn.execute(select(run_results.c.run_id, run_results.c.inputs)
                           .where(paid_by(adjustment.adjusts_run_id, adjustment.id), run_results.c.rep_id == rep_id)
                           .order_by(run_results.c.run_id.desc()).limit(1)).first()
    compared = earlier.run_id if earlier is not None else adjustment.adjusts_run_id
    files = fact_files(conn, adjustment, compared)
    if earlier is None or earlier.inputs is None or now is None:
        unknown = "not_in_run" if earlier is None else "no_inputs" if earlier.inputs is None else "not_scored"
        return Why(compared_with=compared, files=files, unknown=unknown)
    before = _decode(compared, rep_id, earlier.inputs)
    changes = tuple(input_changes(before.inputs, now.inputs, before.state_in, now.state_in))
    return Why(compared_with=compared, changes=changes, files=files, unknown="" if changes else "same_inputs")


def fact_files(conn: Connection, adjustment: RunRow, earlier_id: int) -> tuple[FactFile, ...]:
    """Files imported after run `earlier_id` was scored and before `adjustment` was, overlapping its period."""
    period = parse_period(adjustment.period)
    f = fact_imports.c
    query = (select(f.source, f.kind, users.c.name, f.imported_at, f.first_day, f.last_day)
             .join(users, users.c.id == f.user_id)
             .where(f.imported_at > scored_at(conn, get_run(conn, earlier_id)),
                    f.imported_at <= scored_at(conn, adjustment),
                    f.first_day <= period.end, f.last_day >= period.start)
             .order_by(f.imported_at, f.id))
    return tuple(FactFile(source=source, kind=kind, imported_by=name, imported_at=_time(at), first_day=first,
                          last_day=last) for source, kind, name, at, first, last in conn.execute(query))


def scored_at(conn: Connection, run: RunRow) -> str:
    """When `run`'s results were last evaluated (its latest create or recompute audit row)."""
    at = conn.execute(select(func.max(audit_log.c.at)).where(
        audit_log.c.object == f"run {run.id}", audit_log.c.action.in_(("run.create", "run.recompute")))).scalar()
    return at or run.created_at


def _decode(run_id: int, rep_id: str, blob: bytes) -> StoredInputs:
    try:
        return decode_inputs(blob)
    except ValueError as exc:
        raise Conflict(N_("run %(run)s, rep %(rep)s: the stored inputs are unreadable (%(error)s)"),
                       run=run_id, rep=rep_id, error=str(exc)) from None


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
