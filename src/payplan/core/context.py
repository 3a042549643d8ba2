"""The evaluation context shared by component evaluators for one rep and period.

Holds the plan, the inputs, proration, the rounding rule and the issues found so
far. Must not compute pay itself: components do that.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from payplan.core.inputs import CarriedState, MetricValue, RepInputs, WindowTotals
from payplan.core.issues import Issue
from payplan.core.metrics import MetricSpec, lookup
from payplan.core.money import minor_units, quantum, settled
from payplan.core.periods import Period
from payplan.core.plan import Plan
from payplan.core.trace import N_, Value, fill

PRORATED_PLAN = N_("plan, prorated to the active share of the period")
_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


class Ctx:
    __slots__ = ("plan", "inputs", "rep", "period", "prorate", "prorate_why", "prorate_inputs", "state",
                 "issues", "money_quantum", "money_mode", "_score_quantum", "rounds_scores", "plain_targets",
                 "exact", "exact_sum", "windows")

    def __init__(self, plan: Plan, inputs: RepInputs, period: Period, state: CarriedState,
                 prorate: Decimal, prorate_why: str, prorate_inputs: dict[str, Value] | None = None) -> None:
        self.plan, self.inputs, self.rep, self.period = plan, inputs, inputs.rep, period
        # prorate_why: why the share is what it is, a template over prorate_inputs (`proration.factor`)
        self.state, self.prorate, self.prorate_why = state, prorate, prorate_why
        self.prorate_inputs = {} if prorate_inputs is None else prorate_inputs
        self.issues: list[Issue] = []
        self.windows: dict[str, WindowTotals] = {}  # cumulative commissions' totals after this period
        # money_quantum / money_mode: the line rounding rule, also read directly by hot loops.
        self.money_quantum, self.money_mode, self._score_quantum = rounding_rule(plan)
        self.rounds_scores = self._score_quantum is not None
        # exact: lines keep their exact amounts until `payplan.core.rounding` rounds them by
        # the plan's scope ("component" or "total"); exact_sum: the running exact sum it reads.
        self.exact, self.exact_sum = plan.rounding.scope != "line", Decimal(0)
        # No target overrides and no target proration: every target is the plan default
        # as given (`target` would return it unchanged), so hot loops may skip the call.
        self.plain_targets = not inputs.targets and (not plan.proration.quotas or prorate == 1)

    def money(self, value: Decimal) -> Decimal:
        """Round one line with the plan's rule (lines are rounded, then summed); exact while the
        plan rounds by component or total (a zero still gets the currency's places)."""
        if self.exact and value:
            return value
        return settled(value).quantize(self.money_quantum, rounding=self.money_mode)

    def score(self, value: Decimal) -> Decimal:
        """Round an attainment or points ratio when the plan asks for it."""
        if self._score_quantum is None:
            return value
        return value.quantize(self._score_quantum, rounding=self.money_mode)

    def warn(self, code: str, message: str, where: str, **inputs: Value) -> None:
        """A warning; `message` is a template over `inputs` when they are given (`trace.fill`)."""
        self._issue("warning", code, message, where, inputs)

    def fail(self, code: str, message: str, where: str, **inputs: Value) -> None:
        """An error; `message` is a template over `inputs` when they are given (`trace.fill`)."""
        self._issue("error", code, message, where, inputs)

    def _issue(self, severity: str, code: str, message: str, where: str, inputs: dict[str, Value]) -> None:
        place = f"{self.rep.id} {self.period.key} {where}"
        if inputs:
            self.issues.append(Issue(severity, code, fill(message, inputs), place, template=message, inputs=inputs))
        else:
            self.issues.append(Issue(severity, code, message, place))

    def metric(self, spec: MetricSpec) -> MetricValue | None:
        return self.inputs.metrics.get(spec.key)

    def target(self, key: str, default: Decimal | None, unit_prorated: bool) -> tuple[Decimal | None, str]:
        """A target from the overrides cascade, else the plan default; prorated if asked.
        The source is the override's own (data), "plan" or, prorated, `PRORATED_PLAN`."""
        override = self.inputs.targets.get(key)
        value, source = (override.value, override.source) if override else (default, N_("plan"))
        if value is None or not unit_prorated or not self.plan.proration.quotas or self.prorate == 1:
            return value, source
        # The active share and why are the trace's `proration` node; the source says it applied.
        return value * self.prorate, PRORATED_PLAN if override is None else override.source


_ROUNDING: dict[int, tuple[Plan, tuple[Decimal, str, Decimal | None]]] = {}


def rounding_rule(plan: Plan) -> tuple[Decimal, str, Decimal | None]:
    """(money quantum, rounding mode, score quantum or None), worked out once per plan
    object: a context is built for every rep."""
    entry = _ROUNDING.get(id(plan))
    if entry is None or entry[0] is not plan:
        if len(_ROUNDING) > 256:
            _ROUNDING.clear()
        places, sp = plan.rounding.places, plan.rounding.score_places
        entry = _ROUNDING[id(plan)] = (plan, (quantum(minor_units(plan.currency) if places is None else places),
                                              _MODES[plan.rounding.mode], None if sp is None else quantum(sp)))
    return entry[1]


def prorates_target(metric_name: str) -> bool:
    """Counts and amounts shrink with a partial period; ratios, scores and days do not."""
    definition = lookup(metric_name)
    return definition is not None and definition.unit in ("count", "money")
