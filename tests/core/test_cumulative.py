"""Year-, quarter- and N-periods-to-date commission (`measure = "window"`): properties over generated plans.

The due on a cumulative base is computed here from the rules in words (a slice in tier i
is paid at the rate of the highest retroactive tier reached above it, else its own), not
with the engine's tier code.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payplan.core.cumulative import history_start
from payplan.core.engine import evaluate
from payplan.core.inputs import CarriedState, Deal, Rep, RepInputs
from payplan.core.money import quantum
from payplan.core.periods import Period, parse_range
from payplan.core.plan import Plan
from payplan.evaluation.pipeline import evaluate_files

from .strategies import MONEY, WINDOWS, increasing_tiers, window_fields, window_in_words, write_monthly_deals

REP = Rep("r1", "Rep One", hired_on=date(2020, 1, 1))
MONTHS = parse_range("2026-07..2027-03")  # quarter ends, a year end, a new year
CENT = quantum(2)


@st.composite
def window_plans(draw):
    comp = {"kind": "commission", "id": "commission", "tiers": draw(increasing_tiers()),
            "boundary": draw(st.sampled_from(["lower", "upper"])), "measure": "window",
            **window_fields(draw(WINDOWS)), "pay_on": draw(st.sampled_from(["period", "window_end"]))}
    data = {"id": "p", "version": 1, "name": "P", "effective_from": "2026-07-01", "period": "month",
            "currency": "USD", "negative_total": "pay", "components": [comp]}
    return msgspec.convert(data, Plan, strict=False)


MONTHLY_DEALS = st.lists(st.lists(MONEY, max_size=3), min_size=len(MONTHS), max_size=len(MONTHS))


def _inputs(period: Period, amounts: list[Decimal]) -> RepInputs:
    deals = tuple(Deal(f"{period.key}-{i}", "won", a, closed_at=date(period.year, period.index, 1 + i))
                  for i, a in enumerate(amounts))
    return RepInputs(REP, period.key, deals=deals)


def _chain(plan: Plan, periods: list[Period], monthly: dict[Period, list[Decimal]]) -> dict[str, Decimal]:
    state, totals = CarriedState(), {}
    for period in periods:
        result = evaluate(plan, _inputs(period, monthly[period]), state, period)
        state, totals[period.key] = result.state, result.total
    return totals


def _window(c) -> str | tuple[int, int]:
    """The window as `window_in_words` takes it: "year", "quarter" or (periods, first month)."""
    return c.window if c.window != "periods" else (c.window_periods, c.window_start.month)


def _reached(tier: dict, base: Decimal, boundary: str) -> bool:
    start = Decimal(tier["from"])
    return base >= start if boundary == "lower" else base > start or start <= 0 < base


def due_in_words(tiers: list[dict], base: Decimal, boundary: str) -> Decimal:
    """The tier table on [0, base): each tier's slice at its own rate, or at the rate of the
    highest retroactive tier the base reached above it."""
    if base <= 0:
        return Decimal(0)
    reached = [i for i, t in enumerate(tiers) if _reached(t, base, boundary)]
    top = max(reached, default=-1)
    due = Decimal(0)
    for i, tier in enumerate(tiers):
        start, stop = Decimal(tier["from"]), Decimal(tier["to"]) if "to" in tier else None
        piece = max(Decimal(0), min(base, stop if stop is not None else base) - start)
        retro = [j for j in range(i + 1, top + 1) if tiers[j]["mode"] == "retroactive"]
        rate = tiers[max(retro)]["rate"] if retro else tier["rate"]
        due += piece * Decimal(rate)
    return due


def _tiers(plan: Plan) -> list[dict]:
    return [{"from": str(t.from_), **({"to": str(t.to)} if t.to is not None else {}), "rate": str(t.rate),
             "mode": t.mode} for t in plan.components[0].tiers]


@settings(max_examples=150, deadline=None)
@given(window_plans(), MONTHLY_DEALS)
def test_each_period_pays_due_on_base_so_far_minus_paid(plan, amounts):
    """Per window, the periods together pay the due on the window's whole base; a period pays
    due(base so far) − due(base before it), or, with pay_on = "window_end", all of it at the end."""
    c = plan.components[0]
    monthly = dict(zip(MONTHS, amounts))
    totals = _chain(plan, MONTHS, monthly)
    base, paid, window = Decimal(0), Decimal(0), None
    for period in MONTHS:
        key, place, size = window_in_words(_window(c), period)
        if key != window:
            base, paid, window = Decimal(0), Decimal(0), key
        base += sum(monthly[period], Decimal(0))
        due = due_in_words(_tiers(plan), base, c.boundary).quantize(CENT, rounding=ROUND_HALF_UP)  # the plan's default
        last = place == size - 1
        expected = due - paid if c.pay_on == "period" or last else Decimal(0)
        assert totals[period.key] == expected, (period.key, base, due, paid)
        paid += expected


@settings(max_examples=150, deadline=None)
@given(window_plans(), MONTHLY_DEALS, st.sampled_from(MONTHS))
def test_a_period_run_from_its_window_start_equals_the_range(plan, amounts, period):
    """A run of one period replays from `history_start` (the window's first period): it pays
    what the same period pays inside a range evaluated from the plan's first period."""
    monthly = dict(zip(MONTHS, amounts))
    ranged = _chain(plan, MONTHS, monthly)
    start = history_start(plan, period)
    alone = _chain(plan, [p for p in MONTHS if start <= p <= period], monthly)
    assert alone[period.key] == ranged[period.key]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(window_plans(), MONTHLY_DEALS)
def test_pipeline_period_by_period_equals_the_range(plan, amounts):
    """Through the whole pipeline (facts → SQL → evaluate): a year-to-date plan evaluated
    one period at a time pays what it pays evaluated over the range."""
    monthly = dict(zip(MONTHS, amounts))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "facts").mkdir()
        write_monthly_deals(folder / "facts", {p: [("won", a) for a in amounts] for p, amounts in monthly.items()})
        (folder / "plan.toml").write_text(_toml(plan))
        ranged = {r.period: r.total for r in evaluate_files(folder / "plan.toml", folder / "facts",
                                                            "2026-07..2027-03").results}
        for period in MONTHS:
            alone = evaluate_files(folder / "plan.toml", folder / "facts", period.key).results
            assert [r.total for r in alone] == [ranged[period.key]], period.key


