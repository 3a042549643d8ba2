"""What the engine is given: a rep, their metric values, credited deals, targets and
the state carried from the previous period.

These are plain frozen values built by adapters (the fact store, a test, a
simulation cache). Must not compute anything: the metric SQL lives in
`payplan.store`, the scoring in `payplan.core.engine`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from payplan.core.fx import Converted


class Rep(msgspec.Struct, frozen=True, gc=False):
    id: str
    name: str = ""
    email: str = ""
    role: str = ""
    team: str = ""
    manager_id: str | None = None
    hired_on: date | None = None
    terminated_on: date | None = None
    currency: str = ""
    salary: Decimal | None = None  # per plan period, for bonuses stated as a share of salary


class Deal(msgspec.Struct, frozen=True, gc=False):
    """A deal as credited to one rep: `share` is that rep's split credit (1 = whole)."""

    id: str
    status: str  # open / won / lost / cancelled
    amount: Decimal
    cost: Decimal = Decimal(0)
    closed_at: date | None = None
    created_at: date | None = None
    cancelled_at: date | None = None
    product: str = ""
    currency: str = ""
    share: Decimal = Decimal(1)
    rep_id: str = ""  # the rep credited (for team/override lines)
    fields: dict[str, Decimal] = {}  # extra numeric columns: discount, tax, list_price…
    fx: Converted | None = None  # money before conversion into the pay currency, and the rate


class MetricValue(msgspec.Struct, frozen=True, gc=False):
    """One metric for one rep and period, with its evidence.

    `value` is None when the metric is undefined (no NPS answers, no closed deals
    for a win rate). `count` is how many facts were aggregated; `evidence` lists
    their ids (deal ids for deal metrics) so a statement can show them.
    """

    value: Decimal | None
    count: int = 0
    evidence: tuple[str, ...] = ()
    numerator: Decimal | None = None
    denominator: Decimal | None = None


class Target(msgspec.Struct, frozen=True, gc=False):
    """A target override from the cascade, with where it came from."""

    value: Decimal
    source: str  # e.g. "targets.csv row 4 (team EMEA)"


class TeamMember(msgspec.Struct, frozen=True, gc=False):
    """A rep in a manager's scope (or the rep's team, for a pool), with the deals credited to
    them in the period and their target overrides."""

    rep: Rep
    deals: tuple[Deal, ...] = ()
    targets: dict[str, Target] = {}


class RepInputs(msgspec.Struct, frozen=True, gc=False):
    rep: Rep
    period_key: str
    metrics: dict[str, MetricValue] = {}  # keyed by MetricSpec.key
    deals: tuple[Deal, ...] = ()  # credited deals won in, or cancelled in, the period
    targets: dict[str, Target] = {}  # overrides keyed by target key (metric name or "quota")
    team: tuple[TeamMember, ...] = ()  # for manager overrides
    pool: tuple[TeamMember, ...] = ()  # for team pools: every rep of the rep's `team`, the rep included, by id
    parameters: dict[str, Target] = {}  # parameters.csv values in effect at the period's start, by key


class PaidDeal(msgspec.Struct, frozen=True, gc=False):
    """Commission once paid on a deal, remembered so a later cancellation can reverse it."""

    amount: Decimal
    period: str
    component: str


class KpiTotals(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    """A window scorecard's KPI so far in its window (`payplan.core.window_score`): the
    summed values (a count or an amount), or the summed numerator and `denominator` (a
    ratio; a score's denominator counts its periods), and the window's target so far."""

    value: Decimal = Decimal(0)
    denominator: Decimal | None = None
    target: Decimal | None = None
    count: int = 0


class WindowTotals(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    """A cumulative component's running totals in its current window (`payplan.core.cumulative`,
    `payplan.core.window_score`)."""

    window: str  # the window's key: "2026", "2026-Q1" or "2026-04..2026-09"
    base: Decimal  # credited base since the window's start (a scorecard: its target incentive so far)
    paid: Decimal  # paid so far in the window
    kpis: dict[str, KpiTotals] = {}  # a scorecard's KPIs so far, by KPI id


class CarriedState(msgspec.Struct, frozen=True, gc=False):
    """State carried from one period into the next (draw and negative balances, paid deals)."""

    draw_balance: Decimal = Decimal(0)  # owed by the rep, recoverable from future pay
    paid_deals: dict[str, PaidDeal] = {}
    clawed_back: tuple[str, ...] = ()  # deal ids already reversed
    # Owed by the rep from negative period totals carried forward (`Plan.negative_total`),
    # recovered from later positive totals; apart from the draw balance.
    negative_balance: Decimal = Decimal(0)
    # Per commission or scorecard id with `measure = "window"`: its window's totals and pay so far.
    windows: dict[str, WindowTotals] = {}
