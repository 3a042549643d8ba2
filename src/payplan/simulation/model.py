"""What a simulation is asked and what it answers: plain values, encoded as the JSON report.

`Question` is everything HR may ask beyond the two plans and the window: which
population, inline parameter changes, a budget to fit, behaviour scenarios.
`Simulation` is the answer: the population stated first, the comparison of the reps
both plans cover, the reps only one covers listed apart, cost per team, role and
period, what drove each rep's change, the budget fit and the scenarios.
Must not compute anything: `payplan.simulation.simulate` fills these.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from payplan.core.breakdown import Driver, Group
from payplan.core.fit import Probe
from payplan.core.issues import Issue
from payplan.core.simulate import Comparison, Distribution
from payplan.plans.change_words import Phrase
from payplan.plans.files import Change


class Edit(msgspec.Struct, frozen=True):
    """One inline change to the proposal: a parameter path (`payplan.core.levers`) and its new value."""

    path: str
    value: Decimal


class Budget(msgspec.Struct, frozen=True):
    """Fit the proposal's `lever` so its total cost over the window meets `amount` within `tolerance`."""

    amount: Decimal
    lever: str
    tolerance: Decimal = Decimal(1)


class Question(msgspec.Struct, frozen=True):
    role: str = ""  # compare the reps of this role (default: the reps either plan covers)
    team: str = ""  # … or of this team
    cross_population: bool = False  # compare plans for different populations (labelled as such)
    edits: list[Edit] = []
    budget: Budget | None = None
    scenarios: list[str] = []  # each "demos +10%; conversion -2pts" (`payplan.core.shifts`)
    threshold: Decimal = Decimal(0)


class PlanChoice(msgspec.Struct, frozen=True):
    """Which plan a side of the comparison is, as given and as resolved."""

    given: str
    ref: str
    hash: str
    name: str
    origin: str  # file / draft / published / edited


class Person(msgspec.Struct, frozen=True):
    name: str
    team: str
    role: str


class Covered(msgspec.Struct, frozen=True):
    """A rep only one of the plans covers, with what that plan pays them over the window."""

    rep_id: str
    pay: Decimal


class Population(msgspec.Struct, frozen=True):
    """Who is compared: `kind` baseline (the reps either plan covers) / role / team / cross."""

    kind: str
    role: str = ""
    team: str = ""
    roles: list[str] = []  # the roles of the reps compared
    compared: int = 0  # reps both plans cover (the comparison)
    newly_covered: list[Covered] = []  # covered by the proposal only
    no_longer_covered: list[Covered] = []  # covered by the baseline only
    newly_covered_total: Decimal = Decimal(0)
    no_longer_covered_total: Decimal = Decimal(0)

    @property
    def cross(self) -> bool:
        return self.kind == "cross"


class BudgetFit(msgspec.Struct, frozen=True):
    """The budget fit: the parameter found, its cost re-simulated, and the plan change it implies."""

    lever: str
    unit: str
    budget: Decimal
    tolerance: Decimal
    old: Decimal | None
    value: Decimal
    cost: Decimal  # the proposal's cost over the window with `value`
    met: bool
    reason: str
    probes: list[Probe]
    changes: list[Change]
    parameter: Phrase | None = None  # the lever in words (`payplan.plans.change_words`)
    words: list[Phrase] = []  # `changes` in words


class ScenarioRep(msgspec.Struct, frozen=True):
    rep_id: str
    baseline: Decimal
    proposal: Decimal


class Scenario(msgspec.Struct, frozen=True):
    """Both plans scored on history changed by `shifts`."""

    name: str
    shifts: list[str]
    baseline: Decimal
    proposal: Decimal
    delta: Decimal
    baseline_distribution: Distribution
    proposal_distribution: Distribution
    reps: list[ScenarioRep]


class Simulation(msgspec.Struct):
    population: Population
    baseline: PlanChoice
    proposal: PlanChoice
    periods: list[str]
    currency: str
    changes: list[Change]
    comparison: Comparison
    issues: list[Issue]
    # The plans' KPI labels by KPI id, and their texts in other languages (`Plan.translations`),
    # so the report names KPIs as the plans do, in its language.
    kpi_labels: dict[str, str] = {}
    texts: dict[str, dict[str, str]] = {}
    people: dict[str, Person] = {}
    groups: list[Group] = []  # cost per team, role and period
    drivers: list[Driver] = []  # per rep: the change by component and the KPIs behind it
    plan_warnings: list[Issue] = []  # the plans' lint warnings (errors refuse the simulation)
    budget: BudgetFit | None = None
    scenarios: list[Scenario] = []
    component_labels: dict[str, str] = {}
    change_words: list[Phrase] = []  # `changes` in words (version, dates and texts left out)
