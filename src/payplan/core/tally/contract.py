"""The tally's contract with the plan format: every mechanic is covered, declined, or not scored.

`KINDS` names every component kind and `FIELDS` every field of every plan value
(`"Commission.tiers"`), each with one of three answers:

- `COVERED`: the tally computes it with the engine's operations, in the engine's
  order (tests/core/test_tally.py proves the outcomes equal);
- `DECLINED`: `batch_reader` returns None for a plan that uses it, so the simulation
  runs `evaluate` instead; `DECLINED_VALUES` lists the field values that decline
  (a formula base), so a test can build each one and see the tally step aside;
- `NOT_SCORED`: no amount depends on it inside a rep-period's scoring (words shown
  to people, the version and eligibility chosen before scoring, facts turned into
  metric values in stage 1, which the tally reads exactly as `evaluate` does).

tests/core/test_tally_contract.py fails when a component kind or a plan field
exists that is not listed here, when a listed one no longer exists, when a
declined kind or value is not declined, and when a covered kind is declined.
Must not import anything but the plan schema: it is data.
"""

from __future__ import annotations

from payplan.core.plan import Commission, Draw, Fixed, Override, Pool, Scorecard, Spiff

COVERED, DECLINED, NOT_SCORED = "covered", "declined", "not scored"

KINDS = {
    Scorecard: COVERED,
    Commission: COVERED,
    Spiff: COVERED,
    Fixed: COVERED,
    Override: DECLINED,  # reads the team's deals and attainment, which a rep's columns lack
    Draw: DECLINED,  # a balance carried and recovered across periods, with its own lines
    Pool: DECLINED,  # divides a team's figures among its members, which a rep's columns lack
}

# A field value that makes the tally decline, one example each: (field, value).
DECLINED_VALUES = (
    ("Commission.base", "amount - discount"),  # a formula base reads each deal's extra fields
    ("Spiff.base", "amount - discount"),
    ("Spiff.tiers", [{"rate": "100"}]),  # a deal's amount hangs on its number among the period's deals
    ("Commission.id", "clawback"),  # an id the engine keeps for its own lines
    ("Scorecard.id", "proration"),
    ("Spiff.id", "statement_cap"),
    ("Fixed.id", "clawback"),
    ("Commission.id", "negative_balance"),
    ("Commission.measure", "window"),  # year- or quarter-to-date totals carried across periods
    ("Commission.pay_on", "window_end"),
    ("Scorecard.measure", "window"),  # KPIs over the window's facts so far, carried across periods
    ("Scorecard.pay_on", "window_end"),
    ("Commission.rate_param", "ae_rate"),  # a per-rep parameter (parameters.csv)
    ("Scorecard.target_incentive_param", "ti"),
)

# Words shown to people: no amount depends on them.
_WORDS = dict.fromkeys(["Tier.label", "Multiplier.label", "Gate.label", "Gate.why", "Kpi.label", "Kpi.why",
                        "Scorecard.label", "Scorecard.why", "Commission.label", "Commission.why", "Spiff.label",
                        "Spiff.why", "Override.label", "Override.why", "Draw.label", "Draw.why", "Fixed.label",
                        "Fixed.why", "Pool.label", "Pool.why", "Plan.languages", "Plan.translations"], NOT_SCORED)

