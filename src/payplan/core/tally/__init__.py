"""Tally: what a plan pays one rep for one period, without lines or trace (a simulation's fast path).

A simulation reads only the comparison `Outcome` of each rep-period (total,
component amounts, KPI attainments, the pay that rewards volume) and the state
carried into the next period. `evaluate` also builds every line, slice and trace
node a statement prints, which is most of its cost. `batch_reader` turns a plan
into a function that computes the same figures for every rep of a period with the
same Decimal operations, in the same order for each rep, and nothing else (the one
exception, a commission's deal lines, proves its figures equal:
`ladder.ladder_sums`). `tally_reader` is the same for one rep-period.

It covers scorecards; commissions, SPIFFs on revenue or margin; fixed pay; the
statement cap, clawbacks and the policy on a negative total (`negative.settle`, as
`evaluate` applies it); it returns None for a plan with draws, manager overrides, team pools,
SPIFF tiers on the deal count, formula bases, a metric SPIFF whose dates cut a period, or a
component id the engine keeps for itself. Its
function answers None for a rep-period on which `evaluate` would record an issue
(a missing metric, target, quota or salary) or reverse a cancelled deal: the
caller then runs `evaluate`, whose state carries on as well. Whenever it answers,
the answer equals `outcome_reader(plan)(evaluate(...))` and `evaluate(...).state`
exactly (tests/core/test_tally.py checks this over generated plans and the examples).
Must not build lines, trace nodes or issues, nor approximate a case it does not cover.

The contract with the plan format is data, in `contract`: every component kind and
every plan field is covered, declined or not scored, and tests/core/test_tally_contract.py
fails when one has no answer. To add a mechanic to the plan format:

1. add the field or component kind to `payplan.core.plan` and make `evaluate` pay it
   (with its lines and trace), tested against worked examples;
2. decide the tally's answer. To decline, make `batch_reader` return None for a plan
   that uses it (`_covered`, or a step that answers None for the rep-periods it cannot
   do) and list it as `DECLINED` (a declining value also in `DECLINED_VALUES`). To
   cover, compute it in the step of its component (`scorecard`, `commission`,
   `extras`) with the engine's Decimal operations in the engine's order, extend the
   generated plans of tests/core/tally_strategies.py so the property tests of
   tests/core/test_tally.py draw it, and list it as `COVERED`;
3. a field that changes no amount of a rep-period (words, selection, stage 1) is
   `NOT_SCORED`.
Declining is always correct (the simulation then runs `evaluate`); covering is only
faster, so decline first and cover when a benchmark shows the need.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, localcontext
from itertools import repeat

from payplan.core.engine import carried_state
from payplan.core.extras import spiff_spec
from payplan.core.inputs import CarriedState, RepInputs
from payplan.core.negative import COMPONENT as NEGATIVE
from payplan.core.negative import settle
from payplan.core.parameters import uses_parameters
from payplan.core.periods import Period
from payplan.core.plan import RESERVED_IDS, Commission, Fixed, Plan, Scorecard, Spiff
from payplan.core.proration import ONE as WHOLE
from payplan.core.proration import factor, plan_spans
from payplan.core.simulate import Outcome
from payplan.core.tally.batch import Batch, Columns
from payplan.core.tally.commission import commission_step
from payplan.core.tally.extras import fixed_step, spiff_step
from payplan.core.tally.rules import Rules
from payplan.core.tally.scorecard import scorecard_step

ZERO = Decimal(0)
EMPTY = CarriedState()

# (inputs, carried state, period) → (outcome, state after the period), as `evaluate` is called.
Tally = Callable[[RepInputs, "CarriedState | None", Period], "tuple[Outcome, CarriedState] | None"]
# (period, the reps' inputs by column, each rep's carried state or None for none) → per rep
# what `Tally` returns.
BatchTally = Callable[[Period, Columns, "list[CarriedState | None] | None"],
                      "list[tuple[Outcome, CarriedState] | None]"]

_STEPS = {Scorecard: scorecard_step, Commission: commission_step, Spiff: spiff_step, Fixed: fixed_step}


def tally_reader(plan: Plan) -> Tally | None:
    """The plan's tally for one rep-period, or None when the plan has a part only `evaluate` covers."""
    batch = batch_reader(plan)
    if batch is None:
        return None

    def tally(inputs: RepInputs, state: CarriedState | None, period: Period):
        return batch(period, Columns([inputs]), [state])[0]

    return tally


