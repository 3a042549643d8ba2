"""One rep's breakdown of a run as a page shows it: the statement's view of the stored result.

Who may see it is decided exactly as for the API breakdown (`run_views.get_result`:
a rep only their own, a manager their team, approved and paid runs only; anything
else is NotFound). The figures are the result stored with the run, decoded as the
engine's `RepResult` and laid out by the statement view model
(`payplan.statements.view.build`), so every line sits in its component and the
components add up to the total, as on the PDF. Like the PDF, this reads only what
the run stored (`payplan.statements.stored`).
Must not compute pay or write anything.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec
from sqlalchemy import Connection

from payplan.access.users import User
from payplan.core.inputs import CarriedState, Rep
from payplan.core.negative import COMPONENT as NEGATIVE
from payplan.core.plan import Draw, Plan
from payplan.core.trace import Node
from payplan.errors import NotFound
from payplan.i18n import N_
from payplan.plans import versions as plan_store
from payplan.runs import lifecycle as runs
from payplan.runs import views as run_views
from payplan.runs.rows import RunRow
from payplan.statements.from_run import run_info
from payplan.statements.stored import stored_result
from payplan.statements.view import StatementView, build


class Breakdown(msgspec.Struct, frozen=True):
    """What the breakdown page shows: the run and the statement view of one result."""

    run: RunRow
    view: StatementView
    statement: str  # the statement's path without the extension (.html / .pdf)


def breakdown(conn: Connection, run_id: int, rep_id: str, viewer: User) -> Breakdown:
    """The breakdown of `rep_id` in run `run_id`; NotFound unless `viewer` may see it."""
    row = run_views.get_result(conn, run_id, rep_id, viewer)
    run = runs.get_run(conn, run_id)
    version = plan_store.get_plan_by_id(conn, run.plan_version_id)
    plan = plan_store.load(conn, version)
    if row.result is None:
        raise NotFound(N_("no result for rep %(rep)r in run %(run)s"), rep=rep_id, run=run_id)
    result = stored_result(row.result)
    view = build(plan, Rep(id=row.rep_id, name=row.rep_name), result, run_info(conn, run),
                 _state_in(plan, result.trace), version.hash)
    return Breakdown(run=run, view=view, statement=f"/runs/{run_id}/results/{rep_id}/statement")


def _state_in(plan: Plan, trace: Node) -> CarriedState:
    """The balances carried in, as the trace states them: the first draw's and the negative
    balance's (`payplan.core.negative`; its node is there whenever the rep owes one)."""
    draws = [f"{c.id}.balance_in" for c in plan.components if isinstance(c, Draw)]
    return CarriedState(draw_balance=_value(trace, draws),
                        negative_balance=_value(trace, [f"{NEGATIVE}.balance_in"]))


def _value(trace: Node, keys: list[str]) -> Decimal:
    """The value of the first of `keys` the trace has one for, else 0."""
    for key in keys:
        node = trace.find(key)
        if node is not None and node.value not in (None, ""):
            return Decimal(str(node.value))
    return Decimal(0)
