"""`payplan verify --database`: a statement's embedded calculation against the run stored in the database.

A signed, re-computable statement could still be an old one (printed from a draft
later recomputed) or name the wrong run. This compares it with what the database
holds for its run and rep: the plan version's hash, the period, the stored total,
components and lines, and the approval it claims. Run `payplan audit verify` to
know the stored run itself is untampered. Must not write anything.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec
from sqlalchemy import Connection, select

from payplan.access.users import user_by_id
from payplan.errors import NotFound
from payplan.plans import versions as plan_store
from payplan.runs import lifecycle as runs
from payplan.statements.calculation import Embedded
from payplan.store.service_schema import FINAL_STATES, run_results


class _Component(msgspec.Struct):
    id: str
    amount: Decimal


class _Line(msgspec.Struct):
    component: str
    amount: Decimal
    deal_id: str | None = None


class _Stored(msgspec.Struct):
    total: Decimal
    components: list[_Component]
    lines: list[_Line]


_decoder = msgspec.json.Decoder(_Stored)


def run_differences(conn: Connection, calc: Embedded) -> list[str]:
    """What differs between the statement and its stored run ([] when they agree)."""
    number = calc.run.number
    if number is None:
        return ["database: this statement is a preview from fact files, not a run's statement"]
    try:
        run = runs.get_run(conn, number)
    except NotFound:
        return [f"database: run {number} does not exist"]
    out = []
    if plan_store.get_plan_by_id(conn, run.plan_version_id).hash != calc.plan_hash:
        out.append(f"database: run {number} was computed on plan {run.plan_ref}, not on the embedded plan")
    if run.period != calc.period:
        out.append(f"database: run {number} is for {run.period}, the statement for {calc.period}")
    out += _approval(conn, run, calc)
    document = conn.execute(select(run_results.c.result).where(
        run_results.c.run_id == number, run_results.c.rep_id == calc.result.rep_id)).scalar()
    if document is None:
        return [*out, f"database: run {number} has no result for rep {calc.result.rep_id}"]
    return out + _figures(number, _decoder.decode(document), calc)


def _approval(conn: Connection, run: runs.RunRow, calc: Embedded) -> list[str]:
    if not calc.run.approved:
        return []
    if run.state not in FINAL_STATES:
        return [f"database: the statement says run {run.id} is {calc.run.state}, the run is {run.state}"]
    approver = user_by_id(conn, run.approved_by) if run.approved_by else None
    if approver is None or approver.name != calc.run.approved_by:
        return [f"database: the statement says approved by {calc.run.approved_by}, "
                f"the run by {approver.name if approver else 'nobody'}"]
    return []


def _figures(number: int, stored: _Stored, calc: Embedded) -> list[str]:
    printed = calc.result
    out = []
    if stored.total != printed.total:
        out.append(f"database: total printed {printed.total}, stored in run {number} {stored.total}")
    shown = {c.id: c.amount for c in printed.components}
    kept = {c.id: c.amount for c in stored.components}
    for cid in dict.fromkeys([*shown, *kept]):
        if shown.get(cid) != kept.get(cid):
            out.append(f"database: component {cid} printed {shown.get(cid, 'nothing')}, "
                       f"stored {kept.get(cid, 'nothing')}")
    lines = [(ln.component, ln.deal_id, ln.amount) for ln in printed.lines]
    if lines != [(ln.component, ln.deal_id, ln.amount) for ln in stored.lines]:
        out.append(f"database: the printed lines are not the {len(stored.lines)} lines stored in run {number}")
    return out
