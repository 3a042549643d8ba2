"""What a plan needs from the fact store: metric specs, target keys, team scope.

Lets stage 1 (SQL aggregation) compute exactly what stage 2 (scoring) will read.
Must not compute anything.
"""

from __future__ import annotations

import msgspec

from payplan.core.extras import spiff_spec
from payplan.core.metrics import MetricSpec
from payplan.core.plan import Commission, Override, Plan, Pool, Scorecard, Spiff
from payplan.core.scorecard import kpi_spec

PLAIN_BASES = ("revenue", "margin")  # bases read from a deal's amount and cost alone


class Needs(msgspec.Struct, frozen=True):
    specs: tuple[MetricSpec, ...]
    target_keys: frozenset[str]
    team_scope: str | None
    pool: bool = False  # a team pool reads every member of the rep's team (`RepInputs.pool`)
    fields: bool = True  # a base is a formula that may read a deal's extra fields (`Deal.fields`)


def plan_needs(plan: Plan) -> Needs:
    specs: set[MetricSpec] = set()
    keys: set[str] = set()
    team: str | None = None
    for comp in plan.components:
        if isinstance(comp, Scorecard):
            for kpi in comp.kpis:
                specs.add(kpi_spec(kpi))
                keys.add(kpi.target_key or kpi.metric)
            specs.update(MetricSpec(g.metric) for g in comp.gates if g.metric)
        elif isinstance(comp, Commission):
            keys.add(comp.quota_key)
            specs.update(MetricSpec(g.metric) for g in comp.gates if g.metric)
        elif isinstance(comp, Spiff) and comp.metric:
            specs.add(spiff_spec(comp, plan.period))
        elif isinstance(comp, Override):
            team = "subtree" if comp.scope == "subtree" or team == "subtree" else "team"
            keys.add("team_quota")
        elif isinstance(comp, Pool):
            keys.add("quota")
    return Needs(tuple(sorted(specs)), frozenset(keys), team, any(isinstance(c, Pool) for c in plan.components),
                 any(getattr(c, "base", "revenue") not in PLAIN_BASES for c in plan.components))
