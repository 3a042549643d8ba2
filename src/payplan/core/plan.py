"""The plan schema: one version of one compensation plan, as frozen values.

Every convention a payout depends on is a field here with a stated default
(tier modes and boundary sides, lower-is-better formulas, rounding, proration,
draw and clawback rules, what a negative total means). Reading TOML and hashing
live in `payplan.plans.files`; semantic checks in `payplan.core.lint`; evaluation in `payplan.core.engine`.
Must not read files or compute pay.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal, Union

import msgspec

Point = tuple[Decimal, Decimal]


class _Frozen(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    pass


class Tier(_Frozen):
    """A band [from, to) of the tier axis paying `rate`.

    `mode = "marginal"`: the rate applies only to the slice inside the band.
    `mode = "retroactive"`: once reached, the rate applies to every slice below it too.
    """

    rate: Decimal
    from_: Decimal = msgspec.field(name="from", default=Decimal(0))
    to: Decimal | None = None
    mode: Literal["marginal", "retroactive"] = "marginal"
    label: str = ""


class Multiplier(_Frozen):
    """An accelerator or decelerator: the whole component amount x `factor` when the
    measure (attainment or the component's base amount) lies in [from, to)."""

    factor: Decimal
    from_: Decimal = msgspec.field(name="from", default=Decimal(0))
    to: Decimal | None = None
    label: str = ""


class Gate(_Frozen):
    """A metric below `min` (or any KPI attainment below `kpi_min`) multiplies the
    component by `factor` (0 forfeits it)."""

    factor: Decimal = Decimal(0)
    metric: str | None = None
    min: Decimal | None = None
    kpi_min: Decimal | None = None
    label: str = ""
    why: str = ""


class Kpi(_Frozen):
    """One scorecard line: a metric, its weight and how its value becomes attainment.

    Attainment is `curve(value)` when a curve is given, else the ratio to target:
    `actual / target` for higher-is-better; for lower-is-better `target / actual`
    (`lower_is = "inverse"`) or `1 - (actual - target) / |target|` (`"mirror"`,
    which is `2 - actual/target` for a positive target and `1 - actual` for zero).
    Then `threshold` (below it attainment is 0), `floor` and `cap` apply.
    """

    id: str
    metric: str
    weight: Decimal
    target: Decimal | None = None
    target_key: str | None = None  # key in target overrides; default: the metric name
    better: Literal["higher", "lower"] | None = None  # default: the catalog's direction
    lower_is: Literal["inverse", "mirror"] = "inverse"
    curve: list[Point] = []
    threshold: Decimal | None = None
    floor: Decimal | None = Decimal(0)
    cap: Decimal | None = None
    product: str = ""
    activity_kind: str = ""
    scope: Literal["self", "team", "subtree"] = "self"
    label: str = ""
    why: str = ""


class Scorecard(_Frozen, tag_field="kind", tag="scorecard"):
    """KPI bonus: target incentive x payout_curve(sum of weight x attainment) x gates."""

    id: str
    kpis: list[Kpi]
    target_incentive: Decimal | None = None
    salary_share: Decimal | None = None  # target incentive as a share of the rep's salary
    payout_curve: list[Point] = []  # score -> payout ratio; default: payout = score
    payout_cap: Decimal | None = None
    gates: list[Gate] = []
    label: str = ""
    why: str = ""


class Commission(_Frozen, tag_field="kind", tag="commission"):
    """Commission on a declared base of credited deals, flat or tiered.

    `base`: "revenue", "margin" or a formula of deal fields ("amount / 1.12",
    "amount - discount"). Tiers sit on `tiers_on`: the cumulative base in the
    period ("amount"), quota attainment ("attainment"), or each deal's own
    margin rate ("margin_rate", always per deal). `boundary` says which side of
    a band edge belongs to it: "lower" = [from, to), "upper" = (from, to].
    """

    id: str
    base: str = "revenue"
    products: list[str] = []
    rate: Decimal | None = None
    target_incentive: Decimal | None = None  # rate = target_incentive / quota when rate is unset
    tiers: list[Tier] = []
    tiers_on: Literal["amount", "attainment", "margin_rate"] = "amount"
    accumulate: Literal["period", "deal"] = "period"
    boundary: Literal["lower", "upper"] = "lower"
    above_quota: bool = False
    quota: Decimal | None = None
    quota_key: str = "quota"
    multipliers: list[Multiplier] = []
    multipliers_on: Literal["attainment", "amount"] = "attainment"
    cap: Decimal | None = None
    floor: Decimal | None = None
    gates: list[Gate] = []
    label: str = ""
    why: str = ""


class Spiff(_Frozen, tag_field="kind", tag="spiff"):
    """A time-boxed bonus: per qualifying deal, a rate on their base, or per unit of a metric."""

    id: str
    starts: date | None = None
    ends: date | None = None
    products: list[str] = []
    per_deal: Decimal | None = None
    rate: Decimal | None = None
    base: str = "revenue"
    metric: str | None = None
    per_unit: Decimal | None = None
    cap: Decimal | None = None
    label: str = ""
    why: str = ""


class Override(_Frozen, tag_field="kind", tag="override"):
    """Manager override: `rate` on the team's credited base (direct reports or subtree),
    only above `threshold` when given, only when team attainment reaches `min_attainment`."""

    id: str
    rate: Decimal
    base: str = "revenue"
    scope: Literal["team", "subtree"] = "team"
    threshold: Decimal | None = None
    team_quota: Decimal | None = None
    min_attainment: Decimal | None = None
    cap: Decimal | None = None
    label: str = ""
    why: str = ""


class Draw(_Frozen, tag_field="kind", tag="draw"):
    """A draw against commission.

    `type = "guarantee"`: pay at least `amount`; the top-up is a loan when recoverable.
    `type = "advance"`: pay `amount` on top of earnings; recoverable advances are
    repaid from later earnings. Recovery takes what earnings exceed the draw
    (guarantee) or the earnings themselves (advance). `periods` limits the draw to
    the rep's first N periods (counted from hire); recovery continues after.
    `starts`: the date the draw began (its periods count from the later of it and the
    hire date); `opening_balance`: the balance owed as the plan's history of the draw
    begins (the period of the later of `starts` and `effective_from`).
    """

    id: str
    amount: Decimal
    type: Literal["guarantee", "advance"] = "guarantee"
    recoverable: bool = True
    periods: int | None = None
    starts: date | None = None
    opening_balance: Decimal = Decimal(0)
    label: str = ""
    why: str = ""


class Fixed(_Frozen, tag_field="kind", tag="fixed"):
    """A fixed amount per period (a base salary line): `amount`, or the rep's salary."""

    id: str
    amount: Decimal | None = None
    from_salary: bool = False
    label: str = ""
    why: str = ""


Component = Union[Scorecard, Commission, Spiff, Override, Draw, Fixed]


# Ids the engine gives its own lines and trace nodes (the active share of the period, the
# clawbacks, the statement cap, the negative balance): a component of the same id would be
# read as one of them.
RESERVED_IDS = frozenset({"proration", "clawback", "statement_cap", "negative_balance"})


class Eligibility(_Frozen):
    """Who the plan is for; empty lists mean no restriction on that field."""

    roles: list[str] = []
    teams: list[str] = []
    reps: list[str] = []


class Rounding(_Frozen):
    """Rounding: each line is rounded, then lines are summed (so they add up).

    `places` defaults to the currency's minor unit. `score_places`, when set,
    rounds each KPI attainment and points (as ratios) before they are summed.
    """

    mode: Literal["half_up", "half_even"] = "half_up"
    places: int | None = None
    score_places: int | None = None


class Proration(_Frozen):
    """How the target incentive, fixed amounts, draws and quotas shrink for a partial period."""

    method: Literal["calendar_days", "working_days", "months", "none"] = "calendar_days"
    quotas: bool = True


class Clawback(_Frozen):
    """A won deal cancelled within `window_days` of closing reverses `share` of its commission."""

    window_days: int = 90
    share: Decimal = Decimal(1)


class Accounting(_Frozen):
    """The general-ledger accounts a run's accrual journal posts to, and commission capitalised
    as a contract cost (ASC 340-40) and amortised straight-line when `amortize_months` is set."""

    amortize_months: int | None = None
    expense_account: str = "Commission expense"
    liability_account: str = "Accrued commissions"
    asset_account: str = "Capitalised contract costs"
    amortization_account: str = "Amortisation of contract costs"


class Plan(_Frozen):
    id: str
    version: int
    name: str
    effective_from: date
    period: Literal["month", "quarter", "year"]
    currency: str
    components: list[Component]
    effective_to: date | None = None
    timezone: str = "UTC"
    description: str = ""
    eligibility: Eligibility = Eligibility()
    rounding: Rounding = Rounding()
    proration: Proration = Proration()
    clawback: Clawback | None = None
    cap: Decimal | None = None  # on the statement total, before draws
    accounting: Accounting | None = None
    # A period total below zero, after draws: "carry" pays 0 and carries it forward as a
    # balance the rep owes, recovered from later positive totals; "pay" pays it as it is
    # (a deduction); "forgive" pays 0 and forgets it. A balance owed is recovered whatever
    # the policy of the version in force later.
    negative_total: Literal["carry", "pay", "forgive"] = "carry"
    # The languages its statements are printed in (`payplan.plans.texts` checks them).
    languages: list[str] = []
    # Texts given per language in the file (`label = { en = "...", uk = "..." }`): language
    # -> {default text -> its text in that language}. Filled by the loader, never written.
    translations: dict[str, dict[str, str]] = {}

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"
