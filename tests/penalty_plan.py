"""A plan text whose totals go below zero on real facts, for tests of negative totals.

`PENALTY` is a scorecard that takes up to its target incentive (1,000) away: the median
sales cycle against a target of 1 day, mirrored down to a floor of −1, so every rep
with a won deal in the period scores −1 × 1,000 = −1,000.00 (a rep without one has no
data and scores 0). `plan_text` puts it in a monthly USD plan.
"""

from __future__ import annotations

PENALTY = """
[[components]]
kind = "scorecard"
id = "cycle_penalty"
target_incentive = 1000

[[components.kpis]]
id = "cycle"
metric = "cycle_days_median"
weight = 1
target = 1
lower_is = "mirror"
floor = -1
"""


def plan_text(plan_id: str, version: int = 1, start: str = "2026-01-01", more: str = "",
              components: str = PENALTY) -> str:
    """A monthly USD plan `plan_id`@`version` from `start`, with top-level lines `more`."""
    return (f'id = "{plan_id}"\nversion = {version}\nname = "Negative totals"\neffective_from = {start}\n'
            f'period = "month"\ncurrency = "USD"\n{more}\n{components}')
