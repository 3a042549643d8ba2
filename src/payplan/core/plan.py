"""The plan schema: one version of one compensation plan, as frozen values (its components
in `payplan.core.components`, named here too).

Every convention a payout depends on is a field here with a stated default
(tier modes and boundary sides, lower-is-better formulas, rounding, proration,
draw and clawback rules, what a negative total means). Reading TOML and hashing
live in `payplan.plans.files`; semantic checks in `payplan.core.lint`; evaluation in `payplan.core.engine`.
Must not read files or compute pay.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

# The components live in their own module; they are named here too, where every reader of a plan looks.
from payplan.core.components import (  # noqa: F401
    Commission, Component, Draw, Fixed, Gate, Kpi, Multiplier, Override, Point, Pool, Scorecard, Spiff, Tier, _Frozen)



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
    `scope`: what is rounded: each "line" on its own, each "component"'s exact sum, or
    only the "total"; lines then print round(after) − round(before) of the running sum
    (`payplan.core.rounding`), so they still add up.
    """

    mode: Literal["half_up", "half_even"] = "half_up"
    places: int | None = None
    score_places: int | None = None
    scope: Literal["line", "component", "total"] = "line"


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


class Fx(_Frozen):
    """Deals in other currencies are converted into the plan's `currency` (`payplan.core.fx`).

    `rate_date`: the deal's "close_date", the "period_end", or the "period_average" (exact mean
    of the rates dated in the period). `missing`: "error" refuses the evaluation; "last_earlier"
    uses the latest rate at most `max_days` before. `source` names the rates on statements (NBU).
    """

    rate_date: Literal["close_date", "period_end", "period_average"] = "close_date"
    missing: Literal["error", "last_earlier"] = "error"
    max_days: int = 7
    source: str = ""


class Accept(_Frozen):
    """A lint warning the plan's authors acknowledge: `rule` is its code, `reason` why the plan
    keeps it; `where`, when given, limits it to issues at that key path (or below it)."""

    rule: str
    reason: str = ""
    where: str = ""


class Lint(_Frozen):
    """Decisions about the linter's warnings: each accepted one is reported as accepted."""

    accept: list[Accept] = []


class Parameter(_Frozen):
    """A value that may differ per rep: the rep's row of parameters.csv in effect at the
    period's start (latest `effective_from` ≤ start), else `default`. A field names it
    with `<field>_param = "key"` (`rate_param`, `target_incentive_param`, `quota_param`,
    `target_param`)."""

    key: str
    default: Decimal
    label: str = ""


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
    fx: Fx | None = None  # convert deals in other currencies at dated rates (fx_rates.csv)
    lint: Lint = Lint()  # warnings acknowledged, with the reason (`payplan.core.lint_accept`)
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
    # Per-rep values the plan reads (`payplan.core.parameters`), with their defaults.
    parameters: list[Parameter] = []

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"