FIELDS = {
    **_WORDS,
    "Tier.rate": COVERED, "Tier.from_": COVERED, "Tier.to": COVERED, "Tier.mode": COVERED,
    "Multiplier.factor": COVERED, "Multiplier.from_": COVERED, "Multiplier.to": COVERED,
    "Gate.factor": COVERED, "Gate.metric": COVERED, "Gate.min": COVERED, "Gate.kpi_min": COVERED,
    "Kpi.id": COVERED, "Kpi.metric": COVERED, "Kpi.weight": COVERED, "Kpi.target": COVERED,
    "Kpi.target_key": COVERED, "Kpi.better": COVERED, "Kpi.lower_is": COVERED, "Kpi.curve": COVERED,
    "Kpi.curve_boundary": COVERED, "Kpi.curve_slope_after": COVERED,
    "Kpi.threshold": COVERED, "Kpi.floor": COVERED, "Kpi.cap": COVERED,
    "Kpi.product": NOT_SCORED, "Kpi.activity_kind": NOT_SCORED, "Kpi.scope": NOT_SCORED,  # stage 1 filters
    "Scorecard.id": COVERED, "Scorecard.kpis": COVERED, "Scorecard.target_incentive": COVERED,
    "Scorecard.salary_share": COVERED, "Scorecard.payout_curve": COVERED,
    "Scorecard.payout_curve_boundary": COVERED, "Scorecard.payout_curve_slope_after": COVERED, "Scorecard.payout_cap": COVERED,
    "Scorecard.gates": COVERED,
    "Commission.id": COVERED, "Commission.base": COVERED, "Commission.products": COVERED,
    "Commission.exclude_products": COVERED,
    "Commission.rate": COVERED, "Commission.target_incentive": COVERED, "Commission.tiers": COVERED,
    "Commission.tiers_on": COVERED, "Commission.accumulate": COVERED, "Commission.boundary": COVERED,
    "Commission.above_quota": COVERED, "Commission.quota": COVERED, "Commission.quota_key": COVERED,
    "Commission.multipliers": COVERED, "Commission.multipliers_on": COVERED, "Commission.cap": COVERED,
    "Commission.floor": COVERED, "Commission.gates": COVERED,
    "Commission.measure": DECLINED, "Commission.window": DECLINED, "Commission.pay_on": DECLINED,
    "Commission.window_periods": DECLINED, "Commission.window_start": DECLINED,
    # a scorecard measured over a window (payplan.core.window_score): its totals carry across periods
    "Scorecard.measure": DECLINED, "Scorecard.window": DECLINED, "Scorecard.window_periods": DECLINED,
    "Scorecard.window_start": DECLINED, "Scorecard.pay_on": DECLINED,
    "Spiff.id": COVERED, "Spiff.starts": COVERED, "Spiff.ends": COVERED, "Spiff.products": COVERED,
    "Spiff.exclude_products": COVERED,
    "Spiff.per_deal": COVERED, "Spiff.rate": COVERED, "Spiff.base": COVERED, "Spiff.metric": COVERED,
    "Spiff.per_unit": COVERED, "Spiff.cap": COVERED, "Spiff.tiers": DECLINED,
    "Override.id": DECLINED, "Override.rate": DECLINED, "Override.base": DECLINED, "Override.scope": DECLINED,
    "Override.threshold": DECLINED, "Override.team_quota": DECLINED, "Override.min_attainment": DECLINED,
    "Override.cap": DECLINED, "Override.on": DECLINED,
    "Draw.id": DECLINED, "Draw.amount": DECLINED, "Draw.type": DECLINED, "Draw.recoverable": DECLINED,
    "Draw.periods": DECLINED, "Draw.starts": DECLINED, "Draw.opening_balance": DECLINED,
    "Pool.id": DECLINED, "Pool.amount": DECLINED, "Pool.rate": DECLINED, "Pool.base": DECLINED,
    "Pool.split": DECLINED, "Pool.quota": DECLINED,
    "Fixed.id": COVERED, "Fixed.amount": COVERED, "Fixed.from_salary": COVERED,
    "Eligibility.roles": NOT_SCORED, "Eligibility.teams": NOT_SCORED, "Eligibility.reps": NOT_SCORED,
    "Rounding.mode": COVERED, "Rounding.places": COVERED, "Rounding.score_places": COVERED,
    "Rounding.scope": DECLINED,  # "component" and "total" decline (`batch_reader`); "line" is covered
    "Plan.lint": NOT_SCORED, "Lint.accept": NOT_SCORED,  # decisions about lint warnings
    "Accept.rule": NOT_SCORED, "Accept.reason": NOT_SCORED, "Accept.where": NOT_SCORED,
    "Proration.method": COVERED, "Proration.quotas": COVERED,
    "Clawback.window_days": COVERED, "Clawback.share": COVERED,
    "Accounting.amortize_months": NOT_SCORED,  # the accrual schedule of a paid amount, not the amount
    "Accounting.expense_account": NOT_SCORED, "Accounting.liability_account": NOT_SCORED,
    "Accounting.asset_account": NOT_SCORED, "Accounting.amortization_account": NOT_SCORED,
    "Plan.id": NOT_SCORED, "Plan.version": NOT_SCORED, "Plan.name": NOT_SCORED, "Plan.description": NOT_SCORED,
    "Plan.effective_from": COVERED, "Plan.effective_to": COVERED,  # a version's span prorates its reps
    "Plan.period": NOT_SCORED, "Plan.currency": NOT_SCORED, "Plan.timezone": NOT_SCORED,  # stage 1
    "Plan.components": COVERED, "Plan.eligibility": NOT_SCORED, "Plan.rounding": COVERED,
    "Plan.proration": COVERED, "Plan.clawback": COVERED, "Plan.cap": COVERED, "Plan.accounting": NOT_SCORED,
    "Plan.negative_total": COVERED,  # `negative.settle`, the engine's own rule, on the final total
    # Per-rep parameters (parameters.csv): declined, each rep reads their own values in `evaluate`
    "Plan.parameters": DECLINED, "Parameter.key": DECLINED, "Parameter.default": DECLINED,
    "Parameter.label": NOT_SCORED, "Commission.rate_param": DECLINED, "Commission.target_incentive_param": DECLINED,
    "Commission.quota_param": DECLINED, "Scorecard.target_incentive_param": DECLINED, "Kpi.target_param": DECLINED,
    # Deals are converted into the pay currency in stage 1 (`payplan.store.fx`): the tally reads
    # the converted inputs as `evaluate` does (tests/examples/test_fx.py).
    "Plan.fx": NOT_SCORED, "Fx.rate_date": NOT_SCORED, "Fx.missing": NOT_SCORED, "Fx.max_days": NOT_SCORED,
    "Fx.source": NOT_SCORED,  # a word on statements
}
