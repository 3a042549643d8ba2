"""Lint of the team mechanics: manager overrides (also on the members' commission) and team pools.

Part of `payplan.core.lint`; shares its helpers with `payplan.core.lint_components`
and `payplan.core.lint_parts`; messages are templates over named values, translated where read.
Must not evaluate anything.
"""

from __future__ import annotations

from typing import Any, Callable

from payplan.core.issues import Issue, error, warning
from payplan.core.lint_components import check_commission, check_draw, check_fixed, check_scorecard, check_spiff
from payplan.core.lint_parts import check_formula
from payplan.core.lint_where import Path, where
from payplan.core.plan import Commission, Draw, Fixed, Override, Plan, Pool, Scorecard, Spiff
from payplan.core.trace import N_


def check_override(plan: Plan, o: Override, path: Path) -> list[Issue]:
    if problem := check_formula(plan, o.base, path + ("base",)):
        return problem
    if o.on is not None:
        return _check_on(plan, o, path)
    if o.min_attainment is not None and o.team_quota is None:
        return [warning("quota-from-targets", N_("override {component} needs a team quota for min_attainment and "
                                                 "the plan sets none: it must come from target overrides"),
                        where(plan, path + ("team_quota",)), component=o.id)]
    return []


def _check_on(plan: Plan, o: Override, path: Path) -> list[Issue]:
    """An override on the members' commission: a commission of this plan, computable from deals alone."""
    comp = next((c for c in plan.components if c.id == o.on), None)
    if not isinstance(comp, Commission):
        return [error("override-on", N_("override {component} is on '{on}', which is not a commission of this plan"),
                      where(plan, path + ("on",)), component=o.id, on=o.on)]
    if any(g.metric or g.kpi_min is not None for g in comp.gates):
        return [error("override-on", N_("override {component} is on commission {on}, which has gates: a member's "
                                        "metrics are not read for an override"), where(plan, path + ("on",)),
                      component=o.id, on=o.on)]
    if o.min_attainment is not None:
        return [error("override-on", N_("override {component}: min_attainment compares the team's base with its "
                                        "quota and cannot be used on the members' commission"),
                      where(plan, path + ("min_attainment",)), component=o.id)]
    return []


def check_pool(plan: Plan, p: Pool, path: Path) -> list[Issue]:
    issues = check_formula(plan, p.base, path + ("base",))
    if (p.amount is None) == (p.rate is None):
        issues.append(error("pool-amount", N_("pool {component} needs amount or rate (on the team's base), not both"),
                            where(plan, path), component=p.id))
    if p.split == "attainment" and p.quota is None:
        issues.append(warning("quota-from-targets", N_("pool {component} splits by attainment and the plan sets no "
                                                       "quota: each member's must come from target overrides ('quota')"),
                              where(plan, path + ("quota",)), component=p.id))
    return issues


COMPONENT_CHECKS: dict[type, Callable[[Plan, Any, Path], list[Issue]]] = {
    Scorecard: check_scorecard, Commission: check_commission, Spiff: check_spiff,
    Override: check_override, Draw: check_draw, Fixed: check_fixed, Pool: check_pool,
}
