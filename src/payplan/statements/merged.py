"""One statement for a rep whose plan changed version inside a period: the parts, added up.

A plan version that starts or ends inside a period scores only the days it is in force
(`payplan.core.proration.version_days`), and each version's run stores its part. The
merged statement is a first page adding up the parts, then each part's own statement
(its figures, its embedded and signed calculation, attached as
`payplan-calculation-N.json`). `payplan verify` checks every part and the sum. The parts
are the regular runs of the plan id for the period, one per version, in version order.
Must not compute pay or write anything.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec
from sqlalchemy import Connection, select

from payplan.core.periods import parse_period
from payplan.core.proration import version_days
from payplan.errors import NotFound
from payplan.i18n import N_
from payplan.statements.calculation import Calculation
from payplan.statements.from_run import statement_calculation
from payplan.store.service_schema import plan_versions, run_results, runs

PART_NAME = "payplan-calculation-{n}.json"
PART_SIGNATURE = "payplan-calculation-{n}.sig"


class Part(msgspec.Struct, frozen=True):
    """Part `number` of `count`: one version's calculation and the days it was in force."""

    number: int
    count: int
    first: date
    last: date
    calc: Calculation


def parts_of(calcs: list[Calculation]) -> list[Part]:
    """Number the calculations of one rep's period (in version order) as the parts of one statement."""
    out = []
    for i, calc in enumerate(calcs, start=1):
        period = parse_period(calc.period)
        first, last = version_days(calc.plan, period) or (period.start, period.end)
        out.append(Part(i, len(calcs), first, last, calc))
    return out


def total(parts: list[Part]) -> Decimal:
    return sum((p.calc.result.total for p in parts), Decimal(0))


def period_parts(conn: Connection, rep_id: str, plan_id: str, period: str) -> list[Part]:
    """Rep `rep_id`'s parts of `period` under plan `plan_id`: every version's regular run
    that scored the rep (a rejected run is not a part)."""
    query = (select(runs.c.id).join(plan_versions, plan_versions.c.id == runs.c.plan_version_id)
             .join(run_results, (run_results.c.run_id == runs.c.id) & (run_results.c.rep_id == rep_id))
             .where(plan_versions.c.plan_id == plan_id, runs.c.period == period, runs.c.kind == "regular",
                    runs.c.state != "rejected")
             .order_by(plan_versions.c.version))
    run_ids = list(conn.execute(query).scalars())
    if not run_ids:
        raise NotFound(N_("no run of plan %(plan)s for %(period)s scored rep %(rep)s"),
                       plan=plan_id, period=period, rep=rep_id)
    return parts_of([statement_calculation(conn, run_id, rep_id) for run_id in run_ids])
