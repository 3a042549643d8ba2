"""The plan's rounding, targets and gates as a tally reads them (see `payplan.core.tally`).

`Rules` holds what every step of one plan's tally shares: the rounding rule, the
target cascade's value (without its words) and the attainments kept to 4 places.
`gated` is `apply_gates` without lines. Must not build lines, trace nodes or issues.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from itertools import compress
from operator import methodcaller

from payplan.core.adjust import gate_key
from payplan.core.context import rounding_rule
from payplan.core.inputs import RepInputs
from payplan.core.money import settled
from payplan.core.plan import Gate, Plan
from payplan.core.simulate import RATIO
from payplan.core.tally.batch import Batch

ZERO, ONE = Decimal(0), Decimal(1)


class Rules:
    """The plan's rounding and proration rules, and the attainments shared across rep-periods."""

    __slots__ = ("quantum", "mode", "score_quantum", "money", "zero", "prorates_quotas", "shared")

    def __init__(self, plan: Plan) -> None:
        self.quantum, self.mode, self.score_quantum = rounding_rule(plan)
        # value → value rounded to the plan's money places, settled first as `Ctx.money` does
        quantize = methodcaller("quantize", self.quantum, self.mode)
        self.money = lambda value: quantize(settled(value))
        self.zero = self.money(ZERO)
        self.prorates_quotas = plan.proration.quotas
        # An attainment to 4 places repeats across rep-periods: one object per value
        # (keyed by text, as `outcome_reader` does: hashing a Decimal costs more).
        self.shared: dict[str, Decimal] = {}

    def target(self, targets: dict | None, key: str, default: Decimal | None, unit_prorated: bool,
               prorate: Decimal) -> Decimal | None:
        """`Ctx.target`'s value: the override among a rep's `targets`, else the plan
        default; prorated if asked."""
        override = targets.get(key) if targets else None
        value = override.value if override else default
        if value is None or not unit_prorated or not self.prorates_quotas or prorate == 1:
            return value
        return value * prorate

    def kept(self, attainment: Decimal) -> Decimal:
        rounded = attainment.quantize(RATIO, ROUND_HALF_UP)
        text = str(rounded)
        value = self.shared.get(text)
        if value is None:
            value = self.shared[text] = rounded
        return value


def gated_columns(gates: list[Gate], unrounded: list[Decimal], amounts: list[Decimal], batch: Batch,
                  attainments: dict[str, list[Decimal]], rules: Rules) -> None:
    """`gated` for every rep of a batch, a gate at a time (each rep still meets the gates
    in order); `amounts` is updated in place, and `unrounded` with it."""
    for gate in gates:
        if gate.factor == ONE:
            continue
        factor, less = gate.factor, gate.factor - ONE
        for i in _hit(gate, batch, attainments):
            amounts[i] += rules.money(unrounded[i] * less)
            unrounded[i] = unrounded[i] * factor


def _hit(gate: Gate, batch: Batch, attainments: dict[str, list[Decimal]]) -> list[int]:
    """The reps a gate applies to: one of the scorecard's attainments below its KPI minimum,
    or its metric missing or below its minimum (decided once per distinct value)."""
    if gate.kpi_min is not None:
        low = gate.kpi_min
        return [i for i, row in enumerate(zip(*attainments.values())) if any(a < low for a in row)]
    codes, values = batch.columns.metric(gate_key(gate.metric or ""))
    low = gate.min
    hit = [value is None or (low is not None and value < low) for value in values]  # per distinct value
    return list(compress(range(len(codes)), map(hit.__getitem__, codes)))


def gated(gates: list[Gate], unrounded: Decimal, amount: Decimal, inputs: RepInputs,
          attainments: dict[str, Decimal], rules: Rules) -> Decimal:
    """`apply_gates`: each gate that applies adds unrounded × (factor − 1); gates compound."""
    for gate in gates:
        if gate.kpi_min is not None:
            hit = any(a < gate.kpi_min for a in attainments.values())
        else:
            mv = inputs.metrics.get(gate_key(gate.metric or ""))
            value = mv.value if mv else None
            hit = value is None or (gate.min is not None and value < gate.min)
        if hit and gate.factor != ONE:
            amount += rules.money(unrounded * (gate.factor - ONE))
            unrounded = unrounded * gate.factor
    return amount
