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
from payplan.errors import NotFound, Phrase
from payplan.i18n import N_
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
NOTHING = N_("nothing")  # a component one side does not have


def run_differences(conn: Connection, calc: Embedded) -> list[Phrase]:
    """What differs between the statement and its stored run ([] when they agree)."""
    number = calc.run.number
    if number is None:
        return [Phrase(N_("database: this statement is a preview from fact files, not a run's statement"))]
    try:
        run = runs.get_run(conn, number)
    except NotFound:
        return [Phrase(N_("database: run %(run)s does not exist"), {"run": number})]
    out = []
    if plan_store.get_plan_by_id(conn, run.plan_version_id).hash != calc.plan_hash:
        out.append(Phrase(N_("database: run %(run)s was computed on plan %(plan)s, not on the embedded plan"),
                          {"run": number, "plan": run.plan_ref}))
    if run.period != calc.period:
        out.append(Phrase(N_("database: run %(run)s is for %(period)s, the statement for %(printed)s"),
                          {"run": number, "period": run.period, "printed": calc.period}))
    out += _approval(conn, run, calc)
    document = conn.execute(select(run_results.c.result).where(
        run_results.c.run_id == number, run_results.c.rep_id == calc.result.rep_id)).scalar()
    if document is None:
        return [*out, Phrase(N_("database: run %(run)s has no result for rep %(rep)s"),
                             {"run": number, "rep": calc.result.rep_id})]
    return out + _figures(number, _decoder.decode(document), calc)


def _approval(conn: Connection, run: runs.RunRow, calc: Embedded) -> list[Phrase]:
    if not calc.run.approved:
        return []
    if run.state not in FINAL_STATES:
        return [Phrase(N_("database: the statement says run %(run)s is %(printed)s, the run is %(state)s"),
                       {"run": run.id, "printed": calc.run.state, "state": run.state}, ("printed", "state"))]
    approver = user_by_id(conn, run.approved_by) if run.approved_by else None
    if approver is None or approver.name != calc.run.approved_by:
        return [Phrase(N_("database: the statement says approved by %(printed)s, the run by %(approver)s"),
                       {"printed": calc.run.approved_by, "approver": approver.name if approver else N_("nobody")},
                       () if approver else ("approver",))]
    return []


def _figures(number: int, stored: _Stored, calc: Embedded) -> list[Phrase]:
    printed = calc.result
    out = []
    if stored.total != printed.total:
        out.append(Phrase(N_("database: total printed %(printed)s, stored in run %(run)s %(stored)s"),
                          {"printed": printed.total, "run": number, "stored": stored.total}))
    shown = {c.id: c.amount for c in printed.components}
    kept = {c.id: c.amount for c in stored.components}
    for cid in dict.fromkeys([*shown, *kept]):
        if shown.get(cid) != kept.get(cid):
            out.append(Phrase(N_("database: component %(component)s printed %(printed)s, stored %(stored)s"),
                              {"component": cid, "printed": shown.get(cid, NOTHING), "stored": kept.get(cid, NOTHING)},
                              ("printed", "stored")))
    lines = [(ln.component, ln.deal_id, ln.amount) for ln in printed.lines]
    if lines != [(ln.component, ln.deal_id, ln.amount) for ln in stored.lines]:
        out.append(Phrase(N_("database: the printed lines are not the %(count)s lines stored in run %(run)s"),
                          {"count": len(stored.lines), "run": number}))
    return out
