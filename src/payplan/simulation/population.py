"""Who a simulation compares: one population under both plans, stated, never two mixed silently.

By default the population is every rep either plan covers; with a role or a team,
the reps of that role or team. Within it, the reps both plans cover are compared;
those only the proposal covers ("newly covered") and those only the baseline covers
("no longer covered") are scored and listed apart. Plans that pay different
currencies, or whose reps share no role (an AE plan against the SDRs' plan), pay
different populations (`simulate.check_pair` refuses plans in different
currencies first): that is refused unless the user asks for a cross-population
comparison, which then scores each plan on its own reps and is labelled as such.
Must not score or load anything: it chooses among the reps it is given.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from payplan.core.eligibility import is_eligible
from payplan.core.inputs import Rep
from payplan.core.plan import Plan
from payplan.errors import Invalid
from payplan.i18n import N_
from payplan.simulation.model import Covered, Population

ZERO = Decimal(0)


class Cohort(msgspec.Struct, frozen=True):
    """The rep ids each plan is scored on, and which of them are compared."""

    population: Population
    baseline_ids: list[str]  # scored under the baseline
    proposal_ids: list[str]  # scored under the proposal
    compared: frozenset[str]


def choose(reps: list[Rep], baseline: Plan, proposal: Plan, *, role: str = "", team: str = "",
           cross: bool = False) -> Cohort:
    """The cohort of a simulation; Invalid for plans of different populations unless `cross`."""
    covered = [{r.id for r in reps if is_eligible(plan, r)} for plan in (baseline, proposal)]
    if not cross:
        _same_population(reps, baseline, proposal, covered)
    if role and team:
        raise Invalid(N_("choose a role or a team, not both"))
    chosen = [r for r in reps if (not role or r.role == role) and (not team or r.team == team)
              and (r.id in covered[0] or r.id in covered[1])]
    if (role or team) and not chosen:
        raise Invalid(N_("no rep of %(what)s %(name)s is covered by either plan"), what="role" if role else "team",
                      name=role or team, words=("what",))
    ids = [r.id for r in chosen]
    base_ids = [i for i in ids if i in covered[0]]
    prop_ids = [i for i in ids if i in covered[1]]
    compared = frozenset(ids) if cross else frozenset(base_ids) & frozenset(prop_ids)
    kind = "cross" if cross else "role" if role else "team" if team else "baseline"
    roles = sorted({r.role for r in chosen if r.id in compared})
    return Cohort(Population(kind, role, team, roles, len(compared)), base_ids, prop_ids, compared)


def _same_population(reps: list[Rep], baseline: Plan, proposal: Plan, covered: list[set[str]]) -> None:
    roles = [{r.role for r in reps if r.id in ids} | set(plan.eligibility.roles)
             for ids, plan in zip(covered, (baseline, proposal))]
    if roles[0] and roles[1] and not roles[0] & roles[1]:
        raise Invalid(N_("plans for different populations: %(baseline)s covers %(baseline_roles)s, %(proposal)s "
                         "covers %(proposal_roles)s. Comparing them would compare different people; choose plans "
                         "for one population, or ask for a cross-population comparison (--cross-population in the CLI, "
                         "cross_population in the API, the box on the simulation page)"),
                      baseline=baseline.ref, baseline_roles=", ".join(sorted(roles[0])), proposal=proposal.ref,
                      proposal_roles=", ".join(sorted(roles[1])))


def with_coverage(population: Population, pay: tuple[dict[str, Decimal], dict[str, Decimal]],
                  compared: frozenset[str]) -> Population:
    """The population with the reps only one plan covers listed apart, each with that plan's pay."""
    if population.cross:
        return population
    gone = [Covered(rep_id, amount) for rep_id, amount in sorted(pay[0].items()) if rep_id not in compared]
    new = [Covered(rep_id, amount) for rep_id, amount in sorted(pay[1].items()) if rep_id not in compared]
    return msgspec.structs.replace(population, newly_covered=new, no_longer_covered=gone,
                                   newly_covered_total=sum((c.pay for c in new), ZERO),
                                   no_longer_covered_total=sum((c.pay for c in gone), ZERO))
