"""The plan's rounding, targets and gates as a tally reads them (see `payplan.core.tally`).

`Rules` holds what every step of one plan's tally shares: the rounding rule, the
target cascade's value (without its words) and the attainments kept to 4 places.
`gated` is `apply_gates` without lines. Must not build lines, trace nodes or issues.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from payplan.core.adjust import gate_key
from payplan.core.context import rounding_rule
from payplan.core.inputs import RepInputs
from payplan.core.plan import Gate, Plan
from payplan.core.simulate import RATIO

ZERO, ONE = Decimal(0), Decimal(1)


class Rules:
    """The plan's rounding and proration rules, and the attainments shared across rep-periods."""

    __slots__ = ("quantum", "mode", "score_quantum", "zero", "prorates_quotas", "shared")

    def __init__(self, plan: Plan) -> None:
        self.quantum, self.mode, self.score_quantum = rounding_rule(plan)
        self.zero = self.money(ZERO)
        self.prorates_quotas = plan.proration.quotas
        # An attainment to 4 places repeats across rep-periods: one object per value
        # (keyed by text, as `outcome_reader` does: hashing a Decimal costs more).
        self.shared: dict[str, Decimal] = {}

    def money(self, value: Decimal) -> Decimal:
        return value.quantize(self.quantum, rounding=self.mode)

    def target(self, inputs: RepInputs, key: str, default: Decimal | None, unit_prorated: bool,
               prorate: Decimal) -> Decimal | None:
        """`Ctx.target`'s value: the override, else the plan default; prorated if asked."""
        override = inputs.targets.get(key) if inputs.targets else None
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