def batch_reader(plan: Plan) -> BatchTally | None:
    """The plan's tally for every rep of a period at once (a column at a time: see
    `payplan.core.tally.batch`), or None when the plan has a part only `evaluate` covers."""
    if not all(_covered(c) for c in plan.components) or plan.rounding.scope != "line" or uses_parameters(plan) \
            or any(_windowed(c, plan) for c in plan.components):
        # a component's or the total's rounding, per-rep parameters and metric SPIFFs whose dates
        # cut a period run in `evaluate` only
        return None
    rules = Rules(plan)
    steps = [(c.id, _STEPS[type(c)](c, rules)) for c in plan.components]
    clawback = plan.clawback

    def tally(period: Period, columns: Columns, states: list[CarriedState | None] | None):
        items = columns.items
        if not items:
            return []
        # A copy of the caller's decimal context: the same precision and rounding, and
        # signals (read by the commission's exact path) of its own.
        with localcontext() as ctx:
            prorates = _prorates(plan, items, period)
            scaled = ({i for i, p in enumerate(prorates) if p is not WHOLE and p != 1}
                      if rules.prorates_quotas else set())
            paid = [[] for _ in items] if clawback is not None else None
            batch = Batch(columns, period, prorates, scaled, paid, ctx.flags)
            if clawback is not None:
                batch.dead.update(i for i, item in enumerate(items) if _cancels(item, period))
            amounts, volumes = [], []
            for _, step in steps:
                column, volume = step(batch)
                amounts.append(column)
                if volume is not None:
                    volumes.append(volume)
            return _outcomes(plan, rules, [cid for cid, _ in steps], batch, states, amounts, volumes)

    return tally


def _prorates(plan: Plan, items: list[RepInputs], period: Period) -> list[Decimal]:
    """Each rep's active share of the period (`factor`'s; its common case without a call)."""
    if not plan_spans(plan, period):
        return [factor(plan, item.rep, period)[0] for item in items]
    return [WHOLE if item.rep.hired_on is None and item.rep.terminated_on is None
            else factor(plan, item.rep, period)[0] for item in items]


def _outcomes(plan: Plan, rules: Rules, cids: list[str], batch: Batch, states: list[CarriedState | None] | None,
              amounts: list[list[Decimal]], volumes: list[list[Decimal]]) -> list:
    """Per rep: the components summed into the total as `_collect` sums them, the
    statement cap, the policy on a negative total, the KPI attainments and the volume
    pay; and the state carried on (`states` None: none carried in)."""
    n, cap, zero, period, dead, paid = len(batch), plan.cap, rules.zero, batch.period, batch.dead, batch.paid
    key, kpi_ids, rep_ids = period.key, list(batch.kpis), batch.columns.ids
    rows = zip(zip(*amounts) if amounts else repeat((), n), zip(*batch.kpis.values()) if kpi_ids else repeat((), n),
               zip(*volumes) if volumes else repeat((), n))
    out: list[tuple[Outcome, CarriedState] | None] = []
    for i, (row, kpis, parts) in enumerate(rows):
        if dead and i in dead:
            out.append(None)
            continue
        components = dict(zip(cids, row))
        total = sum(row, zero)
        if cap is not None and total > cap:
            line = rules.money(cap - total)
            components["statement_cap"] = zero + line
            total += line
        state = (states[i] or EMPTY) if states is not None else EMPTY
        owed = state.negative_balance
        if total < 0 or owed:
            total, owed = _negative_total(plan, rules, total, owed, components)
        if paid is not None or owed != state.negative_balance:
            state = carried_state(plan, period, state, paid[i] if paid is not None else [], state.draw_balance, [],
                                  owed)
        out.append((Outcome(rep_ids[i], key, total, components, dict(zip(kpi_ids, kpis)), sum(parts, ZERO)), state))
    return out


def _negative_total(plan: Plan, rules: Rules, total: Decimal, owed: Decimal,
                    components: dict[str, Decimal]) -> tuple[Decimal, Decimal]:
    """`engine._negative_total`'s amounts: the same `settle`, its amount added last."""
    done = settle(plan.negative_total, total, owed, rules.money)
    if done.kind is None:
        return total, done.balance
    components[NEGATIVE] = rules.zero + done.amount
    return total + done.amount, done.balance


def _covered(comp) -> bool:
    if comp.id in RESERVED_IDS or type(comp) not in _STEPS:
        return False
    if isinstance(comp, Spiff) and comp.tiers:  # a deal's pay hangs on its number in the period
        return False
    if getattr(comp, "measure", "period") != "period" or getattr(comp, "pay_on", "period") != "period":
        return False  # year- or quarter-to-date commissions: declined (payplan.core.cumulative)
    return getattr(comp, "base", "revenue") in ("revenue", "margin")


def _windowed(comp, plan: Plan) -> bool:
    """A metric SPIFF whose dates cut a period: declined (its metric counts only the days
    of its window, a column the simulation's batches do not carry)."""
    if not isinstance(comp, Spiff) or comp.metric is None:
        return False
    spec = spiff_spec(comp, plan.period)
    return bool(spec.starts or spec.ends)


def _cancels(inputs: RepInputs, period: Period) -> bool:
    """Whether a credited deal was cancelled in the period (`evaluate_clawbacks` reverses it)."""
    return any(d.status == "cancelled" and d.cancelled_at and period.contains(d.cancelled_at) for d in inputs.deals)
