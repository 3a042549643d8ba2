"""Tally: what a plan pays one rep for one period, without lines or trace (a simulation's fast path).

A simulation reads only the comparison `Outcome` of each rep-period (total,
component amounts, KPI attainments, the pay that rewards volume) and the state
carried into the next period. `evaluate` also builds every line, slice and trace
node a statement prints, which is most of its cost. `tally_reader` turns a plan
into a function that computes the same figures with the same Decimal operations,
in the same order, and nothing else.

It covers scorecards; commissions, SPIFFs on revenue or margin; fixed pay; the
statement cap and clawbacks; it returns None for a plan with draws, manager
overrides, formula bases or a component id the engine keeps for itself. Its
function returns None for a rep-period on which `evaluate` would record an issue
(a missing metric, target, quota or salary) or reverse a cancelled deal: the
caller then runs `evaluate`, whose state carries on as well. Whenever it answers,
the answer equals `outcome_reader(plan)(evaluate(...))` and `evaluate(...).state`
exactly (tests/core/test_tally.py checks this over generated plans and the examples).
Must not build lines, trace nodes or issues, nor approximate a case it does not cover.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from payplan.core.engine import carried_state
from payplan.core.inputs import CarriedState, RepInputs
from payplan.core.periods import Period
from payplan.core.plan import RESERVED_IDS, Commission, Fixed, Plan, Scorecard, Spiff
from payplan.core.proration import factor
from payplan.core.simulate import Outcome
from payplan.core.tally.commission import commission_step
from payplan.core.tally.extras import fixed_step, spiff_step
from payplan.core.tally.rules import Rules
from payplan.core.tally.scorecard import scorecard_step

ZERO = Decimal(0)
EMPTY = CarriedState()

# (inputs, carried state, period) → (outcome, state after the period), as `evaluate` is called.
Tally = Callable[[RepInputs, "CarriedState | None", Period], "tuple[Outcome, CarriedState] | None"]

_STEPS = {Scorecard: scorecard_step, Commission: commission_step, Spiff: spiff_step, Fixed: fixed_step}


def tally_reader(plan: Plan) -> Tally | None:
    """The plan's tally function, or None when the plan has a part only `evaluate` covers."""
    if not all(_covered(c) for c in plan.components):
        return None
    rules = Rules(plan)
    steps = [(c.id, _STEPS[type(c)](c, rules)) for c in plan.components]
    cap, zero, clawback = plan.cap, rules.zero, plan.clawback

    def tally(inputs: RepInputs, state: CarriedState | None, period: Period):
        if clawback is not None and _cancels(inputs, period):
            return None  # a clawback line: the engine's
        prorate = factor(plan, inputs.rep, period)[0]
        components: dict[str, Decimal] = {}
        kpis: dict[str, Decimal] = {}
        paid: list | None = [] if clawback is not None else None
        total, volume = zero, ZERO
        for cid, step in steps:
            got = step(inputs, period, prorate, kpis, paid)
            if got is None:
                return None
            amount, part = got
            components[cid] = amount
            total += amount
            if part is not None:
                volume += part
        if cap is not None and total > cap:
            line = rules.money(cap - total)
            components["statement_cap"] = zero + line
            total += line
        state = state or EMPTY
        if paid is not None:
            state = carried_state(plan, period, state, paid, state.draw_balance, [])
        return Outcome(inputs.rep.id, period.key, total, components, kpis, volume), state

    return tally


def _covered(comp) -> bool:
    if comp.id in RESERVED_IDS or type(comp) not in _STEPS:
        return False
    return getattr(comp, "base", "revenue") in ("revenue", "margin")


def _cancels(inputs: RepInputs, period: Period) -> bool:
    """Whether a credited deal was cancelled in the period (`evaluate_clawbacks` reverses it)."""
    return any(d.status == "cancelled" and d.cancelled_at and period.contains(d.cancelled_at) for d in inputs.deals)
