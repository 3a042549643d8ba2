"""A scorecard measured over a window (`measure = "window"`): properties over generated plans.

The expected pay is worked out here from the rules in words (docs/plan-format.md, "Quarterly
or annual scorecard"): which window holds a month is counted from the window's first month;
revenue is summed against the months' targets summed; the win rate is the window's won over
its closed deals; the target incentive so far is the incentive × months so far / months in
the window; due = incentive so far × score, rounded; a month pays due − paid so far, or, paid
at the window's end, nothing before its last month.
"""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payplan.core.engine import evaluate
from payplan.core.inputs import CarriedState, MetricValue, Rep, RepInputs
from payplan.core.money import quantum
from payplan.core.periods import Period, parse_range
from payplan.core.plan import Plan
from payplan.core.windows import history_start
from payplan.evaluation.pipeline import evaluate_files

from .strategies import WINDOWS, window_fields, window_in_words, write_monthly_deals

REP = Rep("r1", "Rep One", hired_on=date(2020, 1, 1))
MONTHS = parse_range("2026-07..2027-03")  # quarter ends, a year end, a new year
CENT = quantum(2)
@st.composite
def window_cards(draw):
    window = draw(WINDOWS)
    comp = {"kind": "scorecard", "id": "bonus", "measure": "window", **window_fields(window),
            "pay_on": draw(st.sampled_from(["period", "window_end"])),
            "target_incentive": str(draw(st.integers(100, 20000))),
            "kpis": [{"id": "revenue", "metric": "revenue", "weight": "0.6",
                      "target": str(draw(st.integers(1000, 50000)))},
                     {"id": "win_rate", "metric": "win_rate", "weight": "0.4",
                      "target": str(draw(st.sampled_from(["0.25", "0.4", "0.5"])))}]}
    data = {"id": "p", "version": 1, "name": "P", "effective_from": "2026-07-01", "period": "month",
            "currency": "USD", "negative_total": "pay", "components": [comp]}
    return msgspec.convert(data, Plan, strict=False), window


# per month: (revenue won, deals won, deals lost); no revenue without a deal won
MONTHLY = st.lists(st.tuples(st.integers(0, 60000), st.integers(0, 4), st.integers(0, 4))
                   .map(lambda t: (t[0] if t[1] else 0, t[1], t[2])),
                   min_size=len(MONTHS), max_size=len(MONTHS))


def _inputs(period: Period, revenue: int, won: int, lost: int) -> RepInputs:
    closed = won + lost
    metrics = {"revenue": MetricValue(Decimal(revenue), won),
               "win_rate": MetricValue(Decimal(won) / closed if closed else None, closed, (),
                                       Decimal(won), Decimal(closed))}
    return RepInputs(REP, period.key, metrics)


def _chain(plan: Plan, periods: list[Period], monthly: dict[Period, tuple]) -> dict[str, Decimal]:
    state, totals = CarriedState(), {}
    for period in periods:
        result = evaluate(plan, _inputs(period, *monthly[period]), state, period)
        assert not [i for i in result.issues if i.severity == "error"], result.issues
        state, totals[period.key] = result.state, result.total
    return totals


@settings(max_examples=150, deadline=None)
@given(window_cards(), MONTHLY)
def test_each_month_pays_the_window_due_so_far_minus_paid(card, amounts):
    plan, window = card
    c = plan.components[0]
    target_revenue, target_rate = c.kpis[0].target, c.kpis[1].target
    monthly = dict(zip(MONTHS, amounts))
    totals = _chain(plan, MONTHS, monthly)
    current, revenue, won, closed, months, paid = None, 0, 0, 0, 0, Decimal(0)
    for period in MONTHS:
        key, place, size = window_in_words(window, period)
        if key != current:  # a new window (the plan's first month starts one too)
            current, revenue, won, closed, months, paid = key, 0, 0, 0, 0, Decimal(0)
        r, w, lost = monthly[period]
        revenue, won, closed, months = revenue + r, won + w, closed + w + lost, months + 1
        score = Decimal("0.6") * Decimal(revenue) / (target_revenue * months)
        if closed:  # no closed deal in the window yet: no win rate, attainment 0
            score += Decimal("0.4") * (Decimal(won) / closed) / target_rate
        due = (c.target_incentive * months / size * score).quantize(CENT, rounding=ROUND_HALF_UP)
        last = place == size - 1
        expected = due - paid if c.pay_on == "period" or last else Decimal(0)
        assert totals[period.key] == expected, (period.key, revenue, won, closed, due, paid)
        paid += expected


