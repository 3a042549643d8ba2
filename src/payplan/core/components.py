"""The components of a plan: KPI scorecards, commissions with tiers and multipliers, SPIFFs,
overrides, team pools, draws and fixed pay, with their gates, as frozen values.

Each kind is tagged by `kind` in the plan file; `payplan.core.plan` puts them in a `Plan`.
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
    curve_boundary: Literal["lower", "upper"] = "lower"  # at a repeated x: the later / the earlier point
    curve_slope_after: Decimal | None = None  # past the last point: rise per unit of x (default: flat)
    threshold: Decimal | None = None
    floor: Decimal | None = Decimal(0)
    cap: Decimal | None = None
    product: str = ""
    activity_kind: str = ""
    scope: Literal["self", "team", "subtree"] = "self"
    label: str = ""
    why: str = ""
    target_param: str = ""  # a `[[parameters]]` key: the rep's value replaces `target`


class Scorecard(_Frozen, tag_field="kind", tag="scorecard"):
    """KPI bonus: target incentive x payout_curve(sum of weight x attainment) x gates."""

    id: str
    kpis: list[Kpi]
    target_incentive: Decimal | None = None
    salary_share: Decimal | None = None  # target incentive as a share of the rep's salary
    payout_curve: list[Point] = []  # score -> payout ratio; default: payout = score
    payout_curve_boundary: Literal["lower", "upper"] = "lower"  # as Kpi.curve_boundary
    payout_curve_slope_after: Decimal | None = None  # as Kpi.curve_slope_after
    payout_cap: Decimal | None = None
    gates: list[Gate] = []
    label: str = ""
    why: str = ""
    target_incentive_param: str = ""  # a `[[parameters]]` key: the rep's value replaces `target_incentive`
    # Scored over a window (payplan.core.window_score): the KPIs measure the window's facts so
    # far against the window's targets, and each period pays due so far − paid so far, or,
    # with pay_on = "window_end", all of it on the window's last period. As for a commission.
    measure: Literal["period", "window"] = "period"
    window: Literal["year", "quarter", "periods"] = "year"
    window_periods: int | None = None
    window_start: date | None = None
    pay_on: Literal["period", "window_end"] = "period"


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
    exclude_products: list[str] = []  # never paid; an unlisted product with `products` set warns
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
    # Cumulative measure (payplan.core.cumulative): "window" puts the tier position on the
    # base credited since the window's start (year- or quarter-to-date) and pays each period
    # the cumulative due minus what was paid so far in the window; "window_end" pays it only
    # on the window's last period.
    measure: Literal["period", "window"] = "period"
    window: Literal["year", "quarter", "periods"] = "year"
    window_periods: int | None = None  # window = "periods": its length in plan periods (payplan.core.windows)
    window_start: date | None = None  # window = "periods": the first window's first day (default effective_from)
    pay_on: Literal["period", "window_end"] = "period"
    label: str = ""
    why: str = ""
    # `[[parameters]]` keys: the rep's value (parameters.csv or the default) replaces the field
    rate_param: str = ""
    target_incentive_param: str = ""
    quota_param: str = ""


class Spiff(_Frozen, tag_field="kind", tag="spiff"):
    """A time-boxed bonus: per qualifying deal, a rate on their base, or per unit of a metric.

    `tiers` (in place of `per_deal`) are on the count of qualifying deals: the k-th deal of
    the period (by close date, then deal id) earns the `rate` of the tier holding k
    (from ≤ k < to); a retroactive tier, once the count reaches it, pays every earlier deal
    at its rate too.
    """

    id: str
    starts: date | None = None
    ends: date | None = None
    products: list[str] = []
    exclude_products: list[str] = []  # never paid; an unlisted product with `products` set warns
    per_deal: Decimal | None = None
    rate: Decimal | None = None
    base: str = "revenue"
    metric: str | None = None
    per_unit: Decimal | None = None
    cap: Decimal | None = None
    label: str = ""
    why: str = ""
    tiers: list[Tier] = []


class Override(_Frozen, tag_field="kind", tag="override"):
    """Manager override: `rate` on the team's credited base (direct reports or subtree),
    only above `threshold` when given, only when team attainment reaches `min_attainment`.
    `on` names a commission component of this plan: the override is then on what each
    member earns from it (computed from their credited deals, `payplan.core.team`)."""

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
    on: str | None = None


class Pool(_Frozen, tag_field="kind", tag="pool"):
    """A team pool: `amount`, or `rate` on the credited base of the rep's team (every rep of
    the same `team` employed in the period), divided among those members by `split`:
    "equal", by "attainment" (each member's credited base / their quota) or by credited
    "revenue". Shares are cut to the cent by the largest-remainder method, so they add up
    to the pool exactly; each member is paid their own share."""

    id: str
    amount: Decimal | None = None
    rate: Decimal | None = None
    base: str = "revenue"
    split: Literal["equal", "attainment", "revenue"] = "equal"
    quota: Decimal | None = None  # each member's quota for split = "attainment" (target 'quota' overrides)
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


Component = Union[Scorecard, Commission, Spiff, Override, Draw, Fixed, Pool]
