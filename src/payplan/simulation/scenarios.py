"""Behaviour scenarios: both plans scored on history changed by shifts ("demos +10%").

Each scenario wraps the simulation's metric cache (`ShiftedCache`): a period's
inputs are shifted once (`payplan.core.shifts.shifted`) and kept by column like the
plain cache, then both plans are scored on them as the simulation scores them.
Must not load facts beyond the cache, nor change the cache it wraps.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.inputs import RepInputs
from payplan.core.periods import Period
from payplan.core.plan import Plan
from payplan.core.shifts import Shift, ShiftError, parse_scenario, shifted
from payplan.core.simulate import Outcome, distribution
from payplan.core.tally.batch import Columns
from payplan.errors import Invalid
from payplan.simulation.model import Scenario, ScenarioRep
from payplan.simulation.pool import score
from payplan.simulation.scoring import MetricCache

ZERO = Decimal(0)


class ShiftedCache:
    """A metric cache whose inputs are those of `base` under `shifts` (loaded through `base`)."""

    def __init__(self, base: MetricCache, shifts: list[Shift]) -> None:
        self.base, self.shifts = base, shifts
        self.by_period: dict[Period, dict[str, RepInputs]] = {}
        self.columns: dict[Period, Columns] = {}

    def load(self, periods: list[Period]) -> None:
        self.base.load(periods)
        for period in periods:
            if period not in self.by_period:
                inputs = self.by_period[period] = {rep_id: shifted(item, self.shifts)
                                                   for rep_id, item in self.base.by_period[period].items()}
                self.columns[period] = Columns([inputs[rep_id] for rep_id in sorted(inputs)]).warm()


def parse_scenarios(texts: list[str]) -> list[list[Shift]]:
    """Each scenario's shifts; Invalid naming the scenario that is not one."""
    try:
        return [parse_scenario(text) for text in texts]
    except ShiftError as exc:
        raise Invalid(exc.template, **exc.inputs) from None


def run_scenario(text: str, shifts: list[Shift], plans: tuple[Plan, Plan], ids: tuple[list[str], list[str]],
                 cache: MetricCache, periods: list[Period], workers: int = 1) -> Scenario:
    """Both plans on the shifted history: each plan's cost, its distribution per rep, and each rep's pay."""
    view = ShiftedCache(cache, shifts)
    sides = [_per_rep(score(plan, view, periods, rep_ids, workers)) for plan, rep_ids in zip(plans, ids)]
    reps = [ScenarioRep(rep_id, sides[0].get(rep_id, ZERO), sides[1].get(rep_id, ZERO))
            for rep_id in sorted(sides[0].keys() | sides[1].keys())]
    totals = [sum(side.values(), ZERO) for side in sides]
    return Scenario(text, [str(s) for s in shifts], totals[0], totals[1], totals[1] - totals[0],
                    distribution(list(sides[0].values())), distribution(list(sides[1].values())), reps)


def _per_rep(outcomes: list[Outcome]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for o in outcomes:
        out[o.rep_id] = out.get(o.rep_id, ZERO) + o.total
    return out
