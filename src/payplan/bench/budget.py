"""Budget fit speed: the real `fit_budget` over 12 months × 10,000 reps with metrics cached.

The same cached inputs as the HR simulation benchmark (`payplan.bench.simulation`),
already loaded (stage 1 has its own benchmark); the budget is 90% of the bench plan's
cost over the window, to within 0.01%, fitted on the scorecard's target incentive. Each engine run the
fit makes scores every rep through every month, as a simulation with `--budget` does.
Must not touch a database.
"""

from __future__ import annotations

import os
import time
from decimal import Decimal

import msgspec

from payplan.bench.scoring import PLAN
from payplan.bench.simulation import cached_inputs
from payplan.core.inputs import RepInputs
from payplan.core.periods import Period
from payplan.core.plan import Plan
from payplan.core.tally.batch import Columns
from payplan.simulation.budget import fit_budget
from payplan.simulation.model import Budget
from payplan.simulation.pool import score

TARGET_SECONDS = 60.0
LEVER = "bonus.target_incentive"
SHARE = Decimal("0.9")
TOLERANCE = Decimal("0.0001")


class LoadedCache:
    """A metric cache whose periods are all in memory already (what `MetricCache` holds after loading)."""

    def __init__(self, by_period: dict[Period, dict[str, RepInputs]]) -> None:
        self.by_period = by_period
        self.columns = {p: Columns([inputs[r] for r in sorted(inputs)]).warm() for p, inputs in by_period.items()}

    def load(self, periods: list[Period]) -> None:
        missing = [p.key for p in periods if p not in self.by_period]
        if missing:
            raise KeyError(f"periods not cached: {missing}")


def run(reps: int = 10_000, months: int = 12, workers: int | None = None, share: Decimal = SHARE) -> dict:
    """Seconds for one budget fit (target incentive to `share` × the plan's cost), engine runs, met."""
    plan = msgspec.convert(PLAN, Plan, strict=False)
    by_period, periods = cached_inputs(reps, months)
    cache = LoadedCache(by_period)
    rep_ids = sorted(by_period[periods[0]])
    workers = workers or os.cpu_count() or 1
    baseline = sum((o.total for o in score(plan, cache, periods, rep_ids, workers)), Decimal(0))
    amount = (baseline * share).quantize(Decimal("0.01"))
    # Within 0.01% of the budget: with 10,000 reps one cent of target incentive moves the
    # cost by about 800, so a tolerance of 1 could only be met by chance.
    budget = Budget(amount, LEVER, max(Decimal(1), (amount * TOLERANCE).quantize(Decimal("0.01"))))
    start = time.perf_counter()
    _, fitted, _ = fit_budget(plan, budget, cache, periods, rep_ids, workers)
    seconds = time.perf_counter() - start
    return {"reps": reps, "months": months, "workers": workers, "seconds": seconds, "runs": len(fitted.probes),
            "met": fitted.met, "reason": fitted.reason, "budget": budget.amount, "baseline": baseline,
            "cost": fitted.cost, "value": fitted.value, "target_seconds": TARGET_SECONDS}


if __name__ == "__main__":
    print(run())