@settings(max_examples=100, deadline=None)
@given(window_cards(), MONTHLY, st.sampled_from(MONTHS))
def test_a_month_run_from_its_window_start_equals_the_range(card, amounts, period):
    plan, _ = card
    monthly = dict(zip(MONTHS, amounts))
    ranged = _chain(plan, MONTHS, monthly)
    start = history_start(plan, period)
    assert start <= period
    alone = _chain(plan, [p for p in MONTHS if start <= p <= period], monthly)
    assert alone[period.key] == ranged[period.key]


def _write_facts(folder: Path, monthly: dict[Period, tuple]) -> None:
    rows = {}
    for period, (revenue, won, lost) in monthly.items():
        amounts = [revenue // won] * (won - 1) + [revenue - revenue // won * (won - 1)] if won else []
        rows[period] = [("won", a) for a in amounts] + [("lost", 1000)] * lost
    write_monthly_deals(folder, rows)


def _toml(plan: Plan) -> str:
    c = plan.components[0]
    window = f'window = "{c.window}"\n' + (
        f"window_periods = {c.window_periods}\nwindow_start = {c.window_start}\n" if c.window == "periods" else "")
    kpis = "".join(f'\n[[components.kpis]]\nid = "{k.id}"\nmetric = "{k.metric}"\nweight = {k.weight}\n'
                   f'target = {k.target}\nwhy = "w"\n' for k in c.kpis)
    return (f'id = "p"\nversion = 1\nname = "P"\neffective_from = 2026-07-01\nperiod = "month"\n'
            f'currency = "USD"\nnegative_total = "pay"\n\n[[components]]\nkind = "scorecard"\nid = "bonus"\n'
            f'measure = "window"\n{window}pay_on = "{c.pay_on}"\ntarget_incentive = {c.target_incentive}\n{kpis}')


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(window_cards(), MONTHLY)
def test_pipeline_month_by_month_equals_the_range(card, amounts):
    """Through the whole pipeline (facts → SQL → evaluate): a window scorecard evaluated one
    month at a time pays what it pays evaluated over the range, and what the rules in words say."""
    plan, _ = card
    monthly = dict(zip(MONTHS, amounts))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "facts").mkdir()
        _write_facts(folder / "facts", monthly)
        (folder / "plan.toml").write_text(_toml(plan))
        ranged = {r.period: r.total for r in evaluate_files(folder / "plan.toml", folder / "facts",
                                                            "2026-07..2027-03").results}
        assert ranged == _chain(plan, MONTHS, monthly)
        for period in MONTHS:
            alone = evaluate_files(folder / "plan.toml", folder / "facts", period.key).results
            assert [r.total for r in alone] == [ranged[period.key]], period.key


def test_a_due_that_is_exactly_half_a_cent_rounds_up_though_its_quotient_was_cut():
    """Found by the property above: in 2027-02 (a 3-month window's first month) 471 / 3 × (0.6 ×
    11469 / 1256 + 0.4 × (1/2) / 0.25) is exactly 985.775, but the quotient cut at 28 digits made
    it 985.7749999…, which rounded half up to 985.77 (`money.settled`)."""
    comp = {"kind": "scorecard", "id": "bonus", "measure": "window", **window_fields((3, 2)), "pay_on": "period",
            "target_incentive": "471",
            "kpis": [{"id": "revenue", "metric": "revenue", "weight": "0.6", "target": "1256"},
                     {"id": "win_rate", "metric": "win_rate", "weight": "0.4", "target": "0.25"}]}
    plan = msgspec.convert({"id": "p", "version": 1, "name": "P", "effective_from": "2026-07-01", "period": "month",
                            "currency": "USD", "negative_total": "pay", "components": [comp]}, Plan, strict=False)
    monthly = {period: (0, 0, 0) for period in MONTHS} | {MONTHS[7]: (11469, 1, 1)}
    assert MONTHS[7].key == "2027-02" and _chain(plan, MONTHS, monthly)["2027-02"] == Decimal("985.78")