def _toml(plan: Plan) -> str:
    c = plan.components[0]
    periods = f"window_periods = {c.window_periods}\nwindow_start = {c.window_start}\n" if c.window == "periods" else ""
    tiers = ", ".join("{ " + ", ".join(f"{k} = {json.dumps(v) if k == 'mode' else v}" for k, v in t.items())
                      + " }" for t in _tiers(plan))
    return (f'id = "p"\nversion = 1\nname = "P"\neffective_from = 2026-07-01\nperiod = "month"\n'
            f'currency = "USD"\nnegative_total = "pay"\n\n[[components]]\nkind = "commission"\n'
            f'id = "commission"\nmeasure = "window"\nwindow = "{c.window}"\npay_on = "{c.pay_on}"\n{periods}'
            f'boundary = "{c.boundary}"\ntiers = [{tiers}]\n')


def test_lint_refuses_what_a_window_commission_does_not_combine_with():
    from payplan.core.lint import check_plan

    def codes(**fields):
        comp = {"kind": "commission", "id": "c", "rate": "0.05", **fields}
        data = {"id": "p", "version": 1, "name": "P", "effective_from": "2026-01-01", "period": "month",
                "currency": "USD", "components": [comp]}
        return {i.code for i in check_plan(msgspec.convert(data, Plan, strict=False)) if i.severity == "error"}

    assert "window-measure" not in codes(measure="window", window="quarter", pay_on="window_end")
    assert "window-measure" in codes(measure="window", cap="100")
    assert "window-measure" in codes(measure="window", accumulate="deal")
    assert "window-measure" in codes(pay_on="window_end")
