"""Which reps a plan version is for: roles, teams and rep ids, and employment dates.

Pure selection over Rep values; must not load anything.
"""

from __future__ import annotations

from payplan.core.inputs import Rep
from payplan.core.periods import Period
from payplan.core.plan import Plan


def is_eligible(plan: Plan, rep: Rep) -> bool:
    rule = plan.eligibility
    if rule.reps and rep.id in rule.reps:
        return True
    if rule.reps and not (rule.roles or rule.teams):
        return False
    return (not rule.roles or rep.role in rule.roles) and (not rule.teams or rep.team in rule.teams)


def in_force(plan: Plan, period: Period) -> bool:
    """Whether the plan version's effective dates overlap the period."""
    return plan.effective_from <= period.end and (plan.effective_to is None or plan.effective_to >= period.start)
